import { readFileSync, statSync } from 'node:fs'
import type { SettingsUpdate, SettingsView } from '../../../shared/contract/hub'
import { fieldRefused, HubError } from '../errors'
import { inWriteTransaction } from '../../db/immediate'
import { requireRole, type CallContext } from '../auth/actor'
import type { AuditService } from '../audit/service'
import type { ConfigStore } from '../config/store'
import type { EventBus } from '../events/bus'
import type { Repos } from '../../db/repos'
import { lanAddresses } from '../network/addresses'
import type { MediaBinaries } from '../media/binaries'
import { PHONE_LADDER } from '../media/ladder'
import { CHAIN_SECRET_KEYS, maskAccessKey } from '../chain/settings'
import { TEXT } from '../../../shared/contract/texts'

/** Settings whose values are secrets: the audit log says they changed, never what they are. */
const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'wifiPassword',
  'douyinClientSecret',
  ...CHAIN_SECRET_KEYS,
])

export interface RuntimeInfo {
  adminUrl(): string
  lanListening(): string | null
  lanPort(): number | null
  /** Moves the LAN listener; throws a HubError (and keeps the old one) when the new address cannot be used. */
  rebindLan(host: string, port: number): Promise<void>
  media(): MediaBinaries
  /** The base URL new tags get. */
  publicUrl(): string
  tagBaseUrls(): Array<{ baseUrl: string; tags: number; reachable: boolean }>
  tls(): { subject: string; validTo: string; hosts: string[] } | null
  mdns(): boolean
  /** Starts or stops the mDNS announcement to match the settings. */
  announce(): void
  setNfc(on: boolean): Promise<void>
}

/** The Settings page: network and language. Admin only; every change is audited and written to config.json. */
export class SettingsService {
  constructor(
    private readonly config: ConfigStore,
    private readonly repos: Repos,
    private readonly audit: AuditService,
    private readonly events: EventBus,
    private readonly runtime: RuntimeInfo,
  ) {}

  view(ctx: CallContext): SettingsView {
    requireRole(ctx, 'admin')
    const c = this.config.values
    const s = this.config.sources
    const media = this.runtime.media()
    const pick = <
      K extends
        | 'quotaNormal'
        | 'quotaVip'
        | 'maxStreams'
        | 'queueMaxWaitSeconds'
        | 'renditionPhone'
        | 'renditionTablet'
        | 'renditionOther'
        | 'tapRateLimitPerMinute',
    >(
      k: K,
    ) => ({ value: c[k], source: s[k] })
    return {
      quotaNormal: pick('quotaNormal'),
      quotaVip: pick('quotaVip'),
      maxStreams: pick('maxStreams'),
      queueMaxWaitSeconds: pick('queueMaxWaitSeconds'),
      renditionPhone: pick('renditionPhone'),
      renditionTablet: pick('renditionTablet'),
      renditionOther: pick('renditionOther'),
      tapRateLimitPerMinute: pick('tapRateLimitPerMinute'),
      tls: this.runtime.tls(),
      mdns: { enabled: c.mdns, announced: this.runtime.mdns(), source: s.mdns },
      nfc: { value: c.nfc, source: s.nfc },
      wifi: { ssid: c.wifiSsid, security: c.wifiSecurity, passwordSet: Boolean(c.wifiPassword) },
      tagBaseUrls: this.runtime.tagBaseUrls(),
      uploadMaxMegabytes: { value: c.uploadMaxMegabytes, source: s.uploadMaxMegabytes },
      uploadsPerDayStaff: { value: c.uploadsPerDayStaff, source: s.uploadsPerDayStaff },
      uploadsPerDayAdmin: { value: c.uploadsPerDayAdmin, source: s.uploadsPerDayAdmin },
      transcodeConcurrency: { value: c.transcodeConcurrency, source: s.transcodeConcurrency },
      retentionDays: { value: c.retentionDays, source: s.retentionDays },
      alertFailedTransfers: { value: c.alertFailedTransfers, source: s.alertFailedTransfers },
      alertQuotaRefusals: { value: c.alertQuotaRefusals, source: s.alertQuotaRefusals },
      diskLowMegabytes: { value: c.diskLowMegabytes, source: s.diskLowMegabytes },
      media: { ffmpeg: media.ffmpeg, ffprobe: media.ffprobe, ladder: PHONE_LADDER.name },
      lanHost: { value: c.lanHost, source: s.lanHost },
      lanPort: { value: c.lanPort, source: s.lanPort },
      publicUrl: { value: c.publicUrl, source: s.publicUrl },
      language: { value: c.language, source: s.language },
      effectivePublicUrl: this.publicUrl(),
      lanAddresses: lanAddresses(),
      lanListening: this.runtime.lanListening(),
      adminUrl: this.runtime.adminUrl(),
      chainRole: { value: c.chainRole, source: s.chainRole },
      chainEndpoint: { value: c.chainEndpoint, source: s.chainEndpoint },
      chainRegion: { value: c.chainRegion, source: s.chainRegion },
      chainBucket: { value: c.chainBucket, source: s.chainBucket },
      chainAccessKey: { masked: maskAccessKey(c.chainAccessKey), source: s.chainAccessKey },
      chainSecretKey: { set: c.chainSecretKey !== null, source: s.chainSecretKey },
      chainPathStyle: { value: c.chainPathStyle, source: s.chainPathStyle },
      chainCaFile: { value: c.chainCaFile, source: s.chainCaFile },
      chainStoreId: { value: c.chainStoreId, source: s.chainStoreId },
      chainPollSeconds: { value: c.chainPollSeconds, source: s.chainPollSeconds },
      chainDownloadMbps: { value: c.chainDownloadMbps, source: s.chainDownloadMbps },
      chainGraceHours: { value: c.chainGraceHours, source: s.chainGraceHours },
      chainStaleHours: { value: c.chainStaleHours, source: s.chainStaleHours },
      douyinEnabled: { value: c.douyinEnabled, source: s.douyinEnabled },
      douyinClientKey: { value: c.douyinClientKey, source: s.douyinClientKey },
      douyinClientSecret: { set: Boolean(c.douyinClientSecret), source: s.douyinClientSecret },
      douyinApiBaseUrl: { value: c.douyinApiBaseUrl, source: s.douyinApiBaseUrl },
      douyinVideoBaseUrl: { value: c.douyinVideoBaseUrl, source: s.douyinVideoBaseUrl },
    }
  }

  async update(ctx: CallContext, patch: SettingsUpdate): Promise<SettingsView> {
    requireRole(ctx, 'admin')
    const before = this.config.values
    const { changed, next } = this.config.preview(patch)
    if (changed.includes('chainCaFile') && next.chainCaFile) checkCaFile(next.chainCaFile)
    if (next.douyinEnabled && (!next.douyinClientKey || !next.douyinClientSecret))
      throw fieldRefused('douyinEnabled', TEXT.douyinNeedsKeys)
    // Bind the new LAN address before saving it: a port in use is refused and nothing changes.
    if (changed.includes('lanHost') || changed.includes('lanPort'))
      await this.runtime.rebindLan(next.lanHost, next.lanPort)
    if (changed.length) {
      // The audit row is written first and the file last, inside one transaction: a failed write rolls the row back.
      inWriteTransaction(this.repos.db, () => {
        const details: Record<string, unknown> = {}
        // The chain's access key id is written masked.
        for (const k of changed)
          details[k] = SECRET_SETTINGS.has(k)
            ? { changed: true }
            : k === 'chainAccessKey'
              ? { from: maskAccessKey(before.chainAccessKey), to: maskAccessKey(next.chainAccessKey) }
              : { from: before[k], to: next[k] }
        this.audit.record(ctx, 'settings.update', 'settings', details)
        this.config.update(patch)
      })
    }
    if (changed.includes('mdns')) this.runtime.announce()
    if (changed.includes('nfc')) await this.runtime.setNfc(next.nfc)
    if (changed.length) this.events.emit({ type: 'settings-changed' })
    return this.view(ctx)
  }

  publicUrl(): string {
    return this.runtime.publicUrl()
  }
}

/** The CA file must be a readable file holding a PEM certificate, or the chain could never connect. */
function checkCaFile(path: string): void {
  const refuse = (why: string) => fieldRefused('chainCaFile', why)
  let text: string
  try {
    if (!statSync(path).isFile()) throw refuse(`${path} is not a file`)
    if (statSync(path).size > 1024 * 1024) throw refuse(`${path} is too large for a CA certificate`)
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (err instanceof HubError) throw err
    throw refuse(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw refuse(`${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
}

import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { z } from 'zod'
import type {
  DouyinCheck,
  DouyinShareIdSource,
  DouyinFallbackReason,
} from '../../../../shared/contract/douyin'
import type { DouyinSharesRepo } from '../../../db/repos/douyin-shares'
import type { Config } from '../../config/schema'
import { DouyinApi, DouyinApiError } from './api'
import { buildShareSchema } from './schema'
import { newNonce, signShare } from './signature'
import { DouyinTokens } from './tokens'
import { douyinTooOld } from './versions'

/** The Douyin part of the configuration, as the publisher reads it at each share. */
export interface DouyinSettings {
  enabled: boolean
  clientKey: string | null
  clientSecret: string | null
  apiBaseUrl: string
  /** Replaces the scheme, host and port of the video link the Douyin app downloads; null = the link as given. */
  videoBaseUrl: string | null
}

/** The Douyin settings out of the hub's configuration. */
export function douyinSettings(c: Readonly<Config>): DouyinSettings {
  return {
    enabled: c.douyinEnabled,
    clientKey: c.douyinClientKey,
    clientSecret: c.douyinClientSecret,
    apiBaseUrl: c.douyinApiBaseUrl,
    videoBaseUrl: c.douyinVideoBaseUrl,
  }
}

/** Douyin is switched on with its credentials: phone pages offer 发布到抖音 (the tap page and the tag form's preview). */
export function douyinReady(c: Readonly<Config>): boolean {
  return c.douyinEnabled && Boolean(c.douyinClientKey && c.douyinClientSecret)
}

/** What the phone page asks for (docs/architecture.md, "Publishing"). */
export const DouyinShareRequestSchema = z.object({
  /** The transfer's media token (the one in /m/<token>). */
  transferToken: z.string().regex(/^[A-Za-z0-9_-]{24}$/),
  /** The video link the phone itself uses; the Douyin app downloads from it (rebased when Settings say so). */
  videoUrl: z.url({ protocol: /^https?$/ }).max(2000),
  title: z.string().max(2000).optional(),
  hashtags: z.array(z.string().max(100)).max(50).optional(),
  /** Only when the page knows them (inside Douyin's own browser): an older Douyin gets the offline path. */
  os: z.enum(['android', 'ios', 'other']).optional(),
  douyinVersion: z.string().max(32).optional(),
})
export type DouyinShareRequest = z.input<typeof DouyinShareRequestSchema>

/** A signed link to Douyin's publish page and the id it carries as `state`, or why the page should go offline. */
export type DouyinShareAnswer = { schema: string; shareId: string } | { fallback: DouyinFallbackReason }

export interface DouyinPublisherDeps {
  settings: () => DouyinSettings
  /** The transfer a live media token names (its link not expired), or null. */
  transferId: (token: string) => number | null
  shares: DouyinSharesRepo
  logger: Logger
  retentionDays: () => number
  fetch?: typeof fetch
  now?: () => number
  /** Per request to Douyin (default 5 s). */
  timeoutMs?: number
  /** After a failed token request, shares go offline at once for this long (default 30 s). */
  failureCooldownMs?: number
}

/** Old shares deleted per new one: enough to keep up, small enough to cost nothing. */
const PRUNE_PER_SHARE = 100

/**
 * "发布到抖音" (issue 18): signs Douyin's H5 share schema for one transfer's video, with the hub's cached
 * client_token and ticket, and records the share id it carries. Never throws: every failure is a fallback with
 * its reason, and the page offers the offline path.
 */
export class DouyinPublisher {
  private readonly tokens: DouyinTokens
  private readonly api: DouyinApi
  private readonly now: () => number

  constructor(private readonly d: DouyinPublisherDeps) {
    this.now = d.now ?? Date.now
    this.api = new DouyinApi({ fetch: d.fetch ?? fetch, timeoutMs: d.timeoutMs ?? 5000 })
    this.tokens = new DouyinTokens({
      api: this.api,
      credentials: () => {
        const s = d.settings()
        return { apiBaseUrl: s.apiBaseUrl, clientKey: s.clientKey ?? '', clientSecret: s.clientSecret ?? '' }
      },
      now: this.now,
      logger: d.logger,
      failureCooldownMs: d.failureCooldownMs ?? 30_000,
    })
  }

  /**
   * Asks Douyin now for a client_token and a ticket with the saved credentials, past the cache (whose tokens may
   * date from other credentials, or a failure's cool-down): what Settings' check shows. Nothing is kept.
   */
  async check(): Promise<DouyinCheck> {
    const s = this.d.settings()
    const checkedAt = new Date(this.now()).toISOString()
    const configured = Boolean(s.clientKey && s.clientSecret)
    if (!s.enabled || !configured) return { enabled: s.enabled, configured, ok: null, error: null, checkedAt }
    let step: 'client_token' | 'ticket' = 'client_token'
    try {
      const token = await this.api.clientToken(s.apiBaseUrl, s.clientKey!, s.clientSecret!)
      step = 'ticket'
      await this.api.ticket(s.apiBaseUrl, token.value)
      return { enabled: true, configured, ok: true, error: null, checkedAt }
    } catch (err) {
      if (!(err instanceof DouyinApiError)) throw err
      this.d.logger.warn({ step, kind: err.kind, code: err.code, reason: err.message }, 'Douyin check failed')
      // Douyin answering the client_token request with an error code is the key and secret refused (10003,
      // 10013 …); a page that is no Douyin answer (a wrong API address) is another refusal.
      const kind =
        err.kind === 'unreachable'
          ? 'unreachable'
          : step === 'client_token' && err.code !== null
            ? 'credentials'
            : 'refused'
      return {
        enabled: true,
        configured,
        ok: false,
        error: { kind, message: err.message, code: err.code },
        checkedAt,
      }
    }
  }

  /** Drops the cached client_token and ticket: the next share fetches them with the current settings. */
  settingsChanged(): void {
    this.tokens.reset()
  }

  async shareFor(request: DouyinShareRequest): Promise<DouyinShareAnswer> {
    try {
      return await this.share(request)
    } catch (err) {
      this.d.logger.error({ err }, 'Douyin share failed unexpectedly')
      return { fallback: 'hub-error' }
    }
  }

  private async share(request: DouyinShareRequest): Promise<DouyinShareAnswer> {
    const parsed = DouyinShareRequestSchema.safeParse(request)
    if (!parsed.success) return { fallback: 'bad-input' }
    const req = parsed.data
    const s = this.d.settings()
    if (!s.enabled) return { fallback: 'disabled' }
    if (!s.clientKey || !s.clientSecret) return { fallback: 'not-configured' }
    if (douyinTooOld(req.os, req.douyinVersion)) return { fallback: 'app-too-old' }
    const transferId = this.d.transferId(req.transferToken)
    if (transferId === null) return { fallback: 'transfer-not-found' }

    let ticket: string
    try {
      ticket = await this.tokens.ticket()
    } catch (err) {
      const kind = err instanceof DouyinApiError ? err.kind : 'unreachable'
      this.d.logger.warn({ transferId, err: (err as Error).message }, 'Douyin share: offline path instead')
      return { fallback: kind === 'unreachable' ? 'unreachable' : 'refused' }
    }
    const { shareId, source } = await this.newShareId(s)
    const nonceStr = newNonce()
    // The nonce and timestamp signed are the ones the schema carries.
    const timestamp = String(Math.floor(this.now() / 1000))
    const schema = buildShareSchema({
      clientKey: s.clientKey,
      nonceStr,
      timestamp,
      signature: signShare({ nonceStr, ticket, timestamp }),
      state: shareId,
      videoPath: rebase(req.videoUrl, s.videoBaseUrl),
      title: req.title,
      hashtags: req.hashtags,
    })
    try {
      const now = this.now()
      this.d.shares.insert({ shareId, source, transferId, createdAt: now })
      this.d.shares.prune(now - this.d.retentionDays() * 86_400_000, PRUNE_PER_SHARE)
    } catch (err) {
      this.d.logger.error({ err, transferId }, 'Douyin share could not be recorded')
      return { fallback: 'hub-error' }
    }
    this.d.logger.info({ transferId, shareId, source }, 'Douyin share signed')
    return { schema, shareId }
  }

  /**
   * Douyin's share id when its API gives one (its result can then be matched), else one of the hub's own: the
   * share works either way (docs/douyin.md §4).
   */
  private async newShareId(s: DouyinSettings): Promise<{ shareId: string; source: DouyinShareIdSource }> {
    if (!this.tokens.coolingDown()) {
      try {
        const shareId = await this.tokens.withClientToken((token) => this.api.shareId(s.apiBaseUrl, token))
        if (/^[\w.-]{1,64}$/.test(shareId)) return { shareId, source: 'douyin' }
        this.d.logger.warn('Douyin share-id answered an id the hub does not use; using its own')
      } catch (err) {
        this.d.logger.warn({ err: (err as Error).message }, 'Douyin share-id failed; using the hub’s own id')
      }
    }
    return { shareId: `td_${randomBytes(12).toString('base64url')}`, source: 'hub' }
  }
}

/** The video link on the base URL Settings give (path and query kept), or as it is. */
function rebase(videoUrl: string, base: string | null): string {
  const u = new URL(videoUrl)
  if (!base) return u.toString()
  const b = new URL(base)
  return `${b.origin}${b.pathname.replace(/\/+$/, '')}${u.pathname}${u.search}`
}

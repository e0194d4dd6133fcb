import type { Logger } from 'pino'
import type { Brand } from '../core/brand/brand'
import type { ConfigStore } from '../core/config/store'
import type { DeliveryService } from '../core/delivery/service'
import { ConfigError } from '../core/errors'
import { effectivePublicUrl, originFor } from '../core/network/addresses'
import { MdnsAnnouncer } from '../core/network/mdns'
import { reachableOrigins } from '../core/tags/service'
import { LanServer, type LanServerDeps } from '../lan/server'
import { loadTls, type TlsMaterial } from '../lan/tls'

/**
 * HTTPS material for the phone listener, checked before anything opens, so a bad certificate stops the start with
 * its reason.
 */
export function phoneTls(config: ConfigStore, logger: Logger): TlsMaterial | null {
  const c = config.values
  if (Boolean(c.lanTlsCert) !== Boolean(c.lanTlsKey))
    throw new ConfigError(['lanTlsCert and lanTlsKey go together: set both or neither'])
  const tls = c.lanTlsCert && c.lanTlsKey ? loadTls(c.lanTlsCert, c.lanTlsKey) : null
  if (tls)
    logger.info(
      { subject: tls.subject, validTo: tls.validTo.toISOString(), hosts: tls.hosts },
      'HTTPS on the phone listener',
    )
  return tls
}

export interface PhoneListenerDeps {
  config: ConfigStore
  tls: TlsMaterial | null
  brand: () => Brand
  delivery: DeliveryService
  logger: (scope: string) => Logger
  /** What a tap's page uses besides delivery: the funnel, store actions, the Douyin link, caption limits. */
  phonePage: Pick<LanServerDeps, 'funnel' | 'storeActions' | 'douyin' | 'platformLimits'>
}

/** The phone listener and how phones reach it: its address, the base URL tags get, the mDNS announcement. */
export class PhoneListener {
  readonly server: LanServer
  readonly mdns: MdnsAnnouncer
  /** Why the listener is not listening (its port taken, say), or null. */
  error: string | null = null
  private readonly scheme: 'http' | 'https'

  constructor(private readonly d: PhoneListenerDeps) {
    this.scheme = d.tls ? 'https' : 'http'
    this.server = new LanServer({
      logger: d.logger('lan'),
      brand: d.brand,
      defaultLanguage: () => d.config.values.language,
      delivery: d.delivery,
      tls: () => d.tls,
      connectionsPerTransfer: () => d.config.values.mediaConnectionsPerTransfer,
      ...d.phonePage,
    })
    this.mdns = new MdnsAnnouncer(d.logger('mdns'))
  }

  /** Starts listening where the settings say; a failure is kept (and logged) so the console can still start. */
  async listen(logger: Logger): Promise<void> {
    const c = this.d.config.values
    try {
      await this.server.listen(c.lanHost, c.lanPort)
      this.error = null
      this.announce()
    } catch (err) {
      // The console still starts so the owner can pick another port in Settings.
      this.error = (err as Error).message
      logger.error({ err }, 'LAN listener not started')
    }
  }

  /** Moves the listener; throws a HubError (and keeps the old one) when the new address cannot be used. */
  async rebind(host: string, port: number): Promise<void> {
    await this.server.rebind(host, port)
    this.error = null
    this.announce()
  }

  get port(): number | null {
    return this.server.listening?.port ?? null
  }

  /** Where the listener is, as a URL (0.0.0.0 for all interfaces), or null when it is not listening. */
  url(): string | null {
    const l = this.server.listening
    if (!l) return null
    const host = l.host === '0.0.0.0' || l.host === '::' ? '0.0.0.0' : l.host
    return originFor(l.scheme, host, l.port)
  }

  /** The base URL new tags get. */
  publicUrl(): string {
    const v = this.d.config.values
    return effectivePublicUrl(v.publicUrl, v.lanHost, this.port ?? v.lanPort, undefined, this.scheme)
  }

  reachableOrigins(): Set<string> {
    return reachableOrigins(this.publicUrl(), this.scheme, this.d.config.values.lanHost, this.port)
  }

  tlsInfo(): { subject: string; validTo: string; hosts: string[] } | null {
    const tls = this.d.tls
    return tls ? { subject: tls.subject, validTo: tls.validTo.toISOString(), hosts: tls.hosts } : null
  }

  /** Announces the listener by mDNS when the settings ask for it and it listens beyond this PC. */
  announce(): void {
    const l = this.server.listening
    if (this.d.config.values.mdns && l && l.host !== '127.0.0.1' && l.host !== '::1')
      this.mdns.announce(l.port, l.scheme, this.d.brand().shortName)
    else this.mdns.stop()
  }

  close(): Promise<void> {
    return this.server.close()
  }
}

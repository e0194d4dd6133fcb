import { hostname } from 'node:os'
import type { Logger } from 'pino'
import { Bonjour, type Service } from 'bonjour-service'

/**
 * Announces the phone listener on the LAN by mDNS (`_http._tcp`, "TapDrop on <pc>"), so staff tools and phones that
 * browse Bonjour find the hub. Failure to announce (no multicast on this network) is logged, never fatal.
 */
export class MdnsAnnouncer {
  private bonjour: Bonjour | null = null
  private service: Service | null = null

  constructor(private readonly logger: Logger) {}

  announce(port: number, scheme: 'http' | 'https', name: string): void {
    this.stop()
    try {
      this.bonjour = new Bonjour({}, (err: Error) => this.logger.warn({ err }, 'mDNS error'))
      this.service = this.bonjour.publish({
        name: `${name} on ${hostname()}`.slice(0, 63),
        type: scheme,
        port,
        txt: { path: '/healthz', product: 'tapdrop' },
      })
      this.service.on('error', (err: Error) => this.logger.warn({ err }, 'mDNS announcement failed'))
      this.logger.info({ port, type: `_${scheme}._tcp` }, 'announced on the LAN by mDNS')
    } catch (err) {
      this.logger.warn({ err }, 'mDNS not available')
      this.stop()
    }
  }

  get published(): boolean {
    return this.service !== null
  }

  stop(): void {
    try {
      this.bonjour?.unpublishAll()
      this.bonjour?.destroy()
    } catch {
      /* already gone */
    }
    this.bonjour = null
    this.service = null
  }
}

import { createServer, type Server } from 'node:http'
import express, { type Router } from 'express'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import type { EventBus } from '../core/events/bus'
import type { Handlers } from '../core/handlers'
import { ADMIN_CSP, setBaseSecurityHeaders } from '../http/headers'
import { closeGracefully, describeListenError, listen } from '../http/listen'
import { originFor } from '../core/network/addresses'
import { HubError } from '../core/errors'
import { allowedAdminHosts, checkHost, checkOrigin } from './guards'
import { rpcRouter, sendError } from './rpc'
import { EventsSocket } from './events-socket'
import type { DeliveryStatus, Transfer } from '../../shared/contract/transfers'
import { staticRouter } from './static'
import { errorEnvelope, notFound } from './fallback'

export interface AdminServerDeps {
  handlers: Handlers
  auth: AuthService
  events: EventBus
  logger: Logger
  rendererDir: string | null
  extraHosts: () => readonly string[]
  /** What a live-channel client gets first: live transfers and the queue. */
  snapshot: () => { live: Transfer[]; queue: DeliveryStatus | null }
  /** Non-JSON routes (uploads, media files), mounted ahead of the JSON API. */
  routers?: Router[]
}

/** The admin console and its API. Loopback by default, Host/Origin checked, credentials required. */
export class AdminServer {
  private readonly server: Server
  private readonly socket: EventsSocket
  private allowed = new Set<string>()
  private boundHost = '127.0.0.1'
  private port = 0

  constructor(private readonly deps: AdminServerDeps) {
    const app = express()
    app.disable('x-powered-by')
    app.set('etag', false)
    app.use((req, res, next) => {
      setBaseSecurityHeaders(res)
      res.setHeader('Content-Security-Policy', ADMIN_CSP)
      try {
        checkHost(req, this.allowed)
        if (req.path.startsWith('/api/')) checkOrigin(req, this.allowed)
        next()
      } catch (err) {
        sendError(res, err, deps.logger)
      }
    })
    for (const r of deps.routers ?? []) app.use(r)
    app.use(rpcRouter(deps.handlers, deps.auth, deps.logger))
    app.use(staticRouter(deps.rendererDir))
    app.use(notFound(deps.logger))
    app.use(errorEnvelope(deps.logger))
    this.server = createServer(app)
    this.server.headersTimeout = 30_000
    // Uploads of several GB may take minutes: no limit on the whole request, only on a silent connection.
    this.server.requestTimeout = 0
    this.server.timeout = 120_000
    this.socket = new EventsSocket(deps.auth, deps.events, () => this.allowed, deps.logger, deps.snapshot)
    this.server.on('upgrade', (req, socket, head) => this.socket.handleUpgrade(req, socket, head))
  }

  async listen(host: string, port: number): Promise<string> {
    try {
      const address = await listen(this.server, host, port)
      this.boundHost = host
      this.port = address.port
      this.allowed = allowedAdminHosts(host, address.port, this.deps.extraHosts())
      return this.url
    } catch (err) {
      throw new HubError(
        'unavailable',
        describeListenError(err as NodeJS.ErrnoException, 'admin console', host, port),
      )
    }
  }

  /** The URL to open on this PC. */
  get url(): string {
    const host = this.boundHost === '0.0.0.0' || this.boundHost === '::' ? '127.0.0.1' : this.boundHost
    return originFor('http', host, this.port)
  }

  get eventClients(): number {
    return this.socket.clients
  }

  async close(): Promise<void> {
    this.socket.close()
    await closeGracefully(this.server)
  }
}

import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import type { EventBus } from '../core/events/bus'
import { HubError } from '../core/errors'
import { checkHost, checkOrigin } from './guards'
import { resolveActor } from './context'

/**
 * The admin console's live channel (`/api/events`): same Host/Origin checks and credentials as the API.
 * Dead peers are found with pings and dropped, so a laptop that went to sleep does not pile up sockets.
 */
export class EventsSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  private readonly alive = new WeakSet<WebSocket>()
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly auth: AuthService,
    private readonly bus: EventBus,
    private readonly allowed: () => Set<string>,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (!this.alive.has(ws)) {
          ws.terminate()
          continue
        }
        this.alive.delete(ws)
        ws.ping()
      }
    }, 30_000)
    this.timer.unref()
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    try {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/api/events') return refuse(404, 'Not Found')
      checkHost(req, this.allowed())
      checkOrigin(req, this.allowed())
    } catch (err) {
      return refuse(403, err instanceof HubError ? 'Forbidden' : 'Bad Request')
    }
    const actor = resolveActor(req, this.auth)
    if (actor.kind === 'anonymous') return refuse(401, 'Unauthorized')
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.alive.add(ws)
      ws.on('pong', () => this.alive.add(ws))
      ws.on('error', () => ws.terminate())
      const unsubscribe = this.bus.subscribe((event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event))
      })
      ws.on('close', unsubscribe)
      ws.send(JSON.stringify({ type: 'hello', at: new Date().toISOString() }))
      this.logger.debug({ actor: actor.kind }, 'events client connected')
    })
  }

  get clients(): number {
    return this.wss.clients.size
  }

  close(): void {
    clearInterval(this.timer)
    for (const ws of this.wss.clients) ws.close(1001, 'hub stopping')
    this.wss.close()
  }
}

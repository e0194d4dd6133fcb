import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import type { EventBus } from '../core/events/bus'
import type { HubEvent } from '../../shared/events'
import { HubError } from '../core/errors'
import { checkHost, checkOrigin } from './guards'
import { resolveActor } from './context'

/** A client this far behind (a sleeping laptop, a stalled tab) skips progress frames until it catches up. */
const SLOW_CLIENT_BYTES = 1 << 20

/**
 * The admin console's live channel (`/api/events`): same Host/Origin checks and credentials as the API.
 * Every connection starts with `hello` carrying the live transfers and the queue (a snapshot); after that, events
 * as they happen. Each event is serialised once for all clients. Dead peers are found with pings and dropped.
 */
export class EventsSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  private readonly alive = new WeakSet<WebSocket>()
  private readonly timer: NodeJS.Timeout
  private unsubscribe: (() => void) | null = null

  constructor(
    private readonly auth: AuthService,
    private readonly bus: EventBus,
    private readonly allowed: () => Set<string>,
    private readonly logger: Logger,
    private readonly snapshot: () => Pick<Extract<HubEvent, { type: 'hello' }>, 'live' | 'queue'>,
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

  private broadcast(event: HubEvent): void {
    if (this.wss.clients.size === 0) return
    const frame = JSON.stringify(event)
    const droppable =
      event.type === 'video-progress' || (event.type === 'transfer' && event.phase === 'progress')
    for (const ws of this.wss.clients) {
      if (ws.readyState !== ws.OPEN) continue
      // Progress is a snapshot: the next one carries everything a dropped one had.
      if (droppable && ws.bufferedAmount > SLOW_CLIENT_BYTES) continue
      ws.send(frame)
    }
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
      // Subscribed only while someone watches, so the media path builds no events for nobody.
      this.unsubscribe ??= this.bus.subscribe((event) => this.broadcast(event))
      ws.on('close', () => {
        if (this.wss.clients.size === 0 && this.unsubscribe) {
          this.unsubscribe()
          this.unsubscribe = null
        }
      })
      const hello: HubEvent = { type: 'hello', at: new Date().toISOString(), ...this.snapshot() }
      ws.send(JSON.stringify(hello))
      this.logger.debug({ actor: actor.kind }, 'events client connected')
    })
  }

  get clients(): number {
    return this.wss.clients.size
  }

  close(): void {
    clearInterval(this.timer)
    this.unsubscribe?.()
    this.unsubscribe = null
    for (const ws of this.wss.clients) ws.close(1001, 'hub stopping')
    this.wss.close()
  }
}

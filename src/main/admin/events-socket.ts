import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import type { EventBus } from '../core/events/bus'
import { EVENTS_CLOSE, type HubEvent } from '../../shared/events'
import type { Role } from '../../shared/roles'
import { HubError } from '../core/errors'
import { checkHost, checkOrigin } from './guards'
import { resolveActor } from './context'

/** A client this far behind (a sleeping laptop, a stalled tab) skips progress frames until it catches up. */
const SLOW_CLIENT_BYTES = 1 << 20
/** setTimeout's longest wait; a later expiry is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** A console client logged in with a session (the CLI's local token has none and lives as long as the hub). */
interface SessionClient {
  sessionId: number
  role: Role
  expiry: NodeJS.Timeout | null
}

/**
 * The admin console's live channel (`/api/events`): same Host/Origin checks and credentials as the API.
 * Every connection starts with `hello` carrying the live transfers and the queue (a snapshot); after that, events
 * as they happen. Each event is serialised once for all clients. Dead peers are found with pings and dropped.
 * Credentials are checked at open and again whenever sessions may have ended (a logout, a password change, an
 * admin's change to an account) and when the session's time is up: a socket whose session ended, or whose role
 * changed, is closed with a code saying which (EVENTS_CLOSE) and gets nothing more.
 */
export class EventsSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  private readonly alive = new WeakSet<WebSocket>()
  private readonly sessions = new Map<WebSocket, SessionClient>()
  private readonly timer: NodeJS.Timeout
  private readonly stopEndedListener: () => void
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
    this.stopEndedListener = auth.onSessionsEnded(() => this.recheckAll())
  }

  private broadcast(event: HubEvent): void {
    // An admin changed an account (role, disabled, password reset): its sockets go before anyone hears of it.
    if (event.type === 'users-changed') this.recheckAll()
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
      if (actor.kind === 'user') {
        this.sessions.set(ws, { sessionId: actor.sessionId, role: actor.role, expiry: null })
        this.recheck(ws)
      }
      ws.on('close', () => {
        const s = this.sessions.get(ws)
        if (s?.expiry) clearTimeout(s.expiry)
        this.sessions.delete(ws)
        if (this.wss.clients.size === 0 && this.unsubscribe) {
          this.unsubscribe()
          this.unsubscribe = null
        }
      })
      if (ws.readyState !== ws.OPEN) return
      const hello: HubEvent = { type: 'hello', at: new Date().toISOString(), ...this.snapshot() }
      ws.send(JSON.stringify(hello))
      this.logger.debug({ actor: actor.kind }, 'events client connected')
    })
  }

  private recheckAll(): void {
    for (const ws of this.sessions.keys()) this.recheck(ws)
  }

  /** Closes the socket if its session no longer stands as it did at open; else waits for the session's end. */
  private recheck(ws: WebSocket): void {
    const client = this.sessions.get(ws)
    if (!client || ws.readyState !== ws.OPEN) return
    if (client.expiry) clearTimeout(client.expiry)
    client.expiry = null
    let standing: ReturnType<AuthService['sessionStanding']> = null
    try {
      standing = this.auth.sessionStanding(client.sessionId)
    } catch (err) {
      // Unable to tell (the database failed): a live channel is not kept open on credentials nobody can check.
      this.logger.error({ err, sessionId: client.sessionId }, 'events client: session check failed')
    }
    if (!standing) return this.end(ws, client, EVENTS_CLOSE.sessionEnded)
    if (standing.role !== client.role) return this.end(ws, client, EVENTS_CLOSE.roleChanged)
    // The session slides with the console's requests: at its current end, look again.
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, standing.expiresAt - Date.now()) + 1000)
    client.expiry = setTimeout(() => this.recheck(ws), wait)
    client.expiry.unref()
  }

  private end(ws: WebSocket, client: SessionClient, why: { code: number; reason: string }): void {
    this.sessions.delete(ws)
    this.logger.info({ sessionId: client.sessionId, reason: why.reason }, 'events client closed')
    ws.close(why.code, why.reason)
  }

  get clients(): number {
    return this.wss.clients.size
  }

  close(): void {
    this.stopEndedListener()
    for (const s of this.sessions.values()) if (s.expiry) clearTimeout(s.expiry)
    this.sessions.clear()
    clearInterval(this.timer)
    this.unsubscribe?.()
    this.unsubscribe = null
    for (const ws of this.wss.clients) ws.close(1001, 'hub stopping')
    this.wss.close()
  }
}

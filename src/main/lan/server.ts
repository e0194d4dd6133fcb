import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { WebSocketServer } from 'ws'
import type { Brand } from '../core/brand/brand'
import { sendBrandLogo } from '../http/brand-logo'
import { downloadName, type DeliveryService, type StreamRequest } from '../core/delivery/service'
import { DEVICE_COOKIE } from '../core/delivery/device'
import { HubError } from '../core/errors'
import { BASE_SECURITY_HEADERS, PHONE_CSP, setBaseSecurityHeaders } from '../http/headers'
import { closeGracefully, describeListenError, listen } from '../http/listen'
import { readCookie } from '../http/cookies'
import { pickLanguage, type Language } from '../../shared/languages'
import { messagePageBytes } from './pages/layout'
import { PHONE_MESSAGES, type PhoneMessages } from './pages/messages'
import { tapPageBytes } from './pages/tap'
import { serveMedia, TransferConnections } from './media'
import { PHONE_ASSETS } from './assets'
import type { TlsMaterial } from './tls'
import { parseBeaconBody, readSmallBody, sameOrigin } from './body'
import type { BeaconOutcome, FunnelService } from '../core/funnel/service'
import type { DouyinHandOff } from '../core/publish/hand-off'
import { phonePublish } from '../core/publish/phone-page'
import type { CouponAnswer, StoreActionsService } from '../core/store-actions/service'
import type { PlatformLimitsMap } from '../../shared/contract/publish'

export interface LanServerDeps {
  logger: Logger
  brand: () => Brand
  defaultLanguage: () => Language
  delivery: DeliveryService
  tls: () => TlsMaterial | null
  /** Media responses one transfer may stream at once (0 = no limit). */
  connectionsPerTransfer: () => number
  /** Beacons (/b/) and what the hub saw itself (a save that got every byte). */
  funnel: Pick<FunnelService, 'record' | 'recordHub'>
  /** The store actions beside the video: their blocks, the WeChat QR image (/i/wechat-qr), coupons (/c/). */
  storeActions: Pick<StoreActionsService, 'blocks' | 'wechatQrImage' | 'claimCoupon'>
  /** "发布到抖音": the signed link a page asks for (/d/). */
  douyin: Pick<DouyinHandOff, 'ready' | 'share'>
  /** Each platform's caption limits (what each publish button receives). */
  platformLimits: () => PlatformLimitsMap
}

/** A beacon is a few dozen bytes; coupon requests carry nothing. */
const MAX_POST_BYTES = 512
const POST_TIMEOUT_MS = 5000

const BEACON_STATUS: Record<BeaconOutcome, number> = {
  recorded: 204,
  'bad-input': 400,
  'unknown-transfer': 404,
  'rate-limited': 429,
}

const COUPON_STATUS: Record<CouponAnswer['kind'], number> = {
  code: 200,
  'none-left': 410,
  'not-offered': 404,
  'unknown-transfer': 404,
  'rate-limited': 429,
}

const REFUSAL_TEXT: Record<string, [keyof PhoneMessages, keyof PhoneMessages, string]> = {
  'unknown-tag': ['unknownTagTitle', 'unknownTagBody', '?'],
  disabled: ['disabledTitle', 'disabledBody', '!'],
  quota: ['quotaTitle', 'quotaBody', '☺'],
  'tag-cap': ['tagCapTitle', 'tagCapBody', '☺'],
  'not-ready': ['notReadyTitle', 'notReadyBody', '…'],
  'rate-limited': ['rateLimitedTitle', 'rateLimitedBody', '!'],
}

/**
 * What every phone page carries, as one flat list for writeHead: a dozen setHeader calls cost about as much as the
 * rest of a tap together (measured ~35 µs a request on the 2-core store PC), a prebuilt list almost nothing.
 */
const PHONE_HEADERS: readonly string[] = [
  ...BASE_SECURITY_HEADERS.flat(),
  'Content-Security-Policy',
  PHONE_CSP,
]
const PAGE_HEADERS: readonly string[] = [
  ...PHONE_HEADERS,
  'Content-Type',
  'text/html; charset=utf-8',
  'Cache-Control',
  'no-store',
  'Vary',
  'Accept-Language',
]

/**
 * The phone-facing listener on the store LAN, on plain node:http (the media path is measured against nginx, and
 * every layer costs throughput there). It answers only: /healthz, tap pages /t/<code>, media /m/<token>[/poster.jpg],
 * the page script /s/<name>, the brand logo, the queue channel /q/<token>, and for a tap's page: funnel beacons
 * (POST /b/<token>), the signed Douyin link (GET /d/<token>), a coupon (POST /c/<token>) and the store's WeChat QR
 * image (/i/wechat-qr). The admin API and console do not exist here.
 */
export class LanServer {
  private server: Server
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 })
  private readonly connections: TransferConnections
  private host: string | null = null
  private port = 0
  private scheme: 'http' | 'https' = 'http'

  constructor(private readonly deps: LanServerDeps) {
    this.connections = new TransferConnections(deps.connectionsPerTransfer)
    this.server = this.build()
  }

  private build(): Server {
    const tls = this.deps.tls()
    this.scheme = tls ? 'https' : 'http'
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res)
    const server = tls
      ? (createHttpsServer({ cert: tls.cert, key: tls.key }, handler) as unknown as Server)
      : createHttpServer(handler)
    server.headersTimeout = 15_000
    // No overall request timeout: a phone may take minutes to download a video on a crowded Wi-Fi.
    server.requestTimeout = 0
    server.keepAliveTimeout = 10_000
    server.on('clientError', (_err, socket) => socket.destroy())
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head))
    return server
  }

  private lang(req: IncomingMessage): Language {
    return pickLanguage(req.headers['accept-language'], this.deps.defaultLanguage())
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      const path = (req.url ?? '/').split('?')[0]!
      let m = /^\/([bc])\/([^/]*)$/.exec(path)
      if (m) return this.post(req, res, m[1] === 'b' ? 'beacon' : 'coupon', m[2]!)
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return this.page(req, res, 405, 'notFoundTitle', 'notFoundBody', '?', ['Allow', 'GET, HEAD'])
      m = /^\/t\/([^/]{1,64})$/.exec(path)
      if (m) return this.tap(req, res, decodeURIComponentSafe(m[1]!))
      m = /^\/m\/([A-Za-z0-9_-]{24})(\/poster\.jpg)?$/.exec(path)
      if (m) return this.media(req, res, m[1]!, m[2] ? 'poster' : 'video')
      // Pages and media carry their headers in one list (PAGE_HEADERS, PHONE_HEADERS); the rest get them set here.
      setBaseSecurityHeaders(res)
      res.setHeader('Content-Security-Policy', PHONE_CSP)
      if (path === '/healthz') {
        res.setHeader('Content-Type', 'application/json')
        res.setHeader('Cache-Control', 'no-store')
        res.end('{"ok":true}')
        return
      }
      if (path === '/brand/logo') return sendBrandLogo(req, res, this.deps.brand())
      if (path === '/i/wechat-qr') return this.wechatQr(req, res)
      m = /^\/d\/([A-Za-z0-9_-]{24})$/.exec(path)
      if (m) return this.douyin(req, res, m[1]!)
      m = /^\/s\/([a-z]+\.js)$/.exec(path)
      if (m && PHONE_ASSETS.has(m[1]!)) {
        const a = PHONE_ASSETS.get(m[1]!)!
        res.setHeader('Content-Type', a.type)
        res.setHeader('ETag', a.etag)
        res.setHeader('Cache-Control', 'public, max-age=86400')
        if (req.headers['if-none-match'] === a.etag) {
          res.statusCode = 304
          res.end()
          return
        }
        res.setHeader('Content-Length', String(a.body.length))
        res.end(req.method === 'HEAD' ? undefined : a.body)
        return
      }
      this.page(req, res, 404, 'notFoundTitle', 'notFoundBody', '?')
    } catch (err) {
      this.deps.logger.error({ err, url: req.url?.slice(0, 200) }, 'phone request failed')
      if (!res.headersSent) this.page(req, res, 500, 'notReadyTitle', 'notReadyBody', '!')
      else res.destroy()
    }
  }

  private tap(req: IncomingMessage, res: ServerResponse, code: string): void {
    const lang = this.lang(req)
    const result = this.deps.delivery.tap({
      code,
      deviceId: readCookie(req.headers.cookie, DEVICE_COOKIE),
      ip: clientIp(req),
      userAgent: req.headers['user-agent'],
    })
    const extra: string[] = []
    if (result.newDevice)
      extra.push(
        'Set-Cookie',
        `${DEVICE_COOKIE}=${result.deviceId}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly${this.scheme === 'https' ? '; Secure' : ''}`,
      )
    if (result.kind === 'refused') {
      if (result.retryAfterSeconds) extra.push('Retry-After', String(result.retryAfterSeconds))
      const [title, body, icon] = REFUSAL_TEXT[result.reason] ?? ['notFoundTitle', 'notFoundBody', '?']
      return this.page(req, res, result.status, title, body, icon, extra)
    }
    const r = result.transfer.record
    // All from memory: the tag as the tap path holds it, the caption drawn for it, settings.
    const html = tapPageBytes({
      lang,
      brand: this.deps.brand(),
      token: r.token,
      title: result.videoTitle,
      downloadName: downloadName(result.videoTitle, r.rendition),
      position: result.position,
      device: result.device,
      publish: phonePublish(
        result.caption,
        result.tag.platforms,
        this.deps.platformLimits(),
        this.deps.douyin.ready(),
      ),
      blocks: this.deps.storeActions.blocks(result.tag.storeActions),
    })
    this.send(res, 200, html, req.method === 'HEAD', extra)
  }

  private media(req: IncomingMessage, res: ServerResponse, token: string, kind: 'video' | 'poster'): void {
    const found = this.deps.delivery.media(token, kind)
    if (!found.ok) {
      const extra = found.retryAfterSeconds ? ['Retry-After', String(found.retryAfterSeconds)] : []
      if (found.reason === 'expired' || found.reason === 'gone')
        return this.page(req, res, found.status, 'expiredTitle', 'expiredBody', '!', extra)
      if (found.reason === 'busy')
        return this.page(req, res, 503, 'notReadyTitle', 'notReadyBody', '…', extra)
      return this.page(req, res, 404, 'notFoundTitle', 'notFoundBody', '?', extra)
    }
    const t = found.transfer
    // One link, a few connections (mediaConnectionsPerTransfer): a player retries a range it was refused.
    if (kind === 'video' && !this.connections.enter(t.record.id, res))
      return this.page(req, res, 503, 'notReadyTitle', 'notReadyBody', '…', ['Retry-After', '1'])
    const download = kind === 'video' && (req.url ?? '').includes('?dl=1')
    const saving = download && req.method === 'GET'
    const delivery = this.deps.delivery
    const funnel = this.deps.funnel
    // What this one response asked for and got, for the transfer's timeline.
    let request: StreamRequest = { at: 0, start: 0, end: 0, bytes: 0 }
    serveMedia(
      req,
      res,
      {
        path: found.path,
        size: found.size,
        mtimeMs: found.mtimeMs,
        contentType: found.contentType,
        downloadName: download ? found.filename : undefined,
      },
      PHONE_HEADERS,
      kind === 'poster'
        ? undefined
        : {
            started: (start, end) => {
              request = { at: Date.now(), start, end, bytes: 0 }
              delivery.streamStarted(t, request.at, start)
            },
            sent: (offset, length) => {
              request.bytes += length
              delivery.sent(t, offset, length)
            },
            ended: (cut, unconfirmed) => {
              delivery.streamEnded(t, cut, request, unconfirmed)
              // A save (download or share sheet) that reached the file's end, for a transfer with every byte
              // delivered: the funnel's "saved", from what the hub sent, never from what the page says.
              if (saving && !cut && request.end === found.size - 1 && t.record.status === 'completed')
                funnel.recordHub(t.record, 'save-completed')
            },
            failed: (reason) => {
              this.deps.logger.error({ transferId: t.record.id, reason }, 'media read failed')
              delivery.streamFailed(t, reason, request)
            },
          },
    )
  }

  /**
   * A phone page's POST: a funnel beacon or a coupon request. Refusals are empty answers (the page does not show
   * them and keeps working): another site (403), a bad token (404), a body too large (413) or too slow (cut).
   */
  private post(req: IncomingMessage, res: ServerResponse, kind: 'beacon' | 'coupon', token: string): void {
    if (req.method !== 'POST') return this.empty(res, 405, ['Allow', 'POST'])
    if (!sameOrigin(req)) return this.empty(res, 403)
    if (!/^[A-Za-z0-9_-]{24}$/.test(token)) return this.empty(res, 404)
    const ip = clientIp(req)
    void readSmallBody(req, MAX_POST_BYTES, POST_TIMEOUT_MS).then((body) => {
      if (res.headersSent || res.destroyed) return
      if (!body.ok)
        return body.reason === 'too-large' ? this.empty(res, 413, ['Connection', 'close']) : undefined
      if (kind === 'beacon') {
        const outcome = this.deps.funnel.record(
          token,
          parseBeaconBody(body.data, req.headers['content-type']),
          ip,
        )
        return this.empty(res, BEACON_STATUS[outcome])
      }
      const answer = this.deps.storeActions.claimCoupon(token, ip)
      this.json(
        res,
        COUPON_STATUS[answer.kind],
        answer.kind === 'code' ? { code: answer.code } : answer.kind === 'none-left' ? { none: true } : {},
      )
    })
  }

  /** The signed "发布到抖音" link for a tap's page, or why there is none (the page keeps the offline path). */
  private douyin(req: IncomingMessage, res: ServerResponse, token: string): void {
    const host = req.headers.host ?? ''
    if (!/^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)) return this.json(res, 400, { fallback: 'bad-input' })
    const answer = this.deps.douyin.share(token, {
      videoUrl: `${this.scheme}://${host}/m/${token}`,
      ip: clientIp(req),
    })
    void Promise.resolve(answer).then((a) => {
      if (res.headersSent || res.destroyed) return
      this.json(res, 'fallback' in a && a.fallback === 'transfer-not-found' ? 404 : 200, a)
    })
  }

  private wechatQr(req: IncomingMessage, res: ServerResponse): void {
    const qr = this.deps.storeActions.wechatQrImage()
    if (!qr) return this.empty(res, 404)
    res.setHeader('ETag', qr.etag)
    res.setHeader('Cache-Control', 'public, max-age=3600')
    if (req.headers['if-none-match'] === qr.etag) {
      res.statusCode = 304
      res.end()
      return
    }
    res.setHeader('Content-Type', qr.type)
    res.setHeader('Content-Length', String(qr.body.length))
    res.end(req.method === 'HEAD' ? undefined : qr.body)
  }

  private empty(res: ServerResponse, status: number, extra: string[] = []): void {
    res.writeHead(status, [...PHONE_HEADERS, 'Cache-Control', 'no-store', 'Content-Length', '0', ...extra])
    res.end()
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    const body = Buffer.from(JSON.stringify(value))
    res.writeHead(status, [
      ...PHONE_HEADERS,
      'Content-Type',
      'application/json; charset=utf-8',
      'Cache-Control',
      'no-store',
      'Content-Length',
      String(body.length),
    ])
    res.end(body)
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const m = /^\/q\/([A-Za-z0-9_-]{24})$/.exec((req.url ?? '').split('?')[0]!)
    const origin = req.headers.origin
    let sameOrigin = true
    if (origin) {
      try {
        sameOrigin = new URL(origin).host === req.headers.host
      } catch {
        sameOrigin = false
      }
    }
    if (!m || !sameOrigin) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const stop = this.deps.delivery.watch(m[1]!, (u) => {
        if (ws.readyState !== ws.OPEN) return
        ws.send(JSON.stringify(u))
        // Admitted, or no longer waiting: nothing more will come (the page closes too). Closing here bounds every
        // queue socket by the longest wait in line, whatever the other end does.
        if (u.position === 0 || u.status === 'expired' || u.status === 'failed' || u.status === 'completed')
          ws.close()
      })
      if (stop === 'full') {
        // 1013 "try again later": the page script retries with back-off.
        ws.close(1013, 'too many listeners for this transfer')
        return
      }
      if (!stop) {
        ws.send(JSON.stringify({ position: 0, status: 'expired' }))
        ws.close()
        return
      }
      ws.on('close', stop)
      ws.on('error', () => ws.terminate())
    })
  }

  private page(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    title: keyof PhoneMessages,
    text: keyof PhoneMessages,
    icon: string,
    extra: string[] = [],
  ): void {
    const lang = this.lang(req)
    const m = PHONE_MESSAGES[lang]
    this.send(
      res,
      status,
      messagePageBytes({ lang, brand: this.deps.brand(), title: m[title], text: m[text], icon }),
      req.method === 'HEAD',
      extra,
    )
  }

  /** `extra`: further header name/value pairs (cookie, Retry-After, Allow). */
  private send(res: ServerResponse, status: number, body: Buffer, headOnly: boolean, extra: string[]): void {
    // Headers set earlier on this response (a media answer that failed half-way) are kept: writeHead merges them.
    res.writeHead(status, [...PAGE_HEADERS, 'Content-Length', String(body.length), ...extra])
    res.end(headOnly ? undefined : body)
  }

  async listen(host: string, port: number): Promise<void> {
    try {
      const address = await listen(this.server, host, port)
      this.host = host
      this.port = address.port
    } catch (err) {
      throw new HubError(
        'unavailable',
        describeListenError(err as NodeJS.ErrnoException, 'phone (LAN) listener', host, port),
      )
    }
  }

  /** Binds the new address first and only then lets go of the old one, so a bad choice changes nothing. */
  async rebind(host: string, port: number): Promise<void> {
    const old = this.server
    const next = this.build()
    try {
      const address = await listen(next, host, port)
      this.server = next
      this.host = host
      this.port = address.port
    } catch (err) {
      throw new HubError(
        'conflict',
        describeListenError(err as NodeJS.ErrnoException, 'phone (LAN) listener', host, port),
      )
    }
    await closeGracefully(old)
    this.deps.logger.info({ host, port: this.port }, 'LAN listener moved')
  }

  get listening(): { host: string; port: number; scheme: 'http' | 'https' } | null {
    return this.host === null ? null : { host: this.host, port: this.port, scheme: this.scheme }
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate()
    await closeGracefully(this.server, 3000)
    this.host = null
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function clientIp(req: IncomingMessage): string | null {
  const ip = req.socket.remoteAddress ?? null
  return ip?.startsWith('::ffff:') ? ip.slice(7) : ip
}

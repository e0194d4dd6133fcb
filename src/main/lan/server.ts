import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http'
import express, { type Request, type Response } from 'express'
import type { Logger } from 'pino'
import type { Brand } from '../core/brand/brand'
import { HubError } from '../core/errors'
import { PHONE_CSP, setBaseSecurityHeaders } from '../http/headers'
import { closeGracefully, describeListenError, listen } from '../http/listen'
import { pickLanguage, type Language } from '../../shared/languages'
import { messagePage } from './pages/layout'
import { PHONE_MESSAGES } from './pages/messages'

export interface LanServerDeps {
  logger: Logger
  brand: () => Brand
  defaultLanguage: () => Language
}

/**
 * The phone-facing listener on the store LAN. It serves tap pages, media and the queue channel only; the admin
 * API and console do not exist here (they live on a separate, loopback listener).
 */
export class LanServer {
  private server: Server
  private host: string | null = null
  private port = 0

  constructor(private readonly deps: LanServerDeps) {
    this.server = this.build()
  }

  private build(): Server {
    const app = express()
    app.disable('x-powered-by')
    app.set('etag', false)
    app.use((_req, res, next) => {
      setBaseSecurityHeaders(res)
      res.setHeader('Content-Security-Policy', PHONE_CSP)
      next()
    })
    app.get('/healthz', (_req, res) => {
      res.setHeader('Cache-Control', 'no-store')
      res.json({ ok: true })
    })
    app.get('/t/:code', (req, res) => this.unknownTag(req, res))
    app.use((req, res) => this.notFound(req, res))
    const server = createServer(app)
    server.headersTimeout = 15_000
    server.requestTimeout = 60_000
    server.on('clientError', (_err, socket) => socket.destroy())
    return server
  }

  private lang(req: IncomingMessage): Language {
    return pickLanguage(req.headers['accept-language'], this.deps.defaultLanguage())
  }

  private unknownTag(req: Request, res: Response): void {
    const lang = this.lang(req)
    const m = PHONE_MESSAGES[lang]
    this.sendPage(
      res,
      404,
      messagePage({ lang, brand: this.deps.brand(), title: m.unknownTagTitle, text: m.unknownTagBody }),
    )
  }

  private notFound(req: Request, res: Response): void {
    const lang = this.lang(req)
    const m = PHONE_MESSAGES[lang]
    this.sendPage(
      res,
      404,
      messagePage({
        lang,
        brand: this.deps.brand(),
        title: m.notFoundTitle,
        text: m.notFoundBody,
        icon: '?',
      }),
    )
  }

  private sendPage(res: ServerResponse, status: number, html: string): void {
    res.statusCode = status
    res.setHeader('Content-Type', 'text/html; charset=utf-8')
    res.setHeader('Cache-Control', 'no-store')
    res.setHeader('Vary', 'Accept-Language')
    res.end(html)
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

  get listening(): { host: string; port: number } | null {
    return this.host === null ? null : { host: this.host, port: this.port }
  }

  async close(): Promise<void> {
    await closeGracefully(this.server)
    this.host = null
  }
}

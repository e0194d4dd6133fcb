import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { randomBytes } from 'node:crypto'

/**
 * A stand-in for Douyin's OpenAPI (open.douyin.com cannot be reached from here): a real HTTP server on 127.0.0.1
 * that follows the documented requests and answers of the three endpoints the hub calls (docs/douyin.md §2–4).
 * It counts calls, can expire the tokens it issued, refuse the credentials, and go down (connections refused).
 */
export interface StandinOptions {
  clientKey: string
  clientSecret: string
  /** `expires_in` of tokens and tickets (s); Douyin's is about 7200. */
  expiresIn?: number
  /** The stand-in's clock (ms), so a test's fake clock expires tokens on both sides. */
  now?: () => number
}

export interface Calls {
  clientToken: number
  ticket: number
  shareId: number
}

export class DouyinStandin {
  readonly calls: Calls = { clientToken: 0, ticket: 0, shareId: 0 }
  /** Every client_token and ticket issued, newest last (tests grep logs and answers for them). */
  readonly issued: { clientTokens: string[]; tickets: string[] } = { clientTokens: [], tickets: [] }
  /** The ticket most recently issued; what a correct signature is computed with. */
  lastTicket: string | null = null
  expiresIn: number
  /** `expires_in` of tickets, when it should differ from the tokens'. */
  ticketExpiresIn: number | null = null
  /** The next share-id call answers this error code instead (once). */
  failShareIdWith: number | null = null
  private tokens = new Map<string, number>()
  private server: Server
  private sockets = new Set<Socket>()
  private port = 0
  private shareSeq = 7_000_000_000

  constructor(private readonly o: StandinOptions) {
    this.expiresIn = o.expiresIn ?? 7200
    this.server = this.create()
  }

  private now(): number {
    return (this.o.now ?? Date.now)()
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    this.port = (this.server.address() as { port: number }).port
    return this
  }

  /** Stops answering: the port refuses connections, open ones are cut. */
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server = this.create()
  }

  /** Answers again on the same port. */
  up(): Promise<this> {
    return this.start()
  }

  stop(): Promise<void> {
    return this.down()
  }

  /** Every client_token issued so far is refused from now on (as if Douyin had expired them early). */
  expireTokens(): void {
    this.tokens.clear()
  }

  private create(): Server {
    const server = createServer((req, res) => void this.handle(req, res))
    server.on('connection', (s) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
    return server
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    const body = await new Promise<string>((resolve) => {
      let data = ''
      req.on('data', (c: Buffer) => (data += c.toString('utf8')))
      req.on('end', () => resolve(data))
    })
    if (req.method === 'POST' && url.pathname === '/oauth/client_token/')
      return this.clientToken(req, body, res)
    if (req.method === 'GET' && url.pathname === '/open/getticket/') return this.ticket(req, res)
    if (req.method === 'GET' && url.pathname === '/share-id/') return this.shareId(req, res)
    send(res, 404, { message: 'not found' })
  }

  // POST /oauth/client_token/: JSON body, answer { data: { access_token, expires_in, error_code, description }, message }
  private clientToken(req: IncomingMessage, body: string, res: ServerResponse): void {
    this.calls.clientToken++
    let b: Record<string, unknown> = {}
    try {
      b = JSON.parse(body) as Record<string, unknown>
    } catch {
      // falls through to the 参数错误 answer
    }
    if (
      !String(req.headers['content-type']).startsWith('application/json') ||
      b.grant_type !== 'client_credential'
    )
      return send(res, 200, { data: { error_code: 10002, description: '参数错误' }, message: 'error' })
    if (b.client_key !== this.o.clientKey)
      return send(res, 200, {
        data: { error_code: 10003, description: 'client_key 不存在' },
        message: 'error',
      })
    if (b.client_secret !== this.o.clientSecret)
      return send(res, 200, {
        data: { error_code: 10013, description: 'client_key 或者 client_secret 不正确' },
        message: 'error',
      })
    const token = `clt.${randomBytes(16).toString('hex')}`
    this.tokens.set(token, this.now() + this.expiresIn * 1000)
    this.issued.clientTokens.push(token)
    send(res, 200, {
      data: { access_token: token, description: '', error_code: 0, expires_in: this.expiresIn },
      message: 'success',
    })
  }

  /** The access-token header's token when it is one this stand-in issued and it has not expired. */
  private validToken(req: IncomingMessage): boolean {
    const token = req.headers['access-token']
    const until = typeof token === 'string' ? this.tokens.get(token) : undefined
    return until !== undefined && this.now() < until
  }

  private authError(res: ServerResponse): void {
    send(res, 200, {
      data: { error_code: 28001008, description: 'access_token过期,请刷新或重新授权' },
      extra: {
        error_code: 28001008,
        description: 'access_token过期',
        sub_error_code: 0,
        logid: 'standin',
        now: this.now(),
      },
    })
  }

  // GET /open/getticket/: access-token header, answer { data: { ticket, expires_in, error_code, description }, extra }
  private ticket(req: IncomingMessage, res: ServerResponse): void {
    this.calls.ticket++
    if (!this.validToken(req)) return this.authError(res)
    // Shaped like the documentation's example: base64 with + / = and a leading @.
    const ticket = `@${randomBytes(48).toString('base64')}`
    this.lastTicket = ticket
    this.issued.tickets.push(ticket)
    send(res, 200, {
      data: { error_code: 0, description: '', expires_in: this.ticketExpiresIn ?? this.expiresIn, ticket },
      extra: {
        error_code: 0,
        description: '',
        sub_error_code: 0,
        sub_description: '',
        logid: 'standin',
        now: this.now(),
      },
    })
  }

  // GET /share-id/?need_callback=true: answer { data: { share_id, error_code, description }, extra }
  private shareId(req: IncomingMessage, res: ServerResponse): void {
    this.calls.shareId++
    if (!this.validToken(req)) return this.authError(res)
    if (this.failShareIdWith !== null) {
      const code = this.failShareIdWith
      this.failShareIdWith = null
      return send(res, 200, {
        data: { error_code: code, description: '应用未获得该能力' },
        extra: { error_code: code, description: '应用未获得该能力', logid: 'standin', now: this.now() },
      })
    }
    send(res, 200, {
      data: { share_id: String(++this.shareSeq), error_code: 0, description: '' },
      extra: {
        error_code: 0,
        description: '',
        sub_error_code: 0,
        sub_description: '',
        logid: 'standin',
        now: this.now(),
      },
    })
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

/** Starts a stand-in for the given credentials. */
export function startStandin(o: StandinOptions): Promise<DouyinStandin> {
  return new DouyinStandin(o).start()
}

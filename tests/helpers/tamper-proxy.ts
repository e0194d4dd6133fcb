import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of an HTTP server that can damage a request body on the way, as a bad network
 * or a broken middlebox would: `damageNextBody()` flips one byte of the next request that carries a body. Requests
 * are found by their headers (Content-Length bodies; the S3 client sends no chunked uploads).
 */
export class TamperProxy {
  private server: Server | null = null
  private readonly sockets = new Set<Socket>()
  private armed = 0
  /** Request bodies damaged so far. */
  damaged = 0
  /** The header block of every request that passed (request line and headers). */
  readonly requests: string[] = []
  port = 0

  constructor(private readonly target: { host: string; port: number }) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** The next `count` request bodies each get one byte flipped. */
  damageNextBody(count = 1): void {
    this.armed += count
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.pipe(client))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.port = (server.address() as { port: number }).port
    this.server = server
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host)
    this.sockets.add(client)
    this.sockets.add(upstream)
    const close = () => {
      client.destroy()
      upstream.destroy()
      this.sockets.delete(client)
      this.sockets.delete(upstream)
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
    upstream.on('data', (d: Buffer) => client.write(d))
    // Request parsing, just enough: header bytes until CRLFCRLF, then Content-Length body bytes.
    let header = Buffer.alloc(0)
    let bodyLeft = 0
    let flipThis = false
    client.on('data', (chunk: Buffer) => {
      const out = Buffer.from(chunk)
      let i = 0
      while (i < out.length) {
        if (bodyLeft > 0) {
          if (flipThis) {
            out[i] = out[i]! ^ 0xff
            flipThis = false
            this.damaged++
          }
          const take = Math.min(bodyLeft, out.length - i)
          bodyLeft -= take
          i += take
          continue
        }
        const end = Buffer.concat([header, out.subarray(i)]).indexOf('\r\n\r\n')
        if (end < 0) {
          header = Buffer.concat([header, out.subarray(i)])
          break
        }
        const consumed = end + 4 - header.length
        const head = Buffer.concat([header, out.subarray(i, i + consumed)]).toString('latin1')
        header = Buffer.alloc(0)
        i += consumed
        this.requests.push(head)
        bodyLeft = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0)
        if (bodyLeft > 0 && this.armed > 0) {
          this.armed--
          flipThis = true
        }
      }
      upstream.write(out)
    })
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server = null
  }
}

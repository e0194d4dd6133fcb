import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of the object store, for one store hub's uplink: `pass` forwards both ways,
 * `cut` drops every connection (the store's line is down; the port stays, so the hub's endpoint does not change),
 * `swallow` forwards requests but never the answers (the store gets the object, the hub never hears back: what a
 * crash between the two looks like from the bucket's side); `stallAfter` makes each connection fall silent midway.
 */
export class CutProxy {
  private server: Server | null = null
  private readonly sockets = new Set<Socket>()
  mode: 'pass' | 'cut' | 'swallow' = 'pass'
  /** In `pass` mode: each new connection forwards this many bytes of answers, then nothing (it stays open). */
  stallAfter: number | null = null
  port = 0

  constructor(private readonly target: { host: string; port: number }) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.pipe(client))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.port = (server.address() as { port: number }).port
    this.server = server
  }

  /** Changes the mode; connections open now are dropped (a kept-alive one would carry on otherwise). */
  set(mode: CutProxy['mode']): void {
    this.mode = mode
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
  }

  private pipe(client: Socket): void {
    if (this.mode === 'cut') {
      client.destroy()
      return
    }
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
    const swallow = this.mode === 'swallow'
    let left = this.stallAfter ?? Infinity
    upstream.on('data', (d: Buffer) => {
      if (swallow || left <= 0) return
      client.write(d.length > left ? d.subarray(0, left) : d)
      left -= d.length
    })
    client.on('data', (d: Buffer) => upstream.write(d))
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}

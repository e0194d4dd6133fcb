import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, request, type ClientRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canReceiveDirect, ReceiveError, receiveDirect } from '../../src/main/admin/direct-receive'
import { linuxIo } from '../../src/main/core/fsutil/linux-io'
import { tempDir } from '../helpers/tmp'

// Real sockets on 127.0.0.1, the real addon on a pool thread, real files: the upload path the admin API takes on
// Linux for bodies with a Content-Length (upload.test.ts covers it through the hub; this covers its edges).
const dir = tempDir()
let server: Server
let port = 0
let handler: (req: IncomingMessage) => Promise<unknown>
beforeAll(async () => {
  server = createServer((req, res) => {
    res.shouldKeepAlive = false
    handler(req).then(
      (r) => res.end(JSON.stringify({ ok: r })),
      (err: Error) => {
        if (!res.destroyed)
          res.end(JSON.stringify({ error: err.message, gone: (err as ReceiveError).clientGone }))
      },
    )
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
  dir.cleanup()
})

/** Sends `body` in odd-sized pieces with pauses between some, as a browser's upload arrives. */
function send(
  body: Buffer,
  opts: { chunked?: boolean; stopAfter?: number } = {},
): Promise<{ status: number; headers: Record<string, unknown>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: opts.chunked ? {} : { 'Content-Length': String(body.length) },
      },
      (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(text) }),
        )
      },
    )
    req.on('error', (err) =>
      opts.stopAfter !== undefined ? resolve({ status: -1, headers: {}, json: null }) : reject(err),
    )
    let at = 0
    let n = 0
    const next = () => {
      while (at < body.length) {
        if (opts.stopAfter !== undefined && at >= opts.stopAfter) {
          // Leave without finishing, as a closed laptop lid does.
          req.destroy()
          return
        }
        const size = 65_521 + (n++ % 13) * 40_009
        const ok = req.write(body.subarray(at, at + size))
        at += size
        if (!ok) return void req.once('drain', next)
        if (n % 17 === 0) return void setTimeout(next, 2)
      }
      req.end()
    }
    next()
  })
}

/**
 * Receives the next request's body into `name` and resolves with what became of it: the result, or
 * `{ gone, message }` from the error. `closeSocketAfterMs` closes the socket under the thread meanwhile.
 */
function nextReceive(
  name: string,
  opts: { silenceMs?: number; closeSocketAfterMs?: number } = {},
): Promise<unknown> {
  return new Promise((resolve) => {
    handler = (req) => {
      const p = receiveDirect(
        req,
        join(dir.path, name),
        Number(req.headers['content-length']),
        opts.silenceMs,
      )
      if (opts.closeSocketAfterMs !== undefined)
        setTimeout(() => req.socket.destroy(), opts.closeSocketAfterMs)
      p.then(resolve, (err: ReceiveError) => resolve({ gone: err.clientGone, message: err.message }))
      return p
    }
  })
}

/** A client that declares 1,000,000 bytes, sends 1,000 and then nothing. */
function stallingClient(): ClientRequest {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/',
    headers: { 'Content-Length': '1000000' },
  })
  req.on('error', () => {})
  req.write(Buffer.alloc(1000, 1))
  return req
}

describe.runIf(process.platform === 'linux' && linuxIo() !== null)(
  'receiving an upload past the parser',
  () => {
    it('stores a 100 MiB body byte for byte, hashed on the way, and closes the connection after', async () => {
      const body = randomBytes(100 << 20)
      const path = join(dir.path, 'big.bin')
      handler = async (req) => {
        expect(canReceiveDirect(req)).toBe(true)
        return receiveDirect(req, path, Number(req.headers['content-length']))
      }
      const r = await send(body)
      const sha256 = createHash('sha256').update(body).digest('hex')
      expect(r.json).toEqual({ ok: { bytes: body.length, sha256 } })
      expect(r.headers.connection).toBe('close')
      expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(sha256)
    })

    it('reports a client that leaves halfway as gone, at once', async () => {
      const outcome = nextReceive('left.bin')
      const started = Date.now()
      await send(randomBytes(40 << 20), { stopAfter: 10 << 20 })
      expect(await outcome).toMatchObject({ gone: true })
      expect(Date.now() - started).toBeLessThan(10_000)
    })

    it('ends the thread when the socket is closed under it (the hub stopping), not at its silence limit', async () => {
      const outcome = nextReceive('stopped.bin', { closeSocketAfterMs: 300 })
      // The client sends a little and then nothing: only the socket closing can end the wait early.
      const req = stallingClient()
      const started = Date.now()
      const result = await outcome
      req.destroy()
      expect(result).toEqual({ gone: true, message: expect.any(String) })
      expect(Date.now() - started).toBeLessThan(5_000)
    })

    it('gives up on a client that falls silent mid-upload, after its silence limit', async () => {
      const outcome = nextReceive('silent.bin', { silenceMs: 400 })
      // Connected, a few bytes sent, then nothing: a phone that left the Wi-Fi without closing.
      const req = stallingClient()
      const started = Date.now()
      const result = await outcome
      const waited = Date.now() - started
      req.destroy()
      expect(result).toMatchObject({ gone: true, message: expect.stringMatching(/errno 110/) })
      expect(waited).toBeGreaterThanOrEqual(350)
      expect(waited).toBeLessThan(5_000)
    })

    it('leaves bodies without a Content-Length to the stream path', async () => {
      handler = async (req) => {
        const can = canReceiveDirect(req)
        req.resume()
        await new Promise((r) => req.on('end', r))
        return { can }
      }
      const r = await send(Buffer.alloc(100_000, 2), { chunked: true })
      expect(r.json).toEqual({ ok: { can: false } })
    })
  },
)

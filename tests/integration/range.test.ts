import { readFileSync, readSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, readyVideo, bigRendition, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { Phone } from '../helpers/phone'
import { clip } from '../helpers/corpus'
import { zeroCopy } from '../../src/main/lan/zero-copy'

let t: TestHub
let file: Buffer
let code: string
let bigCode: string
let big: Buffer
let bigId: number
let owner: TestSession
beforeAll(async () => {
  const src = clip('range-source.mp4', 4, '1280x720', ['-b:v', '3M'])
  t = await startTestHub()
  owner = await setupOwner(t)
  await owner.invoke('settings-update', { maxStreams: 1000 })
  const v = await readyVideo(t, src, 'range')
  file = readFileSync(join(t.dataDir, v.renditions.find((r) => r.label === '720p')!.path))
  code = (await owner.invoke('tag-create', { videoIds: [v.id] })).code
  const v2 = await readyVideo(t, clip('range-big.mp4', 1, '1280x720'), 'big')
  big = bigRendition(t, v2.id, '720p', 48 << 20)
  bigId = v2.id
  bigCode = (await owner.invoke('tag-create', { videoIds: [v2.id] })).code
}, 300_000)
afterAll(() => t?.stop())

/**
 * A connection asking for the media from `from` on, that stops reading once the answer's head has come (a player
 * holding its connection): its status and head, and the socket to let go of.
 */
async function holdOpen(
  token: string,
  phone: Phone,
  from: number,
): Promise<{ status: number; head: string; socket: Socket }> {
  const url = new URL(t.lanUrl)
  const socket = connect(Number(url.port), url.hostname)
  socket.on('error', () => {})
  await new Promise<void>((resolve) => socket.once('connect', resolve))
  socket.write(
    `GET /m/${token} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${phone.headers().Cookie}\r\nRange: bytes=${from}-\r\n\r\n`,
  )
  let head = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000)
    const onData = (c: Buffer) => {
      head += c.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      clearTimeout(timer)
      socket.off('data', onData)
      socket.pause()
      resolve()
    }
    socket.on('data', onData)
  })
  head = head.slice(0, head.indexOf('\r\n\r\n') + 2)
  return { status: Number(head.split(' ')[1]), head, socket }
}

async function freshTransfer(): Promise<{ phone: Phone; token: string }> {
  const phone = new Phone(t.lanUrl)
  const r = await phone.tap(code)
  return { phone, token: r.token! }
}

/** The transfer's row once `done` holds of it, polled every 50 ms at most `tries` times (then as it is). */
async function rowWhen(token: string, done: (r: ReturnType<typeof transferRow>) => boolean, tries = 40) {
  let row = transferRow(token)
  for (let i = 0; i < tries && !done(row); i++) {
    await new Promise((r) => setTimeout(r, 50))
    row = transferRow(token)
  }
  return row
}

function transferRow(token: string) {
  t.hub.services.delivery.flush()
  const d = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
  const row = d
    .prepare('SELECT status, bytes_sent, bytes_total, wire_bytes, requests FROM transfers WHERE token = ?')
    .get(token)
  d.close()
  return row as {
    status: string
    bytes_sent: number
    bytes_total: number
    wire_bytes: number
    requests: number
  }
}

// Both ways media leave the hub: sendfile (plain HTTP on Linux, the addon built by the set-up) and the Node
// stream path (HTTPS, Windows, or no addon). Every case runs on each.
const PATHS = ['sendfile', 'stream'] as const

it('on Linux the sendfile addon is built, so the zero-copy path below really runs', () => {
  if (process.platform !== 'linux') return
  expect(zeroCopy.available()).toBe(true)
})

describe.each(PATHS)('HTTP Range on media (%s)', (path) => {
  beforeAll(() => zeroCopy.set(path === 'sendfile'))
  afterAll(() => zeroCopy.set(zeroCopy.available()))

  it('serves the start, the middle and the suffix exactly', async () => {
    const { phone, token } = await freshTransfer()
    const size = file.length
    const cases: Array<[string, number, number]> = [
      ['bytes=0-1023', 0, 1023],
      [
        `bytes=${Math.floor(size / 2)}-${Math.floor(size / 2) + 4095}`,
        Math.floor(size / 2),
        Math.floor(size / 2) + 4095,
      ],
      ['bytes=-2048', size - 2048, size - 1],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      [`bytes=${size - 5}-${size + 1000}`, size - 5, size - 1],
    ]
    for (const [range, start, end] of cases) {
      const r = await phone.download(token, { Range: range })
      expect(r.status, range).toBe(206)
      expect(r.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${size}`)
      expect(r.headers.get('content-length'), range).toBe(String(end - start + 1))
      expect(r.bytes.equals(file.subarray(start, end + 1)), range).toBe(true)
    }
  })

  it('two requests pipelined on one connection both arrive whole and in order', async () => {
    const { phone, token } = await freshTransfer()
    const url = new URL(t.lanUrl)
    const ask = (range: string) =>
      `GET /m/${token} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${phone.headers().Cookie}\r\nRange: ${range}\r\n\r\n`
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = []
      const s = connect(Number(url.port), url.hostname, () => {
        s.write(ask('bytes=0-99999') + ask('bytes=100000-100999'))
      })
      s.on('data', (c: Buffer) => {
        chunks.push(c)
        const all = Buffer.concat(chunks)
        if (all.length >= 101_000 && all.lastIndexOf('bytes 100000-100999') > 0) {
          const tail = all.indexOf('\r\n\r\n', all.lastIndexOf('bytes 100000-100999'))
          if (tail > 0 && all.length - (tail + 4) >= 1000) {
            s.destroy()
            resolve(all)
          }
        }
      })
      s.on('error', reject)
      s.setTimeout(10_000, () => reject(new Error('timeout')))
    })
    const firstHead = raw.indexOf('\r\n\r\n') + 4
    expect(raw.subarray(0, 12).toString()).toBe('HTTP/1.1 206')
    expect(raw.subarray(firstHead, firstHead + 100_000).equals(file.subarray(0, 100_000))).toBe(true)
    const second = raw.subarray(firstHead + 100_000)
    expect(second.subarray(0, 12).toString()).toBe('HTTP/1.1 206')
    const secondHead = second.indexOf('\r\n\r\n') + 4
    expect(second.subarray(secondHead, secondHead + 1000).equals(file.subarray(100_000, 101_000))).toBe(true)
    // Both are counted, the one that waited for the connection too.
    const row = await rowWhen(token, (r) => r.bytes_sent >= 101_000)
    expect(row.bytes_sent).toBe(101_000)
  })

  it('small ranges one after another each arrive at once: nothing is held back in the kernel', async () => {
    const { phone, token } = await freshTransfer()
    const took: number[] = []
    for (let i = 0; i < 12; i++) {
      const began = performance.now()
      const r = await phone.download(token, { Range: `bytes=${i * 1000}-${i * 1000 + 999}` })
      took.push(performance.now() - began)
      expect(r.status).toBe(206)
      expect(r.bytes.equals(file.subarray(i * 1000, i * 1000 + 1000))).toBe(true)
    }
    // The sendfile path corks the socket while headers and body go out. Left corked, a segment that is not full
    // leaves only after the kernel's 200-ms timer: every one of these answers would take that long (a player
    // asking for small ranges would stutter). A loopback answer normally takes a few milliseconds.
    took.sort((a, b) => a - b)
    expect(took[6]!).toBeLessThan(100)
  })

  it('answers 416 with the size when the range is past the end, and the whole file for what it ignores', async () => {
    const { phone, token } = await freshTransfer()
    const over = await phone.download(token, { Range: `bytes=${file.length}-` })
    expect(over.status).toBe(416)
    expect(over.headers.get('content-range')).toBe(`bytes */${file.length}`)
    const multi = await phone.download(token, { Range: 'bytes=0-1,4-5' })
    expect(multi.status).toBe(200)
    expect(multi.bytes.length).toBe(file.length)
  })

  it('honours If-Range: same ETag gives the range, another gives the whole file', async () => {
    const { phone, token } = await freshTransfer()
    const head = await fetch(`${t.lanUrl}/m/${token}`, { method: 'HEAD', headers: phone.headers() })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(file.length))
    expect(head.headers.get('accept-ranges')).toBe('bytes')
    expect(head.headers.get('content-type')).toBe('video/mp4')
    expect(head.headers.get('x-content-type-options')).toBe('nosniff')
    expect(head.headers.get('content-security-policy')).toContain("default-src 'none'")
    const etag = head.headers.get('etag')!
    const lastModified = head.headers.get('last-modified')!
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/)
    expect(new Date(lastModified).getTime()).toBeGreaterThan(0)
    expect((await phone.download(token, { Range: 'bytes=100-199', 'If-Range': etag })).status).toBe(206)
    expect((await phone.download(token, { Range: 'bytes=100-199', 'If-Range': lastModified })).status).toBe(
      206,
    )
    const changed = await phone.download(token, { Range: 'bytes=100-199', 'If-Range': '"0-0"' })
    expect(changed.status).toBe(200)
    expect(changed.bytes.length).toBe(file.length)
    expect((await phone.download(token, { 'If-None-Match': etag })).status).toBe(304)
    // A HEAD moves no bytes and counts none.
    expect(transferRow(token).wire_bytes).toBe(changed.bytes.length + 100 + 100)
  })

  it('offers the download variant as an attachment named after the video', async () => {
    const { phone, token } = await freshTransfer()
    const res = await fetch(`${t.lanUrl}/m/${token}?dl=1`, { method: 'HEAD', headers: phone.headers() })
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="range-720p.mp4"; filename*=UTF-8''range-720p.mp4`,
    )
  })

  it('a file that shrinks while it is sent fails the transfer with the reason, and the phone sees a cut', async () => {
    const phone = new Phone(t.lanUrl)
    const token = (await phone.tap(bigCode)).token!
    const path = join(t.dataDir, (await owner.invoke('video-get', { id: bigId })).renditions[0]!.path)
    const got = await new Promise<number>((resolve) => {
      let n = 0
      const req = request(`${t.lanUrl}/m/${token}`, { headers: phone.headers() }, (res) => {
        res.once('data', (c: Buffer) => {
          n += c.length
          // Hold the reading while the file is cut to 8 MiB behind the hub's back, then read on.
          res.pause()
          truncateSync(path, 8 << 20)
          setTimeout(() => res.resume(), 200)
          res.on('data', (d: Buffer) => (n += d.length))
        })
        res.on('close', () => resolve(n))
      })
      req.on('error', () => resolve(n))
      req.end()
    })
    try {
      expect(got).toBeLessThan(big.length)
      const row = await rowWhen(token, (r) => r.status !== 'active')
      expect(row.status).toBe('failed')
      const { rows } = await owner.invoke('transfer-history', { status: ['failed'], pageSize: 10 })
      expect(rows[0]?.error).toBe('the file is shorter than its record')
    } finally {
      writeFileSync(path, big)
    }
  })

  it('a phone that stops taking bytes mid-download is cut off after the stall limit, and the transfer is aborted', async () => {
    const phone = new Phone(t.lanUrl)
    const token = (await phone.tap(bigCode)).token!
    zeroCopy.setStallLimit(400)
    const url = new URL(t.lanUrl)
    let received = 0
    const s = connect(Number(url.port), url.hostname)
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()))
    s.on('error', () => {})
    s.on('data', (c: Buffer) => (received += c.length))
    try {
      // Asks for the 48 MiB file and then reads nothing, as a phone whose browser was suspended.
      await new Promise<void>((resolve) => s.once('connect', resolve))
      s.pause()
      s.write(`GET /m/${token} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${phone.headers().Cookie}\r\n\r\n`)
      const row = await rowWhen(token, (r) => r.status === 'aborted', 100)
      expect(row.status).toBe('aborted')
      expect(row.bytes_sent).toBeLessThan(big.length)
      // When the phone reads again, it gets what was already on its way, then the end of the connection.
      s.resume()
      await Promise.race([
        closed,
        new Promise((_, reject) => setTimeout(() => reject(new Error('the connection stayed open')), 10_000)),
      ])
      expect(received).toBeLessThan(big.length)
    } finally {
      s.destroy()
      zeroCopy.setStallLimit(120_000)
    }
  })

  it('one media link streams on at most four connections at once; the next is asked to retry (503, Retry-After)', async () => {
    const phone = new Phone(t.lanUrl)
    const token = (await phone.tap(bigCode)).token!
    // Six players on one link, each asking for a different part of the 48 MiB file and then reading nothing, so
    // every answer that streams holds its connection.
    const held = await Promise.all(Array.from({ length: 6 }, (_, i) => holdOpen(token, phone, i << 23)))
    try {
      expect(held.map((h) => h.status).sort()).toEqual([206, 206, 206, 206, 503, 503])
      for (const h of held.filter((x) => x.status === 503))
        expect(h.head).toMatch(/\r\nretry-after: \d+\r\n/i)
      // The poster is not a stream: it still comes.
      expect((await fetch(`${t.lanUrl}/m/${token}/poster.jpg`, { headers: phone.headers() })).status).toBe(
        200,
      )
      // A player lets go of one connection: the next request gets its place.
      held.find((h) => h.status === 206)!.socket.destroy()
      let next = await holdOpen(token, phone, 0)
      for (let i = 0; i < 40 && next.status === 503; i++) {
        next.socket.destroy()
        await new Promise((r) => setTimeout(r, 50))
        next = await holdOpen(token, phone, 0)
      }
      held.push(next)
      expect(next.status).toBe(206)
      // A store (or a benchmark) may lift the limit: mediaConnectionsPerTransfer 0.
      t.hub.config.update({ mediaConnectionsPerTransfer: 0 })
      const more = await Promise.all([1, 2].map((i) => holdOpen(token, phone, i << 20)))
      held.push(...more)
      expect(more.map((h) => h.status)).toEqual([206, 206])
    } finally {
      t.hub.config.update({ mediaConnectionsPerTransfer: 4 })
      for (const h of held) h.socket.destroy()
    }
  })

  it('a download cut off halfway and resumed with Range ends as one completed transfer with the exact byte count', async () => {
    // 48 MiB: far more than socket buffers hold, so cutting the connection really leaves bytes unsent.
    const file = big
    const phone = new Phone(t.lanUrl)
    const token = (await phone.tap(bigCode)).token!
    // First attempt: read about half, then drop the connection (the phone walked out of Wi-Fi range).
    const got = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = []
      let n = 0
      const req = request(
        `${t.lanUrl}/m/${token}`,
        { headers: { ...phone.headers(), 'Accept-Encoding': 'identity' } },
        (res) => {
          res.on('data', (c: Buffer) => {
            chunks.push(c)
            n += c.length
            if (n >= file.length / 2) {
              req.destroy()
              resolve(Buffer.concat(chunks))
            }
          })
        },
      )
      req.on('error', () => resolve(Buffer.concat(chunks)))
      req.setTimeout(10_000, () => reject(new Error('timeout')))
      req.end()
    })
    await new Promise((r) => setTimeout(r, 300))
    const cut = transferRow(token)
    expect(cut.status).toBe('aborted')
    expect(cut.bytes_sent).toBeGreaterThan(0)
    expect(cut.bytes_sent).toBeLessThan(file.length)
    // Resume from what we have: the rest arrives, and together they are the file.
    const rest = await phone.download(token, { Range: `bytes=${got.length}-` })
    expect(rest.status).toBe(206)
    expect(Buffer.concat([got, rest.bytes]).equals(file)).toBe(true)
    // The last bytes can reach the phone a moment before the hub hears back from the thread that sent them.
    const done = await rowWhen(token, (r) => r.status !== 'active')
    expect(done).toMatchObject({
      status: 'completed',
      bytes_sent: file.length,
      bytes_total: file.length,
      requests: 2,
    })
    expect(done.wire_bytes).toBeGreaterThanOrEqual(file.length)
    // Its timeline, as staff see it: the tap, the request that was cut, the resume, the request that finished.
    const id = (await owner.invoke('transfer-history', { pageSize: 200 })).rows.find(
      (x) => x.status === 'completed' && x.bytesTotal === file.length && x.requests === 2,
    )!.id
    const { timeline } = await owner.invoke('transfer-get', { id })
    expect(timeline.map((s) => s.kind)).toEqual([
      'tap',
      'request',
      'aborted',
      'resumed',
      'request',
      'completed',
    ])
    const [, first, , , second] = timeline
    expect(first).toMatchObject({ rangeStart: 0, rangeEnd: file.length - 1, note: 'cut' })
    expect(first!.bytes).toBe(cut.bytes_sent)
    expect(second).toMatchObject({ rangeStart: got.length, rangeEnd: file.length - 1, note: null })
    expect(second!.bytes).toBe(file.length - got.length)
    const times = timeline.map((s) => Date.parse(s.at))
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })
})

// Only the stream path can leave a phone holding bytes the hub has not counted: it hears of whole 1 MiB writes,
// while sendfile counts exactly what the kernel took.
describe('HTTP Range on media (stream path only)', () => {
  beforeAll(() => zeroCopy.set(false))
  afterAll(() => zeroCopy.set(zeroCopy.available()))

  it('a phone cut off holding part of a write the hub never heard completed still ends completed when it resumes', async () => {
    const phone = new Phone(t.lanUrl)
    const token = (await phone.tap(bigCode)).token!
    const live = t.hub.services.delivery.records.byToken(token)!
    const url = new URL(t.lanUrl)
    const s = connect(Number(url.port), url.hostname)
    s.on('error', () => {})
    try {
      await new Promise<void>((resolve) => s.once('connect', resolve))
      // The phone stops reading until the hub is blocked on a full socket, part of its current write taken.
      s.pause()
      s.write(`GET /m/${token} HTTP/1.1\r\nHost: ${url.host}\r\nCookie: ${phone.headers().Cookie}\r\n\r\n`)
      // Blocked = its count has not moved for 300 ms (a busy machine can pause it for a moment, not for that long).
      let last = -1
      let still = 0
      for (let i = 0; i < 200 && still < 6; i++) {
        await new Promise((r) => setTimeout(r, 50))
        still = live.record.bytesSent > 0 && live.record.bytesSent === last ? still + 1 : 0
        last = live.record.bytesSent
      }
      // Then it reads everything the kernel holds, in one synchronous go, and drops the connection. The hub shares
      // this thread, so meanwhile it cannot finish its write (nor count it): the phone ends up holding more than
      // the hub counted. (Reading the socket's descriptor directly is a test device: a stream would yield.)
      const counted = live.record.bytesSent
      const parts: Buffer[] = []
      for (let c = s.read() as Buffer | null; c; c = s.read() as Buffer | null) parts.push(c)
      const fd = (s as unknown as { _handle: { fd: number } })._handle.fd
      const buf = Buffer.allocUnsafe(1 << 20)
      for (;;) {
        let n = 0
        try {
          n = readSync(fd, buf)
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break
          throw e
        }
        if (n === 0) break
        parts.push(Buffer.from(buf.subarray(0, n)))
      }
      // A reset, as when the phone leaves the Wi-Fi: the hub's pending write fails instead of being taken.
      s.resetAndDestroy()
      const raw = Buffer.concat(parts)
      const body = raw.subarray(raw.indexOf('\r\n\r\n') + 4)
      expect(body.length).toBeGreaterThan(counted)
      expect(body.length).toBeLessThan(big.length)
      const row = await rowWhen(token, (r) => r.status === 'aborted')
      expect(row.status).toBe('aborted')
      // The write that the reset interrupted is not counted: what the hub counts, the phone surely got.
      expect(row.bytes_sent).toBe(counted)
      // The phone resumes from what it holds; the bytes between the hub's count and that point are never sent
      // again, yet the phone has them, and the transfer is complete.
      const rest = await phone.download(token, { Range: `bytes=${body.length}-` })
      expect(rest.status).toBe(206)
      expect(Buffer.concat([body, rest.bytes]).equals(big)).toBe(true)
      const done = await rowWhen(token, (r) => r.status !== 'active')
      expect(done).toMatchObject({ status: 'completed', bytes_sent: big.length, requests: 2 })
    } finally {
      s.destroy()
    }
  })
})

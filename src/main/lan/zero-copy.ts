import { closeSync, openSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { MediaHooks } from './media'
import { linuxIo, type LinuxIo, type SendfileConnection } from '../core/fsutil/linux-io'

/**
 * Media responses by sendfile(2) (Linux), through our small addon `@tapdrop/linux-io` (native/linux-io). Node
 * streams copy every byte into JavaScript memory and back; sendfile hands page-cache pages to the socket. The
 * loop never waits on the network: it sends until the socket is full, then waits for room on the event loop
 * (uv_poll). Measured on the 2-core test VM (bench:serve): that is what brings one Node process level with nginx.
 *
 * Used for plain-HTTP responses when the addon loaded; HTTPS (bytes must pass through TLS), Windows and macOS
 * (the addon is Linux-only, an optional dependency) and `TAPDROP_ZERO_COPY=0` use the stream path in media.ts.
 */

type Connection = SendfileConnection

let enabled: boolean | undefined

function load(): LinuxIo | null {
  enabled ??= process.env.TAPDROP_ZERO_COPY !== '0'
  return enabled ? linuxIo() : null
}

/**
 * A phone that has taken no byte of a media response for this long has gone (screen locked with the browser
 * suspended, walked off with the connection still open): the response is cut, and the transfer can resume with
 * Range. Without it such a response stayed open for as long as the phone kept the connection alive, with its
 * descriptors and its download slot (a slot with an open response is never reclaimed as idle): a few suspended
 * phones could keep everyone else in line. Both paths use it (media.ts for streams).
 */
let stallMs = 120_000

export function mediaStallMs(): number {
  return stallMs
}

/** For tests: whether media goes out by sendfile; `set` switches it, so the tests cover both paths. */
export const zeroCopy = {
  available: (): boolean => load() !== null,
  set(on: boolean): void {
    enabled = on
    if (on && load() === null) throw new Error('the sendfile addon is not available here')
  },
  /** For tests: a shorter stall limit than two minutes. */
  setStallLimit(ms: number): void {
    stallMs = ms
  },
}

type PlainSocket = Socket & { _handle?: { fd?: number } | null; encrypted?: boolean }

/** The socket's descriptor, or null for TLS and for sockets without one (Windows handles, closed sockets). */
function descriptorOf(s: PlainSocket): number | null {
  const fd = s._handle?.fd
  return !s.encrypted && typeof fd === 'number' && fd >= 0 ? fd : null
}

/** The response can go out by sendfile: the addon is here and the connection is plain TCP with a descriptor. */
export function canZeroCopy(res: ServerResponse): boolean {
  if (!load()) return false
  const s = res.socket as PlainSocket | null
  // A response queued behind another on the same connection has no socket yet; it will be plain TCP too.
  return s === null || descriptorOf(s) !== null
}

/** The failure reason when a file ends before the size its response promised (both paths use it). */
export const FILE_SHRANK = 'the file is shorter than its record'

// Bytes per send call: the event loop is never held long, and progress is reported often even on a fast link;
// sendfile itself stops earlier whenever the socket is full.
const PIECE = 4 << 20
const ENODATA = 61
const GONE = new Set([32 /* EPIPE */, 104 /* ECONNRESET */, 9 /* EBADF: closed meanwhile */])

const CONNECTION = Symbol('sendfile connection')

/**
 * The socket's sendfile handle: made on its first media response and kept for the next ones on the same
 * keep-alive connection (a phone fetching a video in 1 MiB ranges asks dozens of times), closed with the socket.
 */
function connectionOf(native: LinuxIo, s: PlainSocket & { [CONNECTION]?: Connection }): Connection {
  const known = s[CONNECTION]
  if (known) return known
  const fd = descriptorOf(s)
  if (fd === null) throw new Error('the connection has no descriptor')
  const conn = native.open(fd)
  s[CONNECTION] = conn
  s.once('close', () => native.close(conn))
  return conn
}

/**
 * Sends bytes `start`–`end` (inclusive) of `path` as the body of `res`, whose status and headers are set.
 * Node writes the headers; once they have left, the body goes by sendfile, waiting for the socket to drain
 * between pieces. Ends the response itself.
 */
export function sendZeroCopy(
  res: ServerResponse,
  path: string,
  start: number,
  end: number,
  hooks?: Omit<MediaHooks, 'started'>,
): void {
  const native = load()!
  let fd: number | null = null
  let conn: Connection | null = null
  let over = false
  let offset = start
  let corked: Connection | null = null
  let stalled: NodeJS.Timeout | null = null

  const stop = (how: 'finished' | 'cut' | { failed: string }) => {
    if (over) return
    over = true
    if (stalled) clearTimeout(stalled)
    if (corked) native.cork(corked, false)
    corked = null
    // The connection's duplicate stays with the socket for its next request (see connectionOf).
    conn = null
    if (fd !== null) closeSync(fd)
    fd = null
    if (how === 'finished') {
      res.end()
      hooks?.ended(false)
    } else if (how === 'cut') {
      hooks?.ended(true)
      res.destroy()
    } else {
      hooks?.failed(how.failed)
      res.destroy()
    }
  }
  res.on('close', () => stop('cut'))

  const pump = () => {
    if (over || !conn) return
    const length = Math.min(PIECE, end - offset + 1)
    const n = native.send(conn, fd!, offset, length)
    if (n < 0) {
      if (GONE.has(-n)) return stop('cut')
      return stop({
        failed: n === -ENODATA ? FILE_SHRANK : `sending failed (errno ${-n})`,
      })
    }
    if (n > 0) hooks?.sent(offset, n)
    offset += n
    if (offset > end) return stop('finished')
    // A whole piece went: the socket may take more at once, after other requests had their turn. Less than
    // asked: the socket is full; continue when it has room.
    if (n === length) setImmediate(pump)
    else {
      stalled = setTimeout(() => stop('cut'), stallMs)
      native.waitWritable(conn, (status) => {
        if (stalled) clearTimeout(stalled)
        stalled = null
        if (status < 0) stop('cut')
        else pump()
      })
    }
  }

  // Headers go out through Node (its keep-alive and pipelining bookkeeping stay right); the body starts only
  // once Node has handed every header byte to the kernel, so the two never interleave.
  const begin = () => {
    if (over) return
    const s = res.socket as PlainSocket | null
    // Queued behind another response on this connection: Node attaches the socket, then writes our headers.
    if (!s) return res.once('socket', () => setImmediate(begin))
    // res.writableLength counts header bytes Node still holds as well as the socket's own buffer.
    if (s.writableLength > 0) return s.once('drain', begin)
    if (res.writableLength > 0 || s.writableCorked || !res.headersSent) return setImmediate(begin)
    try {
      conn = connectionOf(native, s)
    } catch (err) {
      return stop({ failed: (err as Error).message })
    }
    pump()
  }

  try {
    // Synchronous, as nginx opens: a few microseconds for a cached path, and no thread hop per request.
    fd = openSync(path, 'r')
  } catch (err) {
    return stop({ failed: `opening the file failed: ${(err as Error).message}` })
  }
  // As nginx's tcp_nopush: the socket is corked while the headers go out, so they leave in the same segments as
  // the first file bytes instead of a small packet of their own (one wake-up less for the phone per response;
  // measured ~5% more 1 MiB ranges in bench:serve). stop() uncorks on every path, or the last partial segment
  // would wait 200 ms in the kernel.
  const s = res.socket as PlainSocket | null
  if (s) {
    try {
      corked = connectionOf(native, s)
      if (native.cork(corked, true) !== 0) corked = null
    } catch {
      corked = null
    }
  }
  res.flushHeaders()
  begin()
}

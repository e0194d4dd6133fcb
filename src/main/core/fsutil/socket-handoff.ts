import { write } from 'node:fs'
import type { Socket } from 'node:net'
import { promisify } from 'node:util'

const writeAsync = promisify(write)

/**
 * Handing a connection's remaining bytes from Node to our addon's `receive` (its threads read the socket straight
 * into a file): for uploads to the hub (admin/direct-receive.ts) and the chain's downloads
 * (core/chain/direct-download.ts). These reach into Node's socket internals (`_handle`, `_paused`), the same ones
 * Node's own HTTP server uses to pause a connection; both callers fall back to Node's streams where they are absent.
 */
type Handle = { fd?: number; reading?: boolean; readStop?: () => number }
type PlainSocket = Socket & { _handle?: Handle | null; encrypted?: boolean; _paused?: boolean }

/** The descriptor of a plain TCP socket Node could stop reading, or null (TLS, a pipe, a closed socket). */
export function handoffFd(socket: Socket): number | null {
  const s = socket as PlainSocket
  const fd = s._handle?.fd
  return !s.encrypted &&
    !s.destroyed &&
    typeof fd === 'number' &&
    fd >= 0 &&
    typeof s._handle?.readStop === 'function'
    ? fd
    : null
}

/**
 * Stops Node reading the socket, and keeps it stopped: Node's HTTP server resumes a socket only when `_paused` is
 * false, and a flowing stream would call readStart again. (`reading` is not kept up to date for a socket Node's
 * parser consumes directly: stop unconditionally.) Bytes Node read already stay with it, for the caller to take.
 */
export function stopNodeReading(socket: Socket): void {
  const s = socket as PlainSocket
  s._paused = true
  s.pause()
  if (s._handle) {
    s._handle.reading = false
    s._handle.readStop?.()
  }
}

/** The socket still has the descriptor `fd` (it did not close, so the number is not someone else's now). */
export const stillHolds = (socket: Socket, fd: number): boolean =>
  !socket.destroyed && (socket as PlainSocket)._handle?.fd === fd

/**
 * For a socket whose bytes Node's parser receives as 'data' events (an HTTP client's; the server's parser reads the
 * handle itself): the bytes the socket read from the kernel but did not emit yet, which the parser never saw. The
 * socket is the caller's from here on: its 'data' listeners are removed (reading would emit the bytes to them too)
 * and it no longer starts reading by itself.
 */
export function takeUnparsed(socket: Socket): Buffer[] {
  socket.removeAllListeners('data')
  // Readable.read() would call _read to refill, which starts the handle reading again.
  ;(socket as Socket & { _read: () => void })._read = () => {}
  const out: Buffer[] = []
  for (let c = socket.read() as Buffer | null; c !== null; c = socket.read() as Buffer | null) out.push(c)
  return out
}

/**
 * Writes all of `bytes` at `position` (the bytes Node had before the handover): a short write (a disk filling up)
 * goes on from where it stopped, so the next write says why (ENOSPC) instead of leaving a hole.
 */
export async function writeFully(fd: number, bytes: Buffer, position: number): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    const { bytesWritten } = await writeAsync(fd, bytes, at, bytes.length - at, position + at)
    if (bytesWritten === 0)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    at += bytesWritten
  }
}

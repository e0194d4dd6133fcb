import { createHash } from 'node:crypto'
import { close, open, read } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { promisify } from 'node:util'
import { linuxIo, type LinuxIo } from '../core/fsutil/linux-io'
import { handoffFd, stillHolds, stopNodeReading, writeFully } from '../core/fsutil/socket-handoff'

const openAsync = promisify(open)
const closeAsync = promisify(close)
const readAsync = promisify(read)

/** A connection silent this long while an upload is due is given up (the server's own idle limit, which it no
 * longer sees while the thread reads). */
const SILENCE_MS = 120_000
const HASH_PIECE = 8 << 20

export class ReceiveError extends Error {
  constructor(
    message: string,
    /** The client went away or fell silent (nothing to answer), as opposed to a disk or system failure. */
    readonly clientGone: boolean,
  ) {
    super(message)
    this.name = 'ReceiveError'
  }
}

/**
 * Whether `req`'s body can be received by our addon (`@tapdrop/linux-io` receive): Linux, plain TCP with a
 * descriptor, a Content-Length and no transfer coding. Everything else streams through Node (upload.ts).
 */
export function canReceiveDirect(req: IncomingMessage): boolean {
  if (process.env.TAPDROP_DIRECT_UPLOAD === '0' || !linuxIo()) return false
  return (
    handoffFd(req.socket) !== null &&
    req.headers['content-length'] !== undefined &&
    req.headers['transfer-encoding'] === undefined
  )
}

/**
 * Receives the body of `req` (`length` bytes, its Content-Length) into a new file at `path` and hashes it.
 *
 * Why: through Node's HTTP parser, every 64 KiB socket read becomes a JavaScript buffer; on the hub's heap a 2 GB
 * upload then costs 70–90 full garbage collections (measured with --trace-gc) and runs well behind `cp`. Here Node
 * stops reading the socket, the bytes it already parsed are written first, and the addon's receiving threads read
 * the rest straight into the file (receive.c: 128 KiB reads, writeback started every 32 MiB). The hash is taken by
 * reading the new file back in 8 MiB pieces as it grows (page cache, one reused buffer).
 *
 * Node's parser never sees the bytes the thread read, so the connection cannot carry another request: the caller
 * must answer with `Connection: close` (res.shouldKeepAlive = false) and must not resume `req`.
 */
export async function receiveDirect(
  req: IncomingMessage,
  path: string,
  length: number,
  silenceMs = SILENCE_MS,
): Promise<{ bytes: number; sha256: string }> {
  const io = linuxIo() as LinuxIo
  const socket = req.socket
  const socketFd = handoffFd(socket)!
  stopNodeReading(socket)
  // Bytes Node already read after the headers are parsed once this request's handler returns: let that happen,
  // then take them from the request.
  await new Promise((resolve) => setImmediate(resolve))
  const prefix: Buffer[] = []
  for (let c = req.read() as Buffer | null; c !== null; c = req.read() as Buffer | null) prefix.push(c)
  const head = Buffer.concat(prefix)
  if (head.length > length) throw new ReceiveError('the body is longer than its Content-Length', false)

  const fd = await openAsync(path, 'wx+')
  const hash = createHash('sha256')
  // A read-back in flight when the receive ends: the descriptor is closed only after it.
  let hashing: Promise<void> | null = null
  try {
    if (head.length > 0) {
      await writeFully(fd, head, 0)
      hash.update(head)
    }
    const rest = length - head.length
    if (rest === 0 || req.complete) {
      if (head.length !== length) throw new ReceiveError('the upload ended early', true)
      return { bytes: length, sha256: hash.digest('hex') }
    }
    const piece = Buffer.allocUnsafeSlow(HASH_PIECE)
    let available = head.length // bytes in the file
    let hashed = head.length
    let over = false // progress reports can arrive after the end; they are ignored
    let hashFailure: Error | null = null
    // Hashes what the file holds so far, one piece at a time, behind the thread.
    const catchUp = (): Promise<void> =>
      (hashing ??= (async () => {
        try {
          while (hashed < available) {
            const want = Math.min(HASH_PIECE, available - hashed)
            const { bytesRead } = await readAsync(fd, piece, 0, want, hashed)
            if (bytesRead <= 0) throw new Error('the upload file is shorter than written')
            hash.update(piece.subarray(0, bytesRead))
            hashed += bytesRead
          }
        } catch (err) {
          hashFailure ??= err as Error
        } finally {
          hashing = null
        }
      })())

    // The socket may have closed while the file opened; then its descriptor number may already be someone
    // else's. Checked and handed over in one synchronous step, so it cannot close in between.
    if (!stillHolds(socket, socketFd)) throw new ReceiveError('the client went away', true)
    socket.setTimeout(0)
    const [status, written] = await new Promise<[number, number]>((resolve) => {
      const job = io.receive(
        socketFd,
        fd,
        head.length,
        rest,
        silenceMs,
        (n) => {
          if (over) return
          available = Math.max(available, head.length + n)
          void catchUp()
        },
        (s, n) => {
          over = true
          socket.off('close', cancel)
          resolve([s, n])
        },
      )
      // The socket closed under us (the client left, the hub stops): end the thread now, not at its silence limit.
      const cancel = () => io.cancelReceive(job)
      socket.once('close', cancel)
    })
    if (status < 0) {
      const gone =
        status === -104 /* ECONNRESET */ || status === -110 /* ETIMEDOUT */ || status === -125 /* ECANCELED */
      const err = new ReceiveError(
        gone ? `the client went away (errno ${-status})` : `receiving the upload failed (errno ${-status})`,
        gone,
      )
      throw status === -28 ? Object.assign(err, { code: 'ENOSPC' }) : err
    }
    available = head.length + written
    while (hashed < available && !hashFailure) await catchUp()
    if (hashFailure) throw hashFailure
    return { bytes: head.length + written, sha256: hash.digest('hex') }
  } finally {
    await hashing
    await closeAsync(fd)
  }
}

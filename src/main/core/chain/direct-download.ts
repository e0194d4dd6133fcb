import { IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import { linuxIo } from '../fsutil/linux-io'
import { handoffFd, stillHolds, stopNodeReading, takeUnparsed, writeFully } from '../fsutil/socket-handoff'

/**
 * A download's body read by our addon (`receive`, native/linux-io/receive.c) straight from the socket into the
 * partial file, on the addon's receiving threads, as uploads to the hub are (admin/direct-receive.ts). Through Node,
 * every 64 KiB socket read becomes a JavaScript buffer, is parsed, then handed to libuv's pool by a write that wakes
 * a thread: bench:chain measured ~2 s of the event loop per 4 GB in those writes alone (about what the plain S3 loop
 * spends too), and the sync's CPU decided its speed. Here JavaScript hears only how far the thread got.
 *
 * Used when the body is a plain-HTTP response with a Content-Length, on Linux with the addon, without a bandwidth
 * limit (the thread cannot wait for a token bucket); everything else streams through Node (download.ts).
 * `TAPDROP_DIRECT_DOWNLOAD=0` turns it off. Node's parser never sees the bytes the thread read, so the connection
 * is closed after the body, not reused.
 */
export function directBody(body: Readable, length: number): IncomingMessage | null {
  if (process.env.TAPDROP_DIRECT_DOWNLOAD === '0' || !linuxIo()) return null
  if (!(body instanceof IncomingMessage) || body.complete) return null
  const h = body.headers
  return h['transfer-encoding'] === undefined &&
    h['content-length'] === String(length) &&
    handoffFd(body.socket) !== null
    ? body
    : null
}

export interface DirectOutcome {
  /** Bytes written to the file from `offset`. */
  written: number
  /** 0, or the connection's -errno: -ECONNRESET (closed early), -ETIMEDOUT (silent), -ECANCELED (aborted) … */
  status: number
  /** 0, or the -errno of the write that failed (ENOSPC …): the disk's side, whatever the connection did. */
  writeError: number
  /** The addon could not take the body (no receiving thread, no descriptor left): go through Node next time. */
  unavailable?: boolean
}

/**
 * Reads the rest of `body` (`length` bytes) into `fd` from `offset`: first the bytes Node had already, then the
 * socket's by the addon. `onWritten(bytes)` as it goes (bytes from `offset`, a prefix of the file). Resolves with how
 * far it got and why it stopped; rejects only with what `onWritten` threw or a write of Node's bytes failed. The
 * connection is closed at the end either way.
 */
export async function receiveDirect(
  body: IncomingMessage,
  fd: number,
  offset: number,
  length: number,
  o: { silenceMs: number; signal?: AbortSignal; onWritten: (bytes: number) => void },
): Promise<DirectOutcome> {
  const socket = body.socket
  const socketFd = handoffFd(socket)!
  try {
    stopNodeReading(socket)
    // Bytes Node read with the headers are parsed once the current callbacks return: let that happen, then take them.
    await new Promise((resolve) => setImmediate(resolve))
    // The body's bytes Node has: parsed (in the response's buffer), then read from the kernel but not parsed yet.
    const parsed: Buffer[] = []
    for (let c = body.read() as Buffer | null; c !== null; c = body.read() as Buffer | null) parsed.push(c)
    let head = 0
    for (const c of [...parsed, ...takeUnparsed(socket)]) {
      if (head + c.length > length)
        return { written: head, status: -71 /* EPROTO: longer than announced */, writeError: 0 }
      await writeFully(fd, c, offset + head)
      head += c.length
    }
    if (head > 0) o.onWritten(head)
    if (head === length) return { written: head, status: 0, writeError: 0 }
    if (o.signal?.aborted) return { written: head, status: -125 /* ECANCELED */, writeError: 0 }
    // Checked and handed over in one synchronous step: a socket that closed meanwhile may have lent its number.
    if (!stillHolds(socket, socketFd)) return { written: head, status: -104 /* ECONNRESET */, writeError: 0 }
    // The thread watches for silence itself; Node's timer would see none of its bytes and cut a healthy download.
    socket.setTimeout(0)
    let thrown: unknown = null
    const outcome = await new Promise<DirectOutcome>((resolve) => {
      let job: ReturnType<NonNullable<ReturnType<typeof linuxIo>>['receive']>
      const cancel = () => linuxIo()!.cancelReceive(job)
      try {
        job = linuxIo()!.receive(
          socketFd,
          fd,
          offset + head,
          length - head,
          o.silenceMs,
          (n) => {
            // A report's listener that throws ends this download (as in the stream path), not the process.
            if (thrown) return
            try {
              o.onWritten(head + n)
            } catch (err) {
              thrown = err
              cancel()
            }
          },
          (status, n, writeError) => {
            socket.off('close', cancel)
            o.signal?.removeEventListener('abort', cancel)
            resolve({ written: head + n, status, writeError })
          },
          true,
        )
      } catch {
        resolve({ written: head, status: 0, writeError: 0, unavailable: true })
        return
      }
      socket.once('close', cancel)
      o.signal?.addEventListener('abort', cancel, { once: true })
    })
    if (thrown) throw thrown
    return outcome
  } finally {
    body.destroy()
    socket.destroy()
  }
}

import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ifRangeAllows, parseRange } from '../core/delivery/range'
import { canZeroCopy, FILE_SHRANK, mediaStallMs, sendZeroCopy } from './zero-copy'

export interface MediaFile {
  path: string
  size: number
  mtimeMs: number
  contentType: string
  /** Set for the "save" variant: sent as an attachment with this name. */
  downloadName?: string
}

export interface MediaHooks {
  /** A response of bytes `start`–`end` (inclusive) begins. */
  started(start: number, end: number): void
  /** `length` bytes at `offset` were handed to the network. */
  sent(offset: number, length: number): void
  /**
   * The response ended; `cut` when the phone went away first. `unconfirmed`: bytes handed to the network whose
   * delivery Node never confirmed (the stream path learns only whole writes); the phone may hold part of them.
   */
  ended(cut: boolean, unconfirmed?: { from: number; to: number }): void
  failed(reason: string): void
}

/**
 * Open media responses per transfer on one listener, at most `max()` (config mediaConnectionsPerTransfer; 0 = no
 * limit): admission counts transfers, and one link must not take many connections' worth of the store's bandwidth.
 * A place is held from the answer until its response closes, finished or cut.
 */
export class TransferConnections {
  private readonly open = new Map<number, number>()

  constructor(private readonly max: () => number) {}

  /** Takes a place for `res` until it closes; false when the transfer has none left. */
  enter(transferId: number, res: ServerResponse): boolean {
    const n = this.open.get(transferId) ?? 0
    const max = this.max()
    if (max > 0 && n >= max) return false
    this.open.set(transferId, n + 1)
    res.once('close', () => {
      const left = (this.open.get(transferId) ?? 1) - 1
      if (left > 0) this.open.set(transferId, left)
      else this.open.delete(transferId)
    })
    return true
  }
}

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name, so Chinese titles survive on every phone. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`
}

// The stream path (HTTPS, or no sendfile addon): 1 MiB reads keep syscalls few; measured on the 2-core VM, Node
// streams reach about 0.5× nginx either way, which is why plain HTTP goes by sendfile (zero-copy.ts).
const CHUNK = 1 << 20

/**
 * Serves one file with single-range support (206/416, If-Range, ETag, Last-Modified, HEAD): by sendfile where it
 * can (zero-copy.ts), else streamed from disk. `base`: the listener's own header name/value pairs; the answer's
 * headers go out in one writeHead (a player asks for ranges many times a second; setHeader calls add up).
 * Bytes are counted when the socket has taken them, so a phone that walks away is not credited with the rest.
 */
export function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  f: MediaFile,
  base: readonly string[],
  hooks?: MediaHooks,
): void {
  const etag = `"${f.size.toString(16)}-${Math.floor(f.mtimeMs).toString(16)}"`
  const lastModified = new Date(Math.floor(f.mtimeMs / 1000) * 1000).toUTCString()
  const headers = [
    ...base,
    'Accept-Ranges',
    'bytes',
    'ETag',
    etag,
    'Last-Modified',
    lastModified,
    'Content-Type',
    f.contentType,
    'Cache-Control',
    'private, max-age=3600',
  ]
  if (f.downloadName) headers.push('Content-Disposition', contentDisposition(f.downloadName))

  const rangeHeader = ifRangeAllows(req.headers['if-range'] as string | undefined, etag, lastModified)
    ? req.headers.range
    : undefined
  if (!rangeHeader && req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  const range = parseRange(rangeHeader, f.size)
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, [...headers, 'Content-Range', `bytes */${f.size}`, 'Content-Length', '0'])
    res.end()
    return
  }
  const start = range.kind === 'partial' ? range.start : 0
  const end = range.kind === 'partial' ? range.end : f.size - 1
  if (range.kind === 'partial') headers.push('Content-Range', `bytes ${start}-${end}/${f.size}`)
  headers.push('Content-Length', String(Math.max(0, end - start + 1)))
  res.writeHead(range.kind === 'partial' ? 206 : 200, headers)
  if (req.method === 'HEAD' || f.size === 0) {
    res.end()
    return
  }

  hooks?.started(start, end)
  if (canZeroCopy(res)) return sendZeroCopy(res, f.path, start, end, hooks)
  const stream = createReadStream(f.path, { start, end, highWaterMark: CHUNK })
  let offset = start
  // End of the bytes whose writes completed; callbacks come in order, so everything before it reached the kernel.
  let confirmed = start
  let done = false
  let stalled: NodeJS.Timeout | null = null
  const finish = (cut: boolean) => {
    if (done) return
    done = true
    hooks?.ended(cut, cut && offset > confirmed ? { from: confirmed, to: offset } : undefined)
  }
  stream.on('data', (chunk: Buffer | string) => {
    const at = offset
    const length = chunk.length
    offset += length
    const ok = res.write(chunk, (err) => {
      // Node calls back without an error for a write still pending when its socket was destroyed: only a write
      // completed on a live socket reached the kernel whole. (The socket is read here, not at the start: a
      // response queued behind another on its connection gets it later.)
      const socket = res.socket
      if (err || !socket || socket.destroyed) return
      confirmed = at + length
      hooks?.sent(at, length)
    })
    if (!ok) {
      stream.pause()
      // Cut the response if this chunk is not taken within the stall limit (see mediaStallMs). Node reports only
      // whole chunks, so a link slower than ~9 KB/s for two minutes is cut too; the player resumes with Range.
      stalled ??= setTimeout(() => res.destroy(), mediaStallMs())
      res.once('drain', () => {
        if (stalled) clearTimeout(stalled)
        stalled = null
        stream.resume()
      })
    }
  })
  stream.on('end', () => {
    if (offset > end) return res.end()
    // The file shrank after its size was taken: the promised Content-Length cannot be met.
    done = true
    hooks?.failed(FILE_SHRANK)
    res.destroy()
  })
  stream.on('error', (err) => {
    done = true
    hooks?.failed(`reading the file failed: ${err.message}`)
    res.destroy(err)
  })
  res.on('finish', () => finish(false))
  res.on('close', () => {
    if (stalled) clearTimeout(stalled)
    if (!res.writableFinished) {
      stream.destroy()
      finish(true)
    }
  })
}

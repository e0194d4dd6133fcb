import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { open, rename, writeFile } from 'node:fs/promises'
import { constants } from 'node:os'
import { dirname } from 'node:path'
import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { syncDirAsync } from '../fsutil/atomic'
import { unlinkIfThereAsync } from '../fsutil/unlink'
import { CHECKSUM_NAMES, checksumFor, type ChecksumKind } from './checksum'
import { directBody, receiveDirect } from './direct-download'
import { hashOnThisThread, type FileHasher } from './file-hasher'
import { ObjectStoreError, isObjectStoreError, type ObjectStore } from './object-store'
import { PartWriter, WriteFailed } from './part-writer'

export interface DownloadOptions {
  /** The version wanted (the ETag a catalog names): another one is refused with reason `changed`. */
  etag?: string
  /**
   * The content wanted (hex SHA-256). Default: the SHA-256 its writer recorded; for a foreign object without one, the
   * MD5 of a single-part ETag; else only the size is checked.
   */
  sha256?: string
  /**
   * The content's BLAKE3 (hex), where the catalog names one: checked instead of the SHA-256 on a machine with our
   * addon (checksum.ts), at a quarter of the CPU.
   */
  blake3?: string
  onProgress?: (received: number, total: number) => void
  /**
   * Asked before each chunk is written: a bandwidth limit shared by several downloads answers a promise to wait
   * for, or null when the chunk may go now.
   */
  throttle?: (bytes: number) => Promise<void> | null
  /**
   * The body may be read by our addon straight into the file where the connection allows (direct-download.ts):
   * only when no bandwidth limit applies, since the addon's thread cannot wait for `throttle`. Default false.
   */
  direct?: boolean
  signal?: AbortSignal
  /** Breaks of the stream in a row, with no byte received in between, before giving up. Default 3. */
  maxBreaks?: number
  /**
   * Who hashes the file (a HashPool: threads of their own, as the store's sync does). Default: this thread, once
   * the file is complete.
   */
  hasher?: FileHasher
}

export interface DownloadResult {
  path: string
  size: number
  etag: string
  /**
   * The content's SHA-256: computed and checked; or, when BLAKE3 was checked instead, the SHA-256 the catalog names
   * beside it (not recomputed). Null only for a foreign object with no SHA-256 of its own and nothing computed.
   */
  sha256: string | null
  /** What the bytes were checked against (null: a foreign object with nothing to check but its size). */
  checked: ChecksumKind | 'md5' | null
  /** The body was read by our addon straight into the file (direct-download.ts), for some or all of its bytes. */
  direct: boolean
  /** Bytes already there from an earlier, interrupted download (0 for a fresh one). */
  resumedFrom: number
  /** Bytes received by this call. */
  fetched: number
  /** Times the stream broke and was opened again at the byte it had reached. */
  reopened: number
}

/** Beside the partial file: which object (and version) its bytes belong to. */
interface PartRecord {
  key: string
  etag: string
  size: number
  /** The SHA-256 its writer recorded, if any. */
  sha256: string | null
}

export const partPath = (dest: string): string => `${dest}.part`
const recordPath = (dest: string): string => `${dest}.part.json`

function readRecord(dest: string): PartRecord | null {
  try {
    const r = JSON.parse(readFileSync(recordPath(dest), 'utf8')) as Partial<PartRecord>
    return typeof r.key === 'string' && typeof r.etag === 'string' && typeof r.size === 'number'
      ? { key: r.key, etag: r.etag, size: r.size, sha256: typeof r.sha256 === 'string' ? r.sha256 : null }
      : null
  } catch {
    return null
  }
}

/**
 * Whole or not at all (a temporary file renamed), but not flushed: a record lost to a power cut only costs the
 * partial file (no record, no resume), and three synchronous fsyncs per file stalled every download and phone.
 */
async function writeRecord(dest: string, record: PartRecord): Promise<void> {
  const tmp = `${recordPath(dest)}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, JSON.stringify(record))
  await rename(tmp, recordPath(dest))
}

async function discardPartial(dest: string): Promise<void> {
  await unlinkIfThereAsync(partPath(dest))
  await unlinkIfThereAsync(recordPath(dest))
}

const PLAIN_MD5_ETAG = /^"?([0-9a-f]{32})"?$/i

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('download aborted')
}

/** A direct read's silence limit when the store names none (S3ObjectStore's own idle timeout by default). */
const DIRECT_SILENCE_MS = 30_000
const errnoName = (status: number): string =>
  Object.entries(constants.errno).find(([, n]) => n === -status)?.[0] ?? `errno ${-status}`

/** A direct read's disk failure as Node's fs reports one (`code` ENOSPC …), for the caller's disk-full handling. */
function diskError(status: number): Error {
  const code = errnoName(status)
  return Object.assign(new Error(`${code}: writing the download failed`), { code, errno: status })
}

/** The partial bytes belong to an object replaced since: start again from nothing. */
class Replaced extends Error {}

/**
 * Reads a body to its end in flowing mode, pausing while `onChunk`'s answer (the disk behind, a bandwidth limit) is
 * pending. Not `for await`: an async iterator reads with `read()`, which joins the chunks waiting in the stream's
 * buffer into a new one (a copy, and garbage for V8's collector, on every chunk a loaded event loop falls behind on).
 * Rejects with the stream's error, a premature end, the signal's reason, or what `onChunk` threw.
 */
async function receive(
  body: Readable,
  signal: AbortSignal | undefined,
  onChunk: (chunk: Buffer) => Promise<unknown> | null,
): Promise<void> {
  const fail = (err: unknown) => body.destroy(err instanceof Error ? err : new Error(String(err)))
  const onAbort = () => fail(abortError(signal!))
  signal?.addEventListener('abort', onAbort, { once: true })
  body.on('data', (chunk: Buffer) => {
    let wait: Promise<unknown> | null
    try {
      wait = onChunk(chunk)
    } catch (err) {
      return fail(err)
    }
    if (!wait) return
    body.pause()
    wait.then(() => body.resume(), fail)
  })
  try {
    await finished(body)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * Downloads an object into `dest`, which appears only complete and checked: the bytes go to `dest.part` (with
 * `dest.part.json` naming the object and its ETag), and are renamed over `dest` after the size and checksum match and
 * the file is flushed. The checksum is of the bytes on the disk, from the first (resumed ones included) to the last,
 * hashed by `options.hasher` as they are written. An interrupted download (the store went away, the hub stopped, a
 * kill -9) continues from the bytes already in `dest.part`, with If-Match on the ETag they came from, so a replaced object is never spliced onto
 * an old one (without `options.etag` it starts over on the new one; with it, it fails with reason `changed`). While
 * the call runs, a broken stream is opened again at the byte it reached (the store's own retries wait for it to come
 * back). A checksum mismatch removes the partial file: the next try starts clean.
 */
export async function downloadToFile(
  store: ObjectStore,
  key: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  try {
    return await attempt(store, key, dest, options)
  } catch (err) {
    if (!(err instanceof Replaced)) throw err
    await discardPartial(dest)
    return attempt(store, key, dest, options)
  }
}

async function attempt(
  store: ObjectStore,
  key: string,
  dest: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const part = partPath(dest)
  const maxBreaks = options.maxBreaks ?? 3
  let record = readRecord(dest)
  if (
    !record ||
    record.key !== key ||
    (options.etag !== undefined && record.etag !== options.etag) ||
    !existsSync(part)
  ) {
    await discardPartial(dest)
    record = null
  }
  let offset = record ? Math.min(statSync(part).size, record.size) : 0
  const resumedFrom = offset

  const handle = await open(part, record ? 'r+' : 'w')
  // The MD5 is only for a foreign object without a SHA-256 to check against; a catalog always names one.
  const check = checksumFor(options)
  const job = (options.hasher ?? hashOnThisThread).begin(part, { check, md5: options.sha256 === undefined })
  let fetched = 0
  let reopened = 0
  let breaks = 0
  let direct = false
  let directAllowed = options.direct === true
  try {
    if (record) await handle.truncate(offset)
    job.written(offset)
    while (!record || offset < record.size) {
      if (options.signal?.aborted) throw abortError(options.signal)
      let opened
      try {
        opened = await store.openRead(key, {
          start: offset,
          ifMatch: record?.etag ?? options.etag,
          signal: options.signal,
        })
      } catch (err) {
        if (isObjectStoreError(err, 'changed') && record && options.etag === undefined) throw new Replaced()
        throw err
      }
      if (!record) {
        const { info } = opened
        record = { key, etag: info.etag, size: info.size, sha256: info.sha256 }
        await writeRecord(dest, record)
      }
      const total = record.size
      const before = offset
      const body = directAllowed ? directBody(opened.body, total - offset) : null
      if (body) {
        const reached = (n: number) => {
          fetched += before + n - offset
          offset = before + n
          job.written(offset)
          options.onProgress?.(offset, total)
        }
        const got = await receiveDirect(body, handle.fd, offset, total - offset, {
          silenceMs: opened.idleMs ?? DIRECT_SILENCE_MS,
          signal: options.signal,
          onWritten: reached,
        })
        if (before + got.written !== offset) reached(got.written)
        if (got.writeError) throw diskError(got.writeError)
        if (got.unavailable) {
          // The addon could not take it (no receiving thread, no descriptor left): Node reads from here on.
          directAllowed = false
          reopened++
          continue
        }
        direct = true
        if (got.status === 0) continue
        if (options.signal?.aborted) throw abortError(options.signal)
        // Every other ending is the connection's (reset, silent, cut by a proxy): the next try reopens it.
        breaks = offset > before ? 1 : breaks + 1
        if (breaks > maxBreaks)
          throw new ObjectStoreError(
            'network',
            `the download of ${key} broke ${breaks} times in a row (${errnoName(got.status)}); ${offset} of ${total} bytes are kept and the next try continues from there`,
            { op: 'download', key },
          )
        reopened++
        continue
      }
      const writer = new PartWriter(handle, offset, (upTo) => job.written(upTo))
      try {
        await receive(opened.body, options.signal, (buf) => {
          const wait = options.throttle?.(buf.length) ?? null
          const full = writer.push(buf)
          offset += buf.length
          fetched += buf.length
          options.onProgress?.(offset, total)
          return full && wait ? Promise.all([full, wait]) : (full ?? wait)
        })
        await writer.drain()
      } catch (caught) {
        opened.body.destroy()
        // What arrived before the break is kept for the next try (the next read starts at `offset`); a write that
        // fails, here or before, is the disk's own error (ENOSPC …), for the caller. The writes still running end
        // first either way.
        let err = caught
        await writer.drain().catch((e: unknown) => {
          if (!(err instanceof WriteFailed)) err = e
        })
        if (err instanceof WriteFailed) throw err.original
        if (options.signal?.aborted) throw abortError(options.signal)
        breaks = offset > before ? 1 : breaks + 1
        if (breaks > maxBreaks)
          throw new ObjectStoreError(
            'network',
            `the download of ${key} broke ${breaks} times in a row (${(err as Error).message}); ${offset} of ${total} bytes are kept and the next try continues from there`,
            { op: 'download', key },
          )
        reopened++
        continue
      }
      if (offset < total) {
        // The body ended early without an error (a proxy cut it): continue from here.
        breaks = offset > before ? 1 : breaks + 1
        if (breaks > maxBreaks)
          throw new ObjectStoreError(
            'network',
            `the download of ${key} kept ending early at ${offset} bytes`,
            {
              op: 'download',
              key,
            },
          )
        reopened++
      }
    }
    await handle.datasync()
  } catch (err) {
    job.drop()
    throw err
  } finally {
    await handle.close()
  }

  const size = statSync(part).size
  // A file of the wrong size is refused without its hash.
  const hashes = size === record.size ? await job.finish(size) : (job.drop(), null)
  const gotMd5 = hashes?.md5 ?? null
  const wantSha = options.sha256 ?? record.sha256
  const want = check === 'blake3' ? options.blake3! : wantSha
  const got = (check === 'blake3' ? hashes?.blake3 : hashes?.sha256) ?? ''
  const plainMd5 = PLAIN_MD5_ETAG.exec(record.etag)?.[1]?.toLowerCase()
  const checked = want ? check : plainMd5 ? 'md5' : null
  const problem =
    size !== record.size
      ? `${size} bytes instead of ${record.size}`
      : want && want.toLowerCase() !== got
        ? `${CHECKSUM_NAMES[check]} ${got} instead of ${want}`
        : !want && plainMd5 && plainMd5 !== gotMd5
          ? `MD5 ${gotMd5} instead of the ETag's ${plainMd5}`
          : null
  if (problem) {
    await discardPartial(dest)
    throw new ObjectStoreError('checksum', `${key} arrived damaged (${problem}); it was not kept`, {
      op: 'download',
      key,
    })
  }
  await rename(part, dest)
  await unlinkIfThereAsync(recordPath(dest))
  await syncDirAsync(dirname(dest))
  return {
    path: dest,
    size,
    etag: record.etag,
    sha256: check === 'sha256' ? got : (wantSha ?? null),
    checked,
    direct,
    resumedFrom,
    fetched,
    reopened,
  }
}

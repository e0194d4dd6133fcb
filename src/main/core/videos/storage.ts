import { createHash, randomBytes } from 'node:crypto'
import {
  close,
  createReadStream,
  open,
  writev,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statfsSync,
  existsSync,
} from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { rm } from 'node:fs/promises'
import type { Logger } from 'pino'
import type { DataPaths } from '../paths'
import { endOrphanFfmpeg } from '../media/orphans'
import { Writeback } from '../fsutil/writeback'
import type { VideosRepo } from '../../db/repos/videos'
import { syncDir } from '../fsutil/atomic'

const EXTENSION: Array<[RegExp, string]> = [
  [/matroska|webm/, 'mkv'],
  [/mov|mp4/, 'mp4'],
  [/avi/, 'avi'],
  [/mpegts/, 'ts'],
  [/flv/, 'flv'],
  [/^mpeg/, 'mpg'],
  [/asf/, 'wmv'],
]

/**
 * Where video files live, always under names the hub makes (never a name from outside):
 *   media/sources/<sha-prefix>-<random>.<ext>   the original upload
 *   media/videos/<id>/<label>.mp4, poster.jpg, thumb.jpg   the renditions
 *   media/videos/<id>/.work-<job>/              a transcode in progress (renamed into place when complete)
 *   tmp/upload-<random>                         an upload or import still arriving
 */
export class VideoStorage {
  readonly sources: string
  readonly videos: string

  constructor(
    private readonly paths: DataPaths,
    private readonly logger: Logger,
  ) {
    this.sources = join(paths.media, 'sources')
    this.videos = join(paths.media, 'videos')
    for (const d of [this.sources, this.videos, paths.tmp]) mkdirSync(d, { recursive: true })
  }

  newTempPath(): string {
    return join(this.paths.tmp, `upload-${randomBytes(12).toString('hex')}`)
  }

  newSourceName(sha256: string, container: string): string {
    const ext = EXTENSION.find(([re]) => re.test(container))?.[1] ?? 'bin'
    return `${sha256.slice(0, 16)}-${randomBytes(4).toString('hex')}.${ext}`
  }

  /**
   * Moves a finished temp file into sources/ (same disk: a rename) and returns its data-dir-relative path. The
   * caller has flushed the file's data (ingest overlaps that flush with probing); the rename is made durable here.
   */
  adoptSource(tempPath: string, name: string): string {
    const target = join(this.sources, name)
    renameSync(tempPath, target)
    syncDir(this.sources)
    return this.rel(target)
  }

  videoDir(videoId: number): string {
    return join(this.videos, String(videoId))
  }

  workDir(videoId: number, jobId: number): string {
    return join(this.videoDir(videoId), `.work-${jobId}`)
  }

  abs(rel: string): string {
    const full = resolve(this.paths.root, rel)
    // Paths in the database are ours, but a path leaving the data directory is never followed.
    if (!full.startsWith(this.paths.root + sep)) throw new Error(`path outside the data directory: ${rel}`)
    return full
  }

  rel(abs: string): string {
    return relative(this.paths.root, abs).split(sep).join('/')
  }

  freeBytes(): number {
    const s = statfsSync(this.paths.root)
    return Number(s.bavail) * Number(s.bsize)
  }

  async removeVideoFiles(videoId: number, sourcePath: string | null): Promise<void> {
    await rm(this.videoDir(videoId), { recursive: true, force: true })
    if (sourcePath) await rm(this.abs(sourcePath), { force: true })
  }

  /**
   * After a crash or restart: drop half-written uploads and transcodes, and files no video refers to. The
   * database is the truth; files follow it.
   */
  reconcile(repo: VideosRepo): { removed: number } {
    let removed = 0
    for (const name of readdirSync(this.paths.tmp)) {
      rmSync(join(this.paths.tmp, name), { recursive: true, force: true })
      removed++
    }
    // Before any work folder goes: an ffmpeg a killed hub left behind may still be writing into it.
    endOrphanFfmpeg(this.videos, this.logger)
    const videos = repo.list()
    const ids = new Set(videos.map((v) => String(v.id)))
    const sources = new Set(videos.map((v) => v.sourcePath))
    for (const name of readdirSync(this.videos)) {
      const dir = join(this.videos, name)
      if (!ids.has(name)) {
        rmSync(dir, { recursive: true, force: true })
        removed++
        continue
      }
      for (const inner of readdirSync(dir)) {
        if (inner.startsWith('.work-') || inner.startsWith('.')) {
          rmSync(join(dir, inner), { recursive: true, force: true })
          removed++
        }
      }
    }
    for (const name of readdirSync(this.sources)) {
      if (!sources.has(`media/sources/${name}`)) {
        rmSync(join(this.sources, name), { force: true })
        removed++
      }
    }
    if (removed) this.logger.info({ removed }, 'removed leftover files from an interrupted run')
    return { removed }
  }

  existsRel(rel: string): boolean {
    return existsSync(this.abs(rel))
  }
}

/** Counts and hashes bytes as they pass; 1 MiB chunks keep syscalls few on multi-GB files. */
export class HashingCounter extends Transform {
  readonly hash = createHash('sha256')
  bytes = 0
  constructor(private readonly limit: number) {
    super({ highWaterMark: 1 << 20 })
  }
  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ): void {
    this.bytes += chunk.length
    if (this.bytes > this.limit) return done(new LimitExceededError())
    this.hash.update(chunk)
    done(null, chunk)
  }
}

export class LimitExceededError extends Error {
  constructor() {
    super('the file is larger than the upload limit')
    this.name = 'LimitExceededError'
  }
}

/** Unflushed bytes that start the next flush: small enough that the disk never idles while bytes arrive. */
const FLUSH_AFTER = 32 << 20

/**
 * A large incoming file, written with vectored writes as chunks arrive. The disk is kept writing the whole time
 * (fsutil/writeback.ts, a step per 32 MiB, an fdatasync per step where our addon is absent), so at the end only the
 * last few MiB remain for the caller's final fdatasync; left to the kernel, they were all written after the last
 * byte, doubling the time. The file is created exclusively (`wx`): a temp name never overwrites anything.
 */
export class IncomingFile extends Writable {
  private fd: number | null = null
  private writeback: Writeback | null = null
  private written = 0

  constructor(private readonly path: string) {
    super({ highWaterMark: 1 << 20 })
  }

  override _construct(done: (err?: Error | null) => void): void {
    open(this.path, 'wx', (err, fd) => {
      if (!err) {
        this.fd = fd
        this.writeback = new Writeback(fd, { from: 0, every: FLUSH_AFTER, fallback: 'fdatasync' })
      }
      done(err)
    })
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this._writev([{ chunk }], done)
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (err?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk)
    writev(this.fd!, buffers, (err, n) => {
      if (err) return done(err)
      const total = buffers.reduce((sum, b) => sum + b.length, 0)
      // A short count on a regular file means the disk filled up mid-write; fail as the next call would.
      if (n !== total) return done(Object.assign(new Error('short write (disk full?)'), { code: 'ENOSPC' }))
      this.written += n
      this.writeback?.advance(this.written)
      done()
    })
  }

  override _final(done: (err?: Error | null) => void): void {
    this.closeFd(done)
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.closeFd(() => done(err))
  }

  private closeFd(done: (err?: Error | null) => void): void {
    const fd = this.fd
    this.fd = null
    if (fd === null) return done()
    // A writeback still running holds our descriptor: close after it, so the number is never reused under it.
    void this.writeback!.end().then(() => close(fd, (err) => done(err)))
  }
}

export function incomingFile(path: string): IncomingFile {
  return new IncomingFile(path)
}

/** Copies a local file into a temp file of ours, hashing on the way (one read of the source). */
export async function copyIntoTemp(
  source: string,
  temp: string,
  limit: number,
): Promise<{ bytes: number; sha256: string }> {
  const counter = new HashingCounter(limit)
  await pipeline(createReadStream(source, { highWaterMark: 1 << 20 }), counter, incomingFile(temp))
  return { bytes: counter.bytes, sha256: counter.hash.digest('hex') }
}

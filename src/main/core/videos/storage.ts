import { createHash, randomBytes } from 'node:crypto'
import {
  createReadStream,
  createWriteStream,
  fdatasync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statfsSync,
  existsSync,
  type WriteStream,
} from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { rm } from 'node:fs/promises'
import type { Logger } from 'pino'
import type { DataPaths } from '../paths'
import type { VideosRepo } from '../../db/repos/videos'
import { fsyncFile, syncDir } from '../fsutil/atomic'

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

  /** Moves a finished temp file into sources/ (same disk: a rename) and returns its data-dir-relative path. */
  async adoptSource(tempPath: string, name: string): Promise<string> {
    const target = join(this.sources, name)
    await fsyncFile(tempPath)
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

const FLUSH_EVERY = 64 << 20

/**
 * A write stream for a large incoming file that asks the disk to start writing every 64 MiB (an asynchronous
 * fdatasync) instead of letting gigabytes pile up in the page cache: the disk works while bytes still arrive, so
 * the final flush before the file counts as stored is short.
 */
export function incomingFile(path: string): WriteStream {
  const out = createWriteStream(path, { flags: 'wx', highWaterMark: 1 << 20 })
  let fd: number | null = null
  let flushedTo = 0
  let flushing = false
  out.once('open', (opened: number) => (fd = opened))
  const timer = setInterval(() => {
    if (flushing || fd === null || out.bytesWritten - flushedTo < FLUSH_EVERY) return
    flushing = true
    const upTo = out.bytesWritten
    fdatasync(fd, () => {
      // An error here (the stream closed meanwhile) only means there was nothing left to start early.
      flushing = false
      flushedTo = upTo
    })
  }, 50)
  out.once('close', () => clearInterval(timer))
  return out
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

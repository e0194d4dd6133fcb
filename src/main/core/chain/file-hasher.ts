import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import { startThreadFile } from '../../db/threads/spawn'
import { Digests, type ChecksumKind } from './checksum'

/**
 * What a downloaded file is checked against: the checksum asked for (checksum.ts says which), and the MD5 where a
 * foreign object has only that.
 */
export interface FileHashes {
  sha256?: string
  blake3?: string
  md5: string | null
}

export interface HashOptions {
  check: ChecksumKind
  md5: boolean
}

/** One file hashed from the disk while it is written, so its hash covers the bytes kept, resumed ones included. */
export interface HashJob {
  /** Bytes 0 … `bytes` of the file are written and will not change: they may be hashed now. */
  written(bytes: number): void
  /** The file is complete with `size` bytes: the hashes of all of them. */
  finish(size: number): Promise<FileHashes>
  /** The download stopped before it was complete: the job is forgotten. Harmless after `finish`. */
  drop(): void
}

export interface FileHasher {
  begin(path: string, options: HashOptions): HashJob
}

// The thread's messages (file-hash-thread.ts).
export type HashRequest =
  | { op: 'open'; id: number; path: string; check: ChecksumKind; md5: boolean }
  | { op: 'advance'; id: number; upTo: number }
  | { op: 'finish'; id: number; size: number }
  | { op: 'drop'; id: number }
export type HashReply =
  | ({ id: number } & FileHashes)
  | { id: number; error: string }
  /** The thread cannot compute the checksum asked for (the addon did not load there): hash on the caller's thread. */
  | { id: number; unsupported: true }

/** Reads `size` bytes of the file and hashes them here, on the calling thread (reads in libuv's pool). */
export async function hashFileHere(path: string, size: number, o: HashOptions): Promise<FileHashes> {
  const digests = new Digests([o.check])
  const m = o.md5 ? createHash('md5') : null
  let read = 0
  if (size > 0)
    for await (const chunk of createReadStream(path, { start: 0, end: size - 1 })) {
      digests.update(chunk as Buffer)
      m?.update(chunk as Buffer)
      read += (chunk as Buffer).length
    }
  if (read !== size) throw new Error(`${path} ended at ${read} bytes, before ${size}`)
  return { ...digests.digest(), md5: m?.digest('hex') ?? null }
}

/** The file hashed on the calling thread when it is complete: the fallback, and the default of downloadToFile. */
export const hashOnThisThread: FileHasher = {
  begin: (path, o) => ({
    written: () => {},
    finish: (size) => hashFileHere(path, size, o),
    drop: () => {},
  }),
}

interface Thread {
  worker: Worker
  jobs: Map<number, PoolJob>
}

class PoolJob implements HashJob {
  /** The thread's answer (an error can come before `finish`), or 'here' once the thread is gone. */
  private reply: HashReply | 'here' | null = null
  private waiter: ((r: HashReply | 'here') => void) | null = null
  private done = false

  constructor(
    private readonly pool: HashPool,
    readonly thread: Thread,
    readonly id: number,
    private readonly path: string,
    private readonly options: HashOptions,
  ) {}

  written(bytes: number): void {
    if (!this.done && this.reply === null)
      this.pool.post(this.thread, { op: 'advance', id: this.id, upTo: bytes })
  }

  async finish(size: number): Promise<FileHashes> {
    if (this.done) throw new Error('the hash job has ended')
    this.done = true
    const r =
      this.reply ??
      (await new Promise<HashReply | 'here'>((resolve) => {
        this.waiter = resolve
        this.pool.post(this.thread, { op: 'finish', id: this.id, size })
      }))
    if (r === 'here' || 'unsupported' in r) return hashFileHere(this.path, size, this.options)
    if ('error' in r) throw new Error(`${this.path} could not be hashed: ${r.error}`)
    const { id: _id, ...hashes } = r
    return hashes
  }

  drop(): void {
    if (this.done) return
    this.done = true
    if (this.reply === null) this.pool.forget(this, true)
  }

  /** The thread is done with the job: it answered, failed it, or is gone ('here': hash it on this thread). */
  answer(r: HashReply | 'here'): void {
    this.pool.forget(this, false)
    if (this.waiter) this.waiter(r)
    else this.reply ??= r
    this.waiter = null
  }
}

/** Threads by default: one, or two where three cores or more leave the event loop one of its own. */
const defaultThreads = () => Math.max(1, Math.min(2, availableParallelism() - 1))

/**
 * The downloads' checksums on threads of their own (file-hash-thread.ts), so 200 MB of hashing per file never runs
 * on the event loop that serves phones' taps (bench:chain: ~0.5 s of that loop's ~2.4 s of CPU per GB synced). Each
 * job is told as its file's bytes are written and reads them back from the page cache on its thread, so the hash
 * keeps pace with the download, covers bytes resumed from an earlier run, and is of what is on the disk. The
 * threads start at the first job. One that cannot start or dies makes every job hash on this thread instead
 * (logged once): a download never fails for want of a thread.
 */
export class HashPool implements FileHasher {
  private threads: Thread[] | null = null
  private broken = false
  private seq = 0

  constructor(private readonly o: { logger: Logger; threads?: number }) {}

  begin(path: string, options: HashOptions): HashJob {
    const thread = this.pick()
    if (!thread) return hashOnThisThread.begin(path, options)
    const job = new PoolJob(this, thread, ++this.seq, path, options)
    thread.jobs.set(job.id, job)
    if (thread.jobs.size === 1) thread.worker.ref()
    this.post(thread, { op: 'open', id: job.id, path, ...options })
    return job
  }

  /** Files are hashed on threads (started, none failed); false before the first job and after a fallback. */
  get threaded(): boolean {
    return !this.broken && (this.threads?.length ?? 0) > 0
  }

  /** Ends the threads; jobs not answered yet are hashed on this thread. */
  async close(): Promise<void> {
    const threads = this.threads ?? []
    this.broken = true
    this.release()
    await Promise.all(threads.map((t) => t.worker.terminate()))
  }

  /** @internal */
  post(thread: Thread, m: HashRequest): void {
    if (!this.broken) thread.worker.postMessage(m)
  }

  /** @internal */
  forget(job: PoolJob, tellThread: boolean): void {
    if (job.thread.jobs.get(job.id) !== job) return
    job.thread.jobs.delete(job.id)
    if (tellThread) this.post(job.thread, { op: 'drop', id: job.id })
    if (job.thread.jobs.size === 0) job.thread.worker.unref()
  }

  private pick(): Thread | null {
    if (this.broken) return null
    if (!this.threads) this.threads = this.startThreads()
    let best: Thread | null = null
    for (const t of this.threads ?? []) if (!best || t.jobs.size < best.jobs.size) best = t
    return best
  }

  private startThreads(): Thread[] {
    const threads: Thread[] = []
    try {
      for (let i = 0; i < (this.o.threads ?? defaultThreads()); i++) {
        const worker = startThreadFile('chain-file-hash.js', join(__dirname, 'file-hash-thread.ts'), {})
        const thread: Thread = { worker, jobs: new Map() }
        threads.push(thread)
        worker.on('message', (r: HashReply) => thread.jobs.get(r.id)?.answer(r))
        worker.on('error', (err) => this.fail(err))
        worker.on('exit', (code) => this.fail(new Error(`it ended with code ${code}`)))
        // An idle thread does not keep the process alive (begin refs it while it has jobs).
        worker.unref()
      }
    } catch (err) {
      this.threads = threads
      this.fail(err as Error)
    }
    return threads
  }

  private fail(err: Error): void {
    if (this.broken) return
    this.broken = true
    this.o.logger.warn(
      { err: err.message },
      'the file hashing thread is not available; downloads are checked on the main thread',
    )
    this.release()
    for (const t of this.threads ?? []) void t.worker.terminate()
  }

  /** Every job still open is hashed on this thread from here on. */
  private release(): void {
    for (const t of this.threads ?? []) for (const job of [...t.jobs.values()]) job.answer('here')
  }
}

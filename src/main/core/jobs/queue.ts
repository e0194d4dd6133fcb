import type { Logger } from 'pino'
import type { JobRecord, JobScope, JobsRepo } from '../../db/repos/jobs'

export type JobOutcome =
  { kind: 'done' } | { kind: 'retry'; error: string } | { kind: 'failed'; error: string }

export interface JobProgress {
  fraction: number
  speed: number | null
  etaSeconds: number | null
}

export interface JobContext {
  job: JobRecord
  /** Aborted when the job is cancelled or the hub stops; `signal.reason` says which ('cancel' | 'stop'). */
  signal: AbortSignal
  progress(p: JobProgress): void
}

export type JobHandler = (ctx: JobContext) => Promise<JobOutcome>

/**
 * One kind of job: its body, and what its changes of state mean for whatever it works on (a transcode keeps its
 * video's status in step). The queue calls `onState` after each change it stores, and `onProgress` throttled.
 */
export interface JobKind {
  run: JobHandler
  onState?: (job: JobRecord) => void
  onProgress?: (job: JobRecord, progress: JobProgress) => void
}

export interface NewJob {
  kind: string
  videoId: number | null
  payload: unknown
  priority: number
  sizeKey: number
  maxAttempts?: number
}

export interface JobQueueOptions {
  repo: JobsRepo
  /** Every kind of job this queue runs, by name; built before the queue, so nothing is attached later. */
  kinds: Record<string, JobKind>
  concurrency: () => number
  /** First retry delay; each further retry waits four times longer. */
  retryBaseMs: () => number
  logger: Logger
  now?: () => number
  /** The kinds it claims when the table is shared with another queue (default: every kind). */
  scope?: JobScope
  /** How long to wait before writing again after the database refused a write (a full disk); default 2 s. */
  writeRetryMs?: number
}

interface Running {
  job: JobRecord
  controller: AbortController
  done: Promise<void>
  lastProgressAt: number
  progress: JobProgress | null
}

/**
 * A persistent job queue in SQLite (after Signal's JobManager): jobs survive restarts; on start, jobs that were
 * running go back to the queue; at most `concurrency` run at once; each is cancellable; failures retry with
 * back-off up to the job's limit, then stay `failed` with their reason until someone retries them.
 */
export class JobQueue {
  private readonly running = new Map<number, Running>()
  /** Jobs whose end the database has not taken yet (a full disk): still busy for waitForIdle. */
  private readonly unsettled = new Set<number>()
  private timer: NodeJS.Timeout | null = null
  private stopped = true
  private idleWaiters: Array<() => void> = []
  private readonly now: () => number

  constructor(private readonly opts: JobQueueOptions) {
    this.now = opts.now ?? Date.now
  }

  start(): void {
    const back = this.opts.repo.requeueRunning(this.now(), this.opts.scope)
    if (back) this.opts.logger.info({ jobs: back }, 'interrupted jobs queued again')
    this.stopped = false
    this.pump()
  }

  /** Stops taking jobs and aborts those running; they stay queued and run again on the next start. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    for (const r of this.running.values()) r.controller.abort('stop')
    await Promise.allSettled([...this.running.values()].map((r) => r.done))
  }

  /**
   * Stores a job and starts it when a slot is free. Called inside a caller's transaction (the ingest stores a video
   * and its transcode together), the job is announced and started only after that transaction: once committed it
   * runs; rolled back, it never existed, and nothing was said about it.
   */
  enqueue(job: NewJob): number {
    if (!this.opts.kinds[job.kind]) throw new Error(`no handler for job kind ${job.kind}`)
    const id = this.opts.repo.insert({ ...job, maxAttempts: job.maxAttempts ?? 3, now: this.now() })
    if (this.opts.repo.inTransaction()) queueMicrotask(() => this.announce(id))
    else this.announce(id)
    return id
  }

  private announce(id: number): void {
    // better-sqlite3's transactions are synchronous, so one is over by the next microtask; waiting for a later
    // turn covers a transaction begun by hand, should one ever enclose an await.
    if (this.opts.repo.inTransaction()) {
      setImmediate(() => this.announce(id))
      return
    }
    this.emitState(id)
    this.pump()
  }

  cancel(id: number): boolean {
    const job = this.opts.repo.findById(id)
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return false
    const r = this.running.get(id)
    if (r) r.controller.abort('cancel')
    else {
      this.opts.repo.finish(id, 'cancelled', null, this.now())
      this.emitState(id)
    }
    return true
  }

  /** Cancels and resolves once the job's handler has stopped (its files are cleaned up by then). */
  async cancelAndWait(id: number): Promise<void> {
    const r = this.running.get(id)
    this.cancel(id)
    if (r) await r.done
  }

  setPriority(id: number, priority: number): void {
    this.opts.repo.setPriority(id, priority, this.now())
    this.emitState(id)
  }

  retry(id: number): void {
    this.opts.repo.retry(id, this.now())
    this.emitState(id)
    this.pump()
  }

  progressOf(id: number): JobProgress | null {
    return this.running.get(id)?.progress ?? null
  }

  get runningCount(): number {
    return this.running.size
  }

  /** Resolves once nothing runs and nothing is waiting (used by tests and `--wait`). */
  waitForIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private isIdle(): boolean {
    return (
      this.running.size === 0 &&
      this.unsettled.size === 0 &&
      this.opts.repo.nextWakeAt(this.opts.scope) === null
    )
  }

  private pump(): void {
    if (this.stopped) return
    try {
      while (this.running.size < Math.max(1, this.opts.concurrency())) {
        const job = this.opts.repo.claimNext(this.now(), this.opts.scope)
        if (!job) break
        this.launch(job)
      }
      this.schedule()
      if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w()
    } catch (err) {
      // Called from timers and finished jobs: a throw here would end the hub. A full disk refuses SQLite's writes
      // until something frees space; the queue tries again shortly.
      this.later(err, () => this.pump())
    }
  }

  /** A write the database refused (e.g. a full disk): logged, and `again` is tried after a pause. */
  private later(err: unknown, again: () => void): void {
    this.opts.logger.warn(
      { err: (err as Error)?.message ?? String(err) },
      'the job queue could not write to the database; trying again shortly',
    )
    const t = setTimeout(() => {
      if (!this.stopped) again()
    }, this.opts.writeRetryMs ?? 2000)
    t.unref()
  }

  /** Wakes up for the earliest retry that is not due yet. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const at = this.opts.repo.nextWakeAt(this.opts.scope)
    if (at === null || this.running.size >= Math.max(1, this.opts.concurrency())) return
    this.timer = setTimeout(() => this.pump(), Math.max(50, at - this.now()))
    this.timer.unref()
  }

  private launch(job: JobRecord): void {
    const controller = new AbortController()
    const kind = this.opts.kinds[job.kind]
    const entry: Running = { job, controller, done: Promise.resolve(), lastProgressAt: 0, progress: null }
    this.running.set(job.id, entry)
    this.emitState(job.id)
    this.opts.logger.info({ jobId: job.id, kind: job.kind, attempt: job.attempts }, 'job started')
    const progress = (p: JobProgress) => {
      entry.progress = p
      const t = this.now()
      // About four updates a second per job; the last one (fraction 1) always goes out.
      if (t - entry.lastProgressAt < 250 && p.fraction < 1) return
      entry.lastProgressAt = t
      kind?.onProgress?.(job, p)
    }
    // A row of a kind this build does not run (written by another version) fails with its reason, not a crash.
    const run: JobHandler = kind
      ? kind.run
      : async () => ({ kind: 'failed', error: `no handler for job kind ${job.kind}` })
    entry.done = run({ job, signal: controller.signal, progress })
      .catch((err: unknown): JobOutcome => ({ kind: 'retry', error: (err as Error)?.message ?? String(err) }))
      .then((outcome) => this.settleOrLater(job, controller.signal, outcome))
      .finally(() => {
        this.running.delete(job.id)
        this.pump()
      })
  }

  /** Records how a run ended; if the database refuses (a full disk), again until it can (the job stays running). */
  private settleOrLater(job: JobRecord, signal: AbortSignal, outcome: JobOutcome): void {
    try {
      this.settle(job, signal, outcome)
      this.unsettled.delete(job.id)
    } catch (err) {
      this.unsettled.add(job.id)
      this.later(err, () => {
        this.settleOrLater(job, signal, outcome)
        this.pump()
      })
    }
  }

  private settle(job: JobRecord, signal: AbortSignal, outcome: JobOutcome): void {
    const now = this.now()
    if (signal.aborted && signal.reason === 'stop') return // left running in the table; requeued at next start
    if (signal.aborted && signal.reason === 'cancel') {
      this.opts.repo.finish(job.id, 'cancelled', null, now)
      this.opts.logger.info({ jobId: job.id }, 'job cancelled')
    } else if (outcome.kind === 'done') {
      this.opts.repo.finish(job.id, 'done', null, now)
      this.opts.logger.info({ jobId: job.id }, 'job done')
    } else if (outcome.kind === 'retry' && job.attempts < job.maxAttempts) {
      const delay = this.opts.retryBaseMs() * 4 ** (job.attempts - 1)
      this.opts.repo.retryLater(job.id, outcome.error, now + delay, now)
      this.opts.logger.warn(
        { jobId: job.id, attempt: job.attempts, retryInMs: delay, error: outcome.error.slice(0, 300) },
        'job failed; will retry',
      )
    } else {
      this.opts.repo.finish(job.id, 'failed', outcome.error, now)
      this.opts.logger.error(
        { jobId: job.id, attempts: job.attempts, error: outcome.error.slice(0, 300) },
        'job failed',
      )
    }
    this.emitState(job.id)
  }

  private emitState(id: number): void {
    const job = this.opts.repo.findById(id)
    if (!job) return
    try {
      this.opts.kinds[job.kind]?.onState?.(job)
    } catch (err) {
      // What a state means for its video or variant is written by the kind; a refused write there (a full disk)
      // must not stop the job itself.
      this.opts.logger.warn(
        { jobId: id, err: (err as Error)?.message ?? String(err) },
        'job state not followed',
      )
    }
  }
}

import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { JobQueue, type JobContext, type JobOutcome } from '../../src/main/core/jobs/queue'
import { inWriteTransaction } from '../../src/main/db/immediate'
import { silentLogger } from '../../src/main/core/logger'
import { tempDir } from '../helpers/tmp'

let dir: ReturnType<typeof tempDir>
let repos: Repos
const logger = silentLogger()

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'b'), logger }).db,
  )
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

function queue(
  handler: (ctx: JobContext) => Promise<JobOutcome>,
  options: { concurrency?: number; retryBaseMs?: number } = {},
) {
  return new JobQueue({
    repo: repos.jobs,
    kinds: { work: { run: handler } },
    concurrency: () => options.concurrency ?? 1,
    retryBaseMs: () => options.retryBaseMs ?? 0,
    logger,
  })
}

const add = (q: JobQueue, name: string, priority: number, size: number) =>
  q.enqueue({ kind: 'work', videoId: null, payload: { name }, priority, sizeKey: size })
const nameOf = (ctx: JobContext) => (ctx.job.payload as { name: string }).name

describe('persistent job queue', () => {
  it('runs higher priority first, then smaller, then older; raising a job moves it to the front', async () => {
    const order: string[] = []
    const q = queue(async (ctx) => {
      order.push(nameOf(ctx))
      return { kind: 'done' }
    })
    add(q, 'staff-big', 20, 900)
    add(q, 'staff-small', 20, 100)
    add(q, 'admin-big', 30, 5000)
    add(q, 'staff-small-later', 20, 100)
    const raised = add(q, 'staff-huge', 20, 99_999)
    q.setPriority(raised, 100)
    q.start()
    await q.waitForIdle()
    expect(order).toEqual(['staff-huge', 'admin-big', 'staff-small', 'staff-small-later', 'staff-big'])
    expect(repos.jobs.active()).toEqual([])
  })

  it('never runs more than the concurrency limit at once', async () => {
    let now = 0
    let peak = 0
    const q = queue(
      async () => {
        now++
        peak = Math.max(peak, now)
        await new Promise((r) => setTimeout(r, 20))
        now--
        return { kind: 'done' }
      },
      { concurrency: 2 },
    )
    for (let i = 0; i < 7; i++) add(q, `j${i}`, 20, i)
    q.start()
    await q.waitForIdle()
    expect(peak).toBe(2)
  })

  it('retries with growing delays, then fails with the last reason, and can be retried by hand', async () => {
    const tries: number[] = []
    let fixed = false
    const q = queue(
      async (ctx) => {
        tries.push(Date.now())
        return fixed ? { kind: 'done' } : { kind: 'retry', error: `attempt ${ctx.job.attempts} broke` }
      },
      { retryBaseMs: 40 },
    )
    const id = add(q, 'flaky', 20, 1)
    q.start()
    await q.waitForIdle()
    const failed = repos.jobs.findById(id)!
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, error: 'attempt 3 broke' })
    expect(tries).toHaveLength(3)
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(35)
    expect(tries[2]! - tries[1]!).toBeGreaterThanOrEqual(150) // 40 ms × 4
    fixed = true
    q.retry(id)
    await q.waitForIdle()
    expect(repos.jobs.findById(id)).toMatchObject({ status: 'done', error: null })
  })

  it('fails at once on a final failure', async () => {
    const q = queue(async () => ({ kind: 'failed', error: 'no such video' }))
    const id = add(q, 'x', 20, 1)
    q.start()
    await q.waitForIdle()
    expect(repos.jobs.findById(id)).toMatchObject({ status: 'failed', attempts: 1, error: 'no such video' })
  })

  it('cancels a running job through its signal and a waiting one directly', async () => {
    let seenAbort: unknown = null
    const q = queue(
      (ctx) =>
        new Promise((resolve) =>
          ctx.signal.addEventListener(
            'abort',
            () => ((seenAbort = ctx.signal.reason), resolve({ kind: 'retry', error: 'killed' })),
          ),
        ),
    )
    const running = add(q, 'long', 30, 1)
    const waiting = add(q, 'next', 20, 1)
    q.start()
    await new Promise((r) => setTimeout(r, 20))
    expect(repos.jobs.findById(running)!.status).toBe('running')
    expect(q.cancel(waiting)).toBe(true)
    await q.cancelAndWait(running)
    expect(seenAbort).toBe('cancel')
    expect(repos.jobs.findById(running)!.status).toBe('cancelled')
    expect(repos.jobs.findById(waiting)!.status).toBe('cancelled')
  })

  it('puts jobs cut off by a stop (or a crash) back in the queue, without counting the interrupted try', async () => {
    const first = queue(
      (ctx) =>
        new Promise((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve({ kind: 'retry', error: 'stopped' })),
        ),
    )
    const id = add(first, 'interrupted', 20, 1)
    first.start()
    await new Promise((r) => setTimeout(r, 20))
    await first.stop()
    expect(repos.jobs.findById(id)).toMatchObject({ status: 'running', attempts: 1 }) // as after kill -9
    const ran: number[] = []
    const second = queue(async (ctx) => {
      ran.push(ctx.job.attempts)
      return { kind: 'done' }
    })
    second.start()
    await second.waitForIdle()
    expect(ran).toEqual([1])
    expect(repos.jobs.findById(id)!.status).toBe('done')
  })

  it('reports progress about four times a second at most, and always the end', async () => {
    const seen: number[] = []
    const q = new JobQueue({
      repo: repos.jobs,
      kinds: {
        work: {
          run: async (ctx) => {
            for (let i = 1; i <= 100; i++) ctx.progress({ fraction: i / 100, speed: 1, etaSeconds: 0 })
            return { kind: 'done' }
          },
          onProgress: (_job, p) => seen.push(p.fraction),
        },
      },
      concurrency: () => 1,
      retryBaseMs: () => 0,
      logger,
    })
    add(q, 'p', 1, 1)
    q.start()
    await q.waitForIdle()
    expect(seen.length).toBeLessThanOrEqual(3)
    expect(seen.at(-1)).toBe(1)
  })

  it('enqueued inside a transaction, a job is announced and run only once committed, and not at all if rolled back', async () => {
    const ran: string[] = []
    const states: string[] = []
    const q = new JobQueue({
      repo: repos.jobs,
      kinds: {
        work: {
          run: async (ctx) => {
            ran.push(nameOf(ctx))
            return { kind: 'done' }
          },
          onState: (job) => states.push(`${(job.payload as { name: string }).name}:${job.status}`),
        },
      },
      concurrency: () => 1,
      retryBaseMs: () => 0,
      logger,
    })
    q.start()
    inWriteTransaction(repos.db, () => {
      add(q, 'kept', 20, 1)
      // Nothing is said or started while the transaction may still be rolled back.
      expect(states).toEqual([])
      expect(q.runningCount).toBe(0)
    })
    expect(() =>
      inWriteTransaction(repos.db, () => {
        add(q, 'rolled-back', 20, 1)
        throw new Error('the caller changed its mind')
      }),
    ).toThrow('changed its mind')
    await q.waitForIdle()
    expect(ran).toEqual(['kept'])
    expect(states).toEqual(['kept:queued', 'kept:running', 'kept:done'])
    expect(repos.jobs.active()).toEqual([])
  })

  it('fails a stored job of a kind it does not run, with the reason, instead of crashing', async () => {
    const id = repos.jobs.insert({
      kind: 'from-elsewhere',
      videoId: null,
      payload: {},
      priority: 1,
      sizeKey: 1,
      maxAttempts: 3,
      now: Date.now(),
    })
    const q = queue(async () => ({ kind: 'done' }))
    q.start()
    await q.waitForIdle()
    expect(repos.jobs.findById(id)).toMatchObject({
      status: 'failed',
      error: 'no handler for job kind from-elsewhere',
    })
  })
})

describe('a database that refuses writes (a full disk)', () => {
  it('keeps the queue alive and finishes the job once writes work again', async () => {
    let full = false
    const refusing = <A extends unknown[], R>(fn: (...a: A) => R) =>
      ((...a: A) => {
        if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
        return fn(...a)
      }) as (...a: A) => R
    const repo = {
      ...repos.jobs,
      claimNext: refusing(repos.jobs.claimNext),
      retryLater: refusing(repos.jobs.retryLater),
      finish: refusing(repos.jobs.finish),
    }
    let runs = 0
    const q = new JobQueue({
      repo,
      kinds: {
        work: {
          run: async () => {
            runs++
            // The first run fails and fills the disk on its way out; its retry is due at once.
            if (runs === 1) {
              full = true
              return { kind: 'retry', error: 'no space' }
            }
            return { kind: 'done' }
          },
        },
      },
      concurrency: () => 1,
      retryBaseMs: () => 0,
      logger,
      writeRetryMs: 20,
    })
    const id = q.enqueue({ kind: 'work', videoId: null, payload: {}, priority: 0, sizeKey: 0 })
    q.start()
    await new Promise((r) => setTimeout(r, 200))
    expect(repos.jobs.findById(id)!.status).toBe('running')
    full = false
    await q.waitForIdle()
    expect(repos.jobs.findById(id)).toMatchObject({ status: 'done', attempts: 2 })
    expect(runs).toBe(2)
    await q.stop()
  })
})

import type { Database } from 'better-sqlite3'
import { JobStatusSchema, type JobStatus } from '../../../shared/contract/videos'
import { oneOf } from '../check'
import { immediate } from '../immediate'

export interface JobRecord {
  id: number
  kind: string
  videoId: number | null
  payload: unknown
  status: JobStatus
  priority: number
  sizeKey: number
  attempts: number
  maxAttempts: number
  nextRunAt: number
  error: string | null
  createdAt: number
  updatedAt: number
  startedAt: number | null
  finishedAt: number | null
}

type Row = Record<string, unknown>

function toJob(r: Row): JobRecord {
  return {
    id: r.id as number,
    kind: r.kind as string,
    videoId: (r.video_id as number | null) ?? null,
    payload: JSON.parse(r.payload as string) as unknown,
    status: oneOf(JobStatusSchema, 'jobs', 'status', r.status),
    priority: r.priority as number,
    sizeKey: r.size_key as number,
    attempts: r.attempts as number,
    maxAttempts: r.max_attempts as number,
    nextRunAt: r.next_run_at as number,
    error: (r.error as string | null) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    startedAt: (r.started_at as number | null) ?? null,
    finishedAt: (r.finished_at as number | null) ?? null,
  }
}

export type JobsRepo = ReturnType<typeof jobsRepo>

/**
 * Which kinds of job a queue takes: two queues share the table (transcodes, and the chain's publish jobs, which
 * must not wait behind a long transcode), each claiming only its own. None: every kind.
 */
export type JobScope = { only: readonly string[] } | { except: readonly string[] }

function scopeArgs(scope: JobScope | undefined): { only: string | null; except: string | null } {
  if (!scope) return { only: null, except: null }
  return 'only' in scope
    ? { only: JSON.stringify(scope.only), except: null }
    : { only: null, except: JSON.stringify(scope.except) }
}

/** The SQL that keeps a statement to a scope's kinds (bound as @only / @except, JSON arrays or null). */
const IN_SCOPE = `(@only IS NULL OR kind IN (SELECT value FROM json_each(@only)))
  AND (@except IS NULL OR kind NOT IN (SELECT value FROM json_each(@except)))`

export function jobsRepo(db: Database) {
  const insert = db.prepare(`
    INSERT INTO jobs (kind, video_id, payload, status, priority, size_key, max_attempts, next_run_at, created_at, updated_at)
    VALUES (@kind, @videoId, @payload, 'queued', @priority, @sizeKey, @maxAttempts, @now, @now, @now)`)
  const byId = db.prepare<[number], Row>('SELECT * FROM jobs WHERE id = ?')
  const next = db.prepare<[{ now: number; only: string | null; except: string | null }], Row>(
    `SELECT * FROM jobs WHERE status = 'queued' AND next_run_at <= @now AND ${IN_SCOPE}
     ORDER BY priority DESC, size_key, id LIMIT 1`,
  )
  const claim = db.prepare(
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, updated_at = ? WHERE id = ? AND status = 'queued'",
  )
  const wake = db.prepare<[{ only: string | null; except: string | null }], { t: number | null }>(
    `SELECT min(next_run_at) AS t FROM jobs WHERE status = 'queued' AND ${IN_SCOPE}`,
  )
  const finish = db.prepare(
    'UPDATE jobs SET status = ?, error = ?, finished_at = ?, updated_at = ? WHERE id = ?',
  )
  const again = db.prepare(
    "UPDATE jobs SET status = 'queued', error = ?, next_run_at = ?, updated_at = ? WHERE id = ?",
  )
  const requeueRunning = db.prepare(
    `UPDATE jobs SET status = 'queued', attempts = max(0, attempts - 1), next_run_at = @now, updated_at = @now
     WHERE status = 'running' AND ${IN_SCOPE}`,
  )
  const recentOf = db.prepare<[{ only: string; limit: number }], Row>(
    `SELECT * FROM jobs WHERE kind IN (SELECT value FROM json_each(@only)) ORDER BY id DESC LIMIT @limit`,
  )
  const setPriority = db.prepare('UPDATE jobs SET priority = ?, updated_at = ? WHERE id = ?')
  const retry = db.prepare(
    "UPDATE jobs SET status = 'queued', attempts = 0, error = NULL, next_run_at = ?, finished_at = NULL, updated_at = ? WHERE id = ?",
  )
  const active = db.prepare<[], Row>(
    "SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY status DESC, priority DESC, size_key, id",
  )
  const latestForVideo = db.prepare<[number], Row>(
    'SELECT * FROM jobs WHERE video_id = ? ORDER BY id DESC LIMIT 1',
  )

  return {
    /** Whether a caller's transaction is open on the connection (the queue starts jobs only after it). */
    inTransaction(): boolean {
      return db.inTransaction
    },
    insert(j: {
      kind: string
      videoId: number | null
      payload: unknown
      priority: number
      sizeKey: number
      maxAttempts: number
      now: number
    }): number {
      return Number(insert.run({ ...j, payload: JSON.stringify(j.payload) }).lastInsertRowid)
    },
    findById(id: number): JobRecord | null {
      const r = byId.get(id)
      return r ? toJob(r) : null
    },
    /** Takes the best ready job (priority, then smaller first, then oldest) and marks it running, atomically. */
    claimNext: immediate(
      db.transaction((now: number, scope?: JobScope): JobRecord | null => {
        const r = next.get({ now, ...scopeArgs(scope) })
        if (!r) return null
        claim.run(now, now, r.id as number)
        return toJob(byId.get(r.id as number)!)
      }),
    ),
    nextWakeAt(scope?: JobScope): number | null {
      return wake.get(scopeArgs(scope))!.t
    },
    finish(
      id: number,
      status: Extract<JobStatus, 'done' | 'failed' | 'cancelled'>,
      error: string | null,
      now: number,
    ): void {
      finish.run(status, error, now, now, id)
    },
    retryLater(id: number, error: string, at: number, now: number): void {
      again.run(error, at, now, id)
    },
    /** Jobs cut off by a crash or a stop run again; the interrupted try does not count against them. */
    requeueRunning(now: number, scope?: JobScope): number {
      return requeueRunning.run({ now, ...scopeArgs(scope) }).changes
    },
    setPriority(id: number, priority: number, now: number): void {
      setPriority.run(priority, now, id)
    },
    retry(id: number, now: number): void {
      retry.run(now, now, id)
    },
    active(): JobRecord[] {
      return active.all().map(toJob)
    },
    /** The latest jobs of these kinds, newest first (finished ones too). */
    recentOfKinds(kinds: readonly string[], limit: number): JobRecord[] {
      return recentOf.all({ only: JSON.stringify(kinds), limit }).map(toJob)
    },
    latestForVideo(videoId: number): JobRecord | null {
      const r = latestForVideo.get(videoId)
      return r ? toJob(r) : null
    },
  }
}

import type { Database } from 'better-sqlite3'
import { TransferStatusSchema, type TransferStatus } from '../../../shared/contract/transfers'
import { oneOf } from '../check'

export interface StatusCount {
  status: TransferStatus
  n: number
  bytes: number
}

export interface TopVideoRow {
  videoId: number
  transfers: number
  completed: number
  bytes: number
}

export interface TopTagRow {
  tagId: number
  taps: number
  transfers: number
}

export interface IdleTagRow {
  id: number
  code: string
  label: string
  lastTapAt: number | null
  createdAt: number
}

export type StatsRepo = ReturnType<typeof statsRepo>

/**
 * The dashboard's numbers. Recent days are read from the raw rows through their time indexes; older days from the
 * daily roll-ups, so a window costs the same with a month or with years of history. Each window query takes
 * `rolledUntil` (the first day not rolled up, as a key) and `rawFrom` (its start): roll-ups before, raw rows after,
 * never both for one day. The raw parts name their time index: grouping by tag or video, SQLite would otherwise
 * walk the whole tag/video index to skip a sort, reading every row ever written to find today's few.
 */
export function statsRepo(db: Database) {
  const tapsBetween = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM taps WHERE at >= ? AND at < ?',
  )
  const statusBetween = db.prepare<[number, number], { status: unknown; n: number; bytes: number }>(
    `SELECT status, count(*) AS n, coalesce(sum(wire_bytes), 0) AS bytes
       FROM transfers WHERE created_at >= ? AND created_at < ? GROUP BY status`,
  )
  const tapsPerHour = db.prepare<{ from: number; to: number }, { h: number; n: number }>(
    'SELECT CAST((at - @from) / 3600000 AS INTEGER) AS h, count(*) AS n FROM taps WHERE at >= @from AND at < @to GROUP BY h',
  )
  const topVideos = db.prepare<
    { dayFrom: string; rolledUntil: string; rawFrom: number; limit: number },
    TopVideoRow
  >(`
    WITH x AS (
      SELECT video_id, transfers, completed, bytes FROM daily_videos WHERE day >= @dayFrom AND day < @rolledUntil
      UNION ALL
      SELECT coalesce(video_id, 0), count(*), sum(status = 'completed'), coalesce(sum(wire_bytes), 0)
        FROM transfers INDEXED BY transfers_by_time WHERE created_at >= @rawFrom GROUP BY video_id
    )
    SELECT video_id AS videoId, sum(transfers) AS transfers, sum(completed) AS completed, sum(bytes) AS bytes
      FROM x WHERE video_id > 0 GROUP BY video_id ORDER BY transfers DESC, video_id LIMIT @limit`)
  const topTags = db.prepare<
    { dayFrom: string; rolledUntil: string; rawFrom: number; limit: number },
    TopTagRow
  >(`
    WITH x AS (
      SELECT tag_id, taps, transfers FROM daily_tags WHERE day >= @dayFrom AND day < @rolledUntil
      UNION ALL
      SELECT coalesce(tag_id, 0), count(*), 0 FROM taps INDEXED BY taps_by_time WHERE at >= @rawFrom GROUP BY tag_id
      UNION ALL
      SELECT coalesce(tag_id, 0), 0, count(*) FROM transfers INDEXED BY transfers_by_time
       WHERE created_at >= @rawFrom GROUP BY tag_id
    )
    SELECT tag_id AS tagId, sum(taps) AS taps, sum(transfers) AS transfers
      FROM x WHERE tag_id > 0 GROUP BY tag_id ORDER BY taps DESC, tag_id LIMIT @limit`)
  const tapsPerDay = db.prepare<{ dayFrom: string; rolledUntil: string }, { day: string; n: number }>(
    'SELECT day, sum(taps) AS n FROM daily_tags WHERE day >= @dayFrom AND day < @rolledUntil GROUP BY day',
  )
  const idleTags = db.prepare<[number, number], IdleTagRow>(
    `SELECT id, code, label, last_tap_at AS lastTapAt, created_at AS createdAt FROM tags
      WHERE enabled = 1 AND coalesce(last_tap_at, created_at) < ?
      ORDER BY coalesce(last_tap_at, 0), created_at LIMIT ?`,
  )
  const idleCount = db.prepare<[number], { n: number }>(
    'SELECT count(*) AS n FROM tags WHERE enabled = 1 AND coalesce(last_tap_at, created_at) < ?',
  )
  const failureReasons = db.prepare<[number, number], { reason: string; n: number }>(
    `SELECT coalesce(error, status) AS reason, count(*) AS n FROM transfers
      WHERE status IN ('failed', 'expired') AND created_at >= ?
      GROUP BY reason ORDER BY n DESC LIMIT ?`,
  )
  const recentFailures = db.prepare<[number, number], { id: number }>(
    `SELECT id FROM transfers WHERE status IN ('failed', 'expired') AND created_at >= ?
      ORDER BY created_at DESC LIMIT ?`,
  )
  const rolledSince = db.prepare<[string], { day: string }>('SELECT day FROM rolled_days WHERE day >= ?')
  const refusedBetween = db.prepare<[number, number], { n: number }>(
    "SELECT count(*) AS n FROM taps WHERE outcome IN ('quota', 'tag-cap') AND at >= ? AND at < ?",
  )
  const unknownTapsBetween = db.prepare<[number, number], { n: number }>(
    // No tag: a code that is none of this hub's (outcome unknown-tag), or a tag deleted since (SET NULL).
    'SELECT count(*) AS n FROM taps WHERE tag_id IS NULL AND at >= ? AND at < ?',
  )
  const failedBetween = db.prepare<[number, number], { n: number }>(
    "SELECT count(*) AS n FROM transfers WHERE status = 'failed' AND created_at >= ? AND created_at < ?",
  )

  return {
    tapsBetween: (from: number, to: number) => tapsBetween.get(from, to)!.n,
    unknownTapsBetween: (from: number, to: number) => unknownTapsBetween.get(from, to)!.n,
    statusBetween: (from: number, to: number): StatusCount[] =>
      statusBetween
        .all(from, to)
        .map((r) => ({ ...r, status: oneOf(TransferStatusSchema, 'transfers', 'status', r.status) })),
    /** Taps per hour from `from` (a local midnight): 24 numbers (a 25-hour DST day folds its last hour in). */
    tapsPerHour(from: number, to: number): number[] {
      const out = new Array<number>(24).fill(0)
      for (const r of tapsPerHour.all({ from, to })) out[Math.min(23, r.h)]! += r.n
      return out
    },
    topVideos: (q: { dayFrom: string; rolledUntil: string; rawFrom: number; limit: number }) =>
      topVideos.all(q),
    topTags: (q: { dayFrom: string; rolledUntil: string; rawFrom: number; limit: number }) => topTags.all(q),
    /** Taps per rolled-up day in [dayFrom, rolledUntil). */
    tapsPerDay: (dayFrom: string, rolledUntil: string) => tapsPerDay.all({ dayFrom, rolledUntil }),
    idleTags: (before: number, limit: number) => ({
      total: idleCount.get(before)!.n,
      rows: idleTags.all(before, limit),
    }),
    failureReasons: (since: number, limit: number) => failureReasons.all(since, limit),
    recentFailures: (since: number, limit: number) => recentFailures.all(since, limit).map((r) => r.id),
    rolledDaysSince: (day: string) => new Set(rolledSince.all(day).map((r) => r.day)),
    refusedBetween: (from: number, to: number) => refusedBetween.get(from, to)!.n,
    failedBetween: (from: number, to: number) => failedBetween.get(from, to)!.n,
  }
}

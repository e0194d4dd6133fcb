import type { Database } from 'better-sqlite3'
import { immediate } from '../immediate'
import { keepTopIdSql } from './id-marks'

export type RollupsRepo = ReturnType<typeof rollupsRepo>

/** Daily roll-ups and the deletion of raw rows past the retention period, a small step at a time. */
export function rollupsRepo(db: Database) {
  const tagDay = db.prepare(`
    INSERT INTO daily_tags (day, tag_id, taps, refused, transfers, completed, failed, bytes)
    SELECT @day, tag_id, sum(taps), sum(refused), sum(transfers), sum(completed), sum(failed), sum(bytes) FROM (
      SELECT coalesce(tag_id, 0) AS tag_id, count(*) AS taps, sum(outcome IN ('quota', 'tag-cap')) AS refused,
             0 AS transfers, 0 AS completed, 0 AS failed, 0 AS bytes
        FROM taps INDEXED BY taps_by_time WHERE at >= @from AND at < @to GROUP BY coalesce(tag_id, 0)
      UNION ALL
      SELECT coalesce(tag_id, 0), 0, 0, count(*), sum(status = 'completed'), sum(status IN ('failed', 'expired')),
             coalesce(sum(wire_bytes), 0)
        FROM transfers INDEXED BY transfers_by_time
       WHERE created_at >= @from AND created_at < @to GROUP BY coalesce(tag_id, 0)
    ) GROUP BY tag_id`)
  const videoDay = db.prepare(`
    INSERT INTO daily_videos (day, video_id, transfers, completed, failed, bytes)
    SELECT @day, coalesce(video_id, 0), count(*), sum(status = 'completed'), sum(status IN ('failed', 'expired')),
           coalesce(sum(wire_bytes), 0)
      FROM transfers INDEXED BY transfers_by_time
     WHERE created_at >= @from AND created_at < @to GROUP BY coalesce(video_id, 0)`)
  const markRolled = db.prepare('INSERT INTO rolled_days (day, at) VALUES (@day, @now)')
  const isRolled = db.prepare<[string], { day: string }>('SELECT day FROM rolled_days WHERE day = ?')
  const oldest = db.prepare<[], { taps: number | null; transfers: number | null }>(
    'SELECT (SELECT min(at) FROM taps) AS taps, (SELECT min(created_at) FROM transfers) AS transfers',
  )
  const deleteTransfers = db.prepare(
    'DELETE FROM transfers WHERE id IN (SELECT id FROM transfers WHERE created_at < ? AND id <= ? LIMIT ?)',
  )
  const deleteTaps = db.prepare(
    'DELETE FROM taps WHERE id IN (SELECT id FROM taps WHERE at < ? AND id <= ? LIMIT ?)',
  )
  const keepTop = [db.prepare(keepTopIdSql('transfers')), db.prepare(keepTopIdSql('taps'))]
  const deleteNotifications = db.prepare('DELETE FROM notifications WHERE at < ?')

  return {
    isRolled: (day: string) => isRolled.get(day) !== undefined,
    /** The oldest raw row's time, or null with none. */
    oldest(): number | null {
      const r = oldest.get()!
      const all = [r.taps, r.transfers].filter((x): x is number => x !== null)
      return all.length ? Math.min(...all) : null
    },
    /** Rolls one local day [from, to) up, in one transaction: all of it or nothing. */
    rollDay: immediate(
      db.transaction((q: { day: string; from: number; to: number; now: number }) => {
        if (isRolled.get(q.day)) return false
        tagDay.run(q)
        videoDay.run(q)
        markRolled.run(q)
        return true
      }),
    ),
    /**
     * Deletes up to `limit` raw transfers (their timelines with them) and taps older than `before`, none after the
     * rows `upTo` names (a chain store's rows not shipped to headquarters yet); returns how many.
     */
    prune: immediate(
      db.transaction(
        (before: number, limit: number, upTo: { taps: number; transfers: number } | null = null) => {
          for (const s of keepTop) s.run()
          const transfers = deleteTransfers.run(
            before,
            upTo?.transfers ?? Number.MAX_SAFE_INTEGER,
            limit,
          ).changes
          const taps = deleteTaps.run(before, upTo?.taps ?? Number.MAX_SAFE_INTEGER, limit).changes
          return transfers + taps
        },
      ),
    ),
    pruneNotifications: (before: number) => deleteNotifications.run(before).changes,
  }
}

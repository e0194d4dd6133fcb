import type { Database } from 'better-sqlite3'
import { funnelRepo, type FunnelRow } from '../../src/main/db/repos/funnel'
import { dayKey } from '../../src/main/core/time/days'
import {
  emptyFunnel,
  FUNNEL_COUNT_FIELD,
  FunnelStepSchema,
  type FunnelCounts,
} from '../../src/shared/contract/funnel'
import { PlatformSchema, type Platform } from '../../src/shared/contract/publish'
import { prng } from './synthetic'

/**
 * What the customers of a synthetic history did on their phone pages, as the funnel would have stored it: for each
 * transfer (deterministic by `seed`) played (70 %), played to the end, save pressed and saved, caption copied, one or
 * two platforms chosen. Written with the funnel's own repository (a hub's beacons are tested elsewhere), before
 * the hub starts. Returns the number of steps.
 */
export function seedFunnelSteps(db: Database, seed = 7): number {
  const rnd = prng(seed)
  const transfers = db
    .prepare('SELECT id, tag_id, video_id, created_at FROM transfers ORDER BY id')
    .all() as Array<{ id: number; tag_id: number | null; video_id: number | null; created_at: number }>
  const rows: FunnelRow[] = []
  for (const t of transfers) {
    const step = (
      kind: FunnelRow['kind'],
      afterMs: number,
      platform: Platform | '' = '',
      detail: string | null = null,
    ) =>
      rows.push({
        transferId: t.id,
        kind,
        platform,
        detail,
        tagId: t.tag_id,
        videoId: t.video_id,
        transferAt: t.created_at,
        day: dayKey(t.created_at),
        firstAt: t.created_at + afterMs,
        lastAt: t.created_at + afterMs,
        count: 1,
      })
    if (rnd() < 0.7) {
      step('played', 2_000)
      if (rnd() < 0.5) step('played-to-end', 20_000)
    }
    if (rnd() < 0.55) {
      step('save-pressed', 25_000)
      if (rnd() < 0.8) step('save-completed', 40_000)
    }
    if (rnd() < 0.35) step('caption-copied', 45_000)
    if (rnd() < 0.25) {
      const chosen = PlatformSchema.options.filter(() => rnd() < 0.35)
      const list: Platform[] = chosen.length > 0 ? chosen : ['douyin']
      step('platform-chosen', 50_000, '', list[0]!)
      list.forEach((p, i) => step('platform-chosen', 50_000 + i * 1000, p))
    }
  }
  const repo = funnelRepo(db)
  for (let i = 0; i < rows.length; i += 5000) repo.write(rows.slice(i, i + 5000))
  return rows.length
}

/**
 * The funnel SQLite holds for taps in [since, until), counted from the transfers and their steps themselves (never
 * from the roll-ups or the funnel's own columns): what the dashboard, the CLI and the tags list must show.
 */
export function sqlFunnel(
  db: Database,
  q: { since: number; until?: number; tagId?: number; videoId?: number },
): FunnelCounts {
  const where = [
    't.created_at >= @since',
    't.created_at < @until',
    ...(q.tagId !== undefined ? ['t.tag_id = @tagId'] : []),
    ...(q.videoId !== undefined ? ['t.video_id = @videoId'] : []),
  ].join(' AND ')
  const args = {
    since: q.since,
    until: q.until ?? Number.MAX_SAFE_INTEGER,
    tagId: q.tagId,
    videoId: q.videoId,
  }
  const c = emptyFunnel()
  c.taps = (db.prepare(`SELECT count(*) AS n FROM transfers t WHERE ${where}`).get(args) as { n: number }).n
  const steps = db
    .prepare(
      `SELECT e.kind, e.platform, count(DISTINCT e.transfer_id) AS n FROM funnel_events e
         JOIN transfers t ON t.id = e.transfer_id WHERE ${where} GROUP BY e.kind, e.platform`,
    )
    .all(args) as Array<{ kind: string; platform: string; n: number }>
  for (const s of steps) {
    const step = FunnelStepSchema.parse(s.kind)
    if (s.platform !== '') c.publishChosen[PlatformSchema.parse(s.platform)] += s.n
    else c[FUNNEL_COUNT_FIELD[step]] += s.n
  }
  return c
}

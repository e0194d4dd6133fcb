import type { Database, Statement } from 'better-sqlite3'
import {
  FunnelEventKindSchema,
  FunnelStepSchema,
  type FunnelEventKind,
  type FunnelStep,
} from '../../../shared/contract/funnel'
import { PlatformSchema, type Platform } from '../../../shared/contract/publish'
import { oneOf } from '../check'
import { immediate } from '../immediate'
import { keepTopIdSql, topIdSql } from './id-marks'

/**
 * One step of one transfer on its way to SQLite: `count` reports gathered since the last write (0 for a step only
 * implied by another, stored as 1 when new).
 */
export interface FunnelRow {
  transferId: number
  kind: FunnelEventKind
  /** '' for the kind's own row; a platform for platform-chosen's per-platform rows. */
  platform: Platform | ''
  detail: string | null
  tagId: number | null
  videoId: number | null
  /** The transfer's created_at; `day` is its local day key (the roll-up it belongs to). */
  transferAt: number
  day: string
  firstAt: number
  lastAt: number
  count: number
}

export interface FunnelEventRecord {
  transferId: number
  kind: FunnelEventKind
  platform: Platform | null
  detail: string | null
  firstAt: number
  lastAt: number
  count: number
}

/** A count of one step (and platform, '' = any) in one group (0 when not grouped; else a tag or video id). */
export interface FunnelCountRow {
  group: number
  step: FunnelStep
  platform: Platform | ''
  n: number
}

export type FunnelGroup = 'none' | 'tag' | 'video'

export interface FunnelFilter {
  tagId: number | null
  videoId: number | null
}

type Row = Record<string, unknown>

const GROUP_SQL: Record<FunnelGroup, string> = {
  none: '0',
  tag: 'coalesce(tag_id, 0)',
  video: 'coalesce(video_id, 0)',
}

const FILTER_SQL = '(@tagId IS NULL OR tag_id = @tagId) AND (@videoId IS NULL OR video_id = @videoId)'

export type FunnelRepo = ReturnType<typeof funnelRepo>

/**
 * The conversion funnel's rows (migration 8): steps written in batches by the funnel service, counts over raw rows
 * and daily roll-ups, the roll-up of one day and the deletion of rows past retention. Raw counts name their time
 * index, as the dashboard's do (stats.ts): grouped by tag or video, SQLite would otherwise walk another index.
 */
export function funnelRepo(db: Database) {
  const insert = db.prepare(`
    INSERT INTO funnel_events (id, transfer_id, kind, platform, detail, tag_id, video_id, transfer_at, first_at, last_at, count)
    VALUES (${topIdSql('funnel_events')} + 1, @transferId, @kind, @platform, @detail, (SELECT id FROM tags WHERE id = @tagId),
            (SELECT id FROM videos WHERE id = @videoId), @transferAt, @firstAt, @lastAt, max(@count, 1))
    ON CONFLICT (transfer_id, kind, platform) DO NOTHING`)
  const again = db.prepare(`
    UPDATE funnel_events SET count = count + @count, last_at = max(last_at, @lastAt)
     WHERE transfer_id = @transferId AND kind = @kind AND platform = @platform`)
  const isRolled = db.prepare<[string], { day: string }>('SELECT day FROM rolled_funnel_days WHERE day = ?')
  // A step first reported after its day was rolled up goes into the roll-up itself, so no late step is lost.
  const addToRollup = db.prepare(`
    INSERT INTO daily_funnel (day, tag_id, video_id, step, platform, n)
    VALUES (@day, coalesce((SELECT id FROM tags WHERE id = @tagId), 0),
            coalesce((SELECT id FROM videos WHERE id = @videoId), 0), @kind, @platform, 1)
    ON CONFLICT (day, tag_id, video_id, step, platform) DO UPDATE SET n = n + 1`)
  const ofTransfer = db.prepare<[number], Row>(
    'SELECT * FROM funnel_events WHERE transfer_id = ? ORDER BY first_at, id',
  )
  const ofTransfers = db.prepare<[string], Row>(
    'SELECT * FROM funnel_events WHERE transfer_id IN (SELECT value FROM json_each(?)) ORDER BY transfer_id, first_at, id',
  )
  const rolledBetween = db.prepare<[string, string], { day: string }>(
    'SELECT day FROM rolled_funnel_days WHERE day >= ? AND day < ?',
  )
  const rollTaps = db.prepare(`
    INSERT INTO daily_funnel (day, tag_id, video_id, step, platform, n)
    SELECT @day, coalesce(tag_id, 0), coalesce(video_id, 0), 'tap', '', count(*)
      FROM transfers INDEXED BY transfers_by_time WHERE created_at >= @from AND created_at < @to
     GROUP BY coalesce(tag_id, 0), coalesce(video_id, 0)`)
  const rollEvents = db.prepare(`
    INSERT INTO daily_funnel (day, tag_id, video_id, step, platform, n)
    SELECT @day, coalesce(tag_id, 0), coalesce(video_id, 0), kind, platform, count(*)
      FROM funnel_events INDEXED BY funnel_events_by_time WHERE transfer_at >= @from AND transfer_at < @to
     GROUP BY coalesce(tag_id, 0), coalesce(video_id, 0), kind, platform`)
  const markRolled = db.prepare('INSERT INTO rolled_funnel_days (day, at) VALUES (@day, @now)')
  const keepTop = db.prepare(keepTopIdSql('funnel_events'))
  const prune = db.prepare(
    'DELETE FROM funnel_events WHERE id IN (SELECT id FROM funnel_events INDEXED BY funnel_events_by_time WHERE transfer_at < ? AND id <= ? LIMIT ?)',
  )

  const counts = (group: FunnelGroup) => ({
    taps: db.prepare<Row, { g: number; n: number }>(`
      SELECT ${GROUP_SQL[group]} AS g, count(*) AS n FROM transfers INDEXED BY transfers_by_time
       WHERE created_at >= @from AND created_at < @to AND ${FILTER_SQL} GROUP BY g`),
    events: db.prepare<Row, { g: number; kind: unknown; platform: unknown; n: number }>(`
      SELECT ${GROUP_SQL[group]} AS g, kind, platform, count(*) AS n FROM funnel_events INDEXED BY funnel_events_by_time
       WHERE transfer_at >= @from AND transfer_at < @to AND ${FILTER_SQL} GROUP BY g, kind, platform`),
    rolled: db.prepare<Row, { g: number; step: unknown; platform: unknown; n: number }>(`
      SELECT ${GROUP_SQL[group]} AS g, step, platform, sum(n) AS n FROM daily_funnel
       WHERE day IN (SELECT value FROM json_each(@days))
         AND (@tagId IS NULL OR tag_id = @tagId) AND (@videoId IS NULL OR video_id = @videoId)
       GROUP BY g, step, platform`),
  })
  const byGroup: Record<FunnelGroup, ReturnType<typeof counts>> = {
    none: counts('none'),
    tag: counts('tag'),
    video: counts('video'),
  }

  const platformOf = (v: unknown): Platform | '' =>
    v === '' ? '' : oneOf(PlatformSchema, 'funnel_events', 'platform', v)
  const toRecord = (r: Row): FunnelEventRecord => ({
    transferId: r.transfer_id as number,
    kind: oneOf(FunnelEventKindSchema, 'funnel_events', 'kind', r.kind),
    platform: platformOf(r.platform) || null,
    detail: (r.detail as string | null) ?? null,
    firstAt: r.first_at as number,
    lastAt: r.last_at as number,
    count: r.count as number,
  })
  const run = (stmt: Statement, params: Row) => stmt.run(params).changes

  return {
    /**
     * Writes a batch of steps: a new (transfer, kind, platform) is inserted once, a known one only counts on. One
     * transaction, taking the write lock at BEGIN (the delivery writer thread writes to the same file).
     */
    write: immediate(
      db.transaction((rows: FunnelRow[]) => {
        for (const r of rows) {
          if (run(insert, { ...r }) === 0) run(again, { ...r })
          else if (isRolled.get(r.day)) run(addToRollup, { ...r })
        }
      }),
    ),
    ofTransfer: (transferId: number): FunnelEventRecord[] => ofTransfer.all(transferId).map(toRecord),
    /** The steps of many transfers at once (the CSV export), by transfer. */
    ofTransfers(ids: readonly number[]): Map<number, FunnelEventRecord[]> {
      const out = new Map<number, FunnelEventRecord[]>()
      if (ids.length === 0) return out
      for (const r of ofTransfers.all(JSON.stringify(ids)).map(toRecord)) {
        const list = out.get(r.transferId)
        if (list) list.push(r)
        else out.set(r.transferId, [r])
      }
      return out
    },
    /** Days in [from, to) (keys) already rolled up. */
    rolledDays: (from: string, to: string) => new Set(rolledBetween.all(from, to).map((r) => r.day)),
    /** New transfers and steps of tap time in [from, to), per group and step. */
    rawCounts(group: FunnelGroup, q: FunnelFilter & { from: number; to: number }): FunnelCountRow[] {
      const s = byGroup[group]
      const out: FunnelCountRow[] = s.taps
        .all({ ...q })
        .map((r) => ({ group: r.g, step: 'tap' as const, platform: '' as const, n: r.n }))
      for (const r of s.events.all({ ...q }))
        out.push({
          group: r.g,
          step: oneOf(FunnelEventKindSchema, 'funnel_events', 'kind', r.kind),
          platform: platformOf(r.platform),
          n: r.n,
        })
      return out
    },
    /** The roll-ups of the given days (keys), per group and step. */
    rolledCounts(group: FunnelGroup, q: FunnelFilter & { days: readonly string[] }): FunnelCountRow[] {
      if (q.days.length === 0) return []
      return byGroup[group].rolled
        .all({ tagId: q.tagId, videoId: q.videoId, days: JSON.stringify(q.days) })
        .map((r) => ({
          group: r.g,
          step: oneOf(FunnelStepSchema, 'daily_funnel', 'step', r.step),
          platform: r.platform === '' ? '' : oneOf(PlatformSchema, 'daily_funnel', 'platform', r.platform),
          n: r.n,
        }))
    },
    /** Rolls one local day [from, to) of taps up, in one transaction: all of it or nothing; false if done before. */
    rollDay: immediate(
      db.transaction((q: { day: string; from: number; to: number; now: number }) => {
        if (isRolled.get(q.day)) return false
        rollTaps.run(q)
        rollEvents.run(q)
        markRolled.run(q)
        return true
      }),
    ),
    /** Deletes up to `limit` steps of transfers made before `before`; returns how many. */
    /** Deletes up to `limit` steps older than `before`, none after row `upTo` (not shipped to headquarters yet). */
    prune: immediate(
      db.transaction((before: number, limit: number, upTo = Number.MAX_SAFE_INTEGER): number => {
        keepTop.run()
        return prune.run(before, upTo, limit).changes
      }),
    ),
  }
}

import type { Database, Statement } from 'better-sqlite3'
import {
  TransferEventKindSchema,
  type HistorySort,
  type SortOrder,
  type TransferEventKind,
} from '../../../shared/contract/monitoring'
import { TierSchema, type Tier } from '../../../shared/contract/tags'
import {
  TapOutcomeSchema,
  TransferStatusSchema,
  type TapOutcome,
  type TransferStatus,
} from '../../../shared/contract/transfers'
import { oneOf } from '../check'

export interface HistoryFilter {
  from?: number
  to?: number
  tagId?: number
  videoId?: number
  status?: TransferStatus[]
}

/** A transfer as the CSV export writes it: the transfer row with its tag's label and video's title. */
export interface ExportRow {
  id: number
  created_at: number
  tag_code: string
  tag_label: string | null
  video_title: string | null
  rendition: string
  tier: Tier
  user_agent: string | null
  ip: string | null
  device_id: string
  status: TransferStatus
  error: string | null
  bytes_total: number
  bytes_sent: number
  wire_bytes: number
  requests: number
  started_at: number | null
  finished_at: number | null
}

export interface TimelineRow {
  at: number
  kind: TransferEventKind
  rangeStart: number | null
  rangeEnd: number | null
  bytes: number | null
  note: string | null
}

const ORDER: Record<HistorySort, string> = { createdAt: 't.created_at', bytesTotal: 't.bytes_total' }

/** A row as SQLite returns it: the columns the contract names are checked before anyone sees them. */
type Raw<T, K extends keyof T> = Omit<T, K> & { [P in K]: unknown }

// The checked columns of what this repository reads (transfers, transfer_events and taps are written by delivery).
const exportRow = (r: Raw<ExportRow, 'tier' | 'status'>): ExportRow => ({
  ...r,
  tier: oneOf(TierSchema, 'transfers', 'tier', r.tier),
  status: oneOf(TransferStatusSchema, 'transfers', 'status', r.status),
})
const timelineRow = (r: Raw<TimelineRow, 'kind'>): TimelineRow => ({
  ...r,
  kind: oneOf(TransferEventKindSchema, 'transfer_events', 'kind', r.kind),
})

export type HistoryRepo = ReturnType<typeof historyRepo>

/**
 * The transfers history: filtered, sorted and paged in SQLite, each filter backed by an index (time, tag+time,
 * video+time, status+time; size for sorting). Statements are built from a fixed set of fragments and cached.
 */
export function historyRepo(db: Database) {
  const cache = new Map<string, Statement>()
  const stmt = (sql: string): Statement => {
    let s = cache.get(sql)
    if (!s) {
      s = db.prepare(sql)
      cache.set(sql, s)
    }
    return s
  }
  const where = (f: HistoryFilter): { sql: string; params: Record<string, unknown> } => {
    const parts: string[] = []
    const params: Record<string, unknown> = {}
    const add = (sql: string, name: string, value: unknown) => {
      parts.push(sql)
      params[name] = value
    }
    if (f.from !== undefined) add('t.created_at >= @from', 'from', f.from)
    if (f.to !== undefined) add('t.created_at < @to', 'to', f.to)
    if (f.tagId !== undefined) add('t.tag_id = @tagId', 'tagId', f.tagId)
    if (f.videoId !== undefined) add('t.video_id = @videoId', 'videoId', f.videoId)
    if (f.status?.length) {
      const names = f.status.map((s, i) => {
        params[`s${i}`] = s
        return `@s${i}`
      })
      parts.push(`t.status IN (${names.join(', ')})`)
    }
    return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params }
  }
  const events = db.prepare<[number], Raw<TimelineRow, 'kind'>>(
    `SELECT at, kind, range_start AS rangeStart, range_end AS rangeEnd, bytes, note
       FROM transfer_events WHERE transfer_id = ? ORDER BY id`,
  )
  const tapOf = db.prepare<[number], { at: number; outcome: unknown }>(
    'SELECT g.at, g.outcome FROM transfers t JOIN taps g ON g.id = t.tap_id WHERE t.id = ?',
  )

  return {
    /** One page of ids (sorted) and how many match in all. */
    page(q: { filter: HistoryFilter; sort: HistorySort; order: SortOrder; offset: number; limit: number }): {
      total: number
      ids: number[]
    } {
      const w = where(q.filter)
      const dir = q.order === 'asc' ? 'ASC' : 'DESC'
      const total = (stmt(`SELECT count(*) AS n FROM transfers t ${w.sql}`).get(w.params) as { n: number }).n
      const ids = (
        stmt(
          `SELECT t.id FROM transfers t ${w.sql} ORDER BY ${ORDER[q.sort]} ${dir}, t.id ${dir} LIMIT @limit OFFSET @offset`,
        ).all({ ...w.params, limit: q.limit, offset: q.offset }) as Array<{ id: number }>
      ).map((r) => r.id)
      return { total, ids }
    },
    /** The plan SQLite picks for a page query (benchmarks and tests check index use). */
    explainPage(filter: HistoryFilter, sort: HistorySort): string[] {
      const w = where(filter)
      return (
        db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT t.id FROM transfers t ${w.sql} ORDER BY ${ORDER[sort]} DESC LIMIT 50`,
          )
          .all(w.params) as Array<{ detail: string }>
      ).map((r) => r.detail)
    },
    /** The next `limit` matching transfers after id `afterId`, oldest first: the export reads in these steps. */
    exportChunk(filter: HistoryFilter, afterId: number, limit: number): ExportRow[] {
      const w = where(filter)
      const sql = `SELECT t.id, t.created_at, t.tag_code, g.label AS tag_label, v.title AS video_title, t.rendition, t.tier,
                          t.user_agent, t.ip, t.device_id, t.status, t.error, t.bytes_total, t.bytes_sent, t.wire_bytes,
                          t.requests, t.started_at, t.finished_at
                     FROM transfers t LEFT JOIN tags g ON g.id = t.tag_id LEFT JOIN videos v ON v.id = t.video_id
                     ${w.sql ? `${w.sql} AND` : 'WHERE'} t.id > @afterId ORDER BY t.id LIMIT @limit`
      const rows = stmt(sql).all({ ...w.params, afterId, limit }) as Array<Raw<ExportRow, 'tier' | 'status'>>
      return rows.map(exportRow)
    },
    timeline: (transferId: number) => events.all(transferId).map(timelineRow),
    tapOf(transferId: number): { at: number; outcome: TapOutcome } | null {
      const r = tapOf.get(transferId)
      return r ? { at: r.at, outcome: oneOf(TapOutcomeSchema, 'taps', 'outcome', r.outcome) } : null
    },
  }
}

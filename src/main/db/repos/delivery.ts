import type { Database, Statement } from 'better-sqlite3'
import { immediate } from '../immediate'
import { topIdSql } from './id-marks'
import {
  TransferStatusSchema,
  type TapOutcome,
  type TransferStatus,
} from '../../../shared/contract/transfers'
import { TierSchema, type Tier } from '../../../shared/contract/tags'
import type { TransferEventKind } from '../../../shared/contract/monitoring'
import { RemixFallbackSchema, type RemixFallback } from '../../../shared/contract/remix'
import { oneOf } from '../check'

export type { TransferStatus }

export interface TransferRecord {
  id: number
  token: string
  tapId: number | null
  tagId: number | null
  tagCode: string
  videoId: number | null
  rendition: string
  deviceId: string
  tier: Tier
  ip: string | null
  userAgent: string | null
  /** The caption drawn for this transfer's page (the caption library), if any. */
  captionId: number | null
  /** A remix tag's transfer: the variant given and its seed; why the pool could not give a fresh one. */
  variantId: number | null
  seed: number | null
  remixFallback: RemixFallback | null
  bytesTotal: number
  bytesSent: number
  wireBytes: number
  requests: number
  coverage: Array<[number, number]>
  status: TransferStatus
  error: string | null
  createdAt: number
  admittedAt: number | null
  startedAt: number | null
  finishedAt: number | null
  updatedAt: number
}

type Row = Record<string, unknown>

function toTransfer(r: Row): TransferRecord {
  return {
    id: r.id as number,
    token: r.token as string,
    tapId: (r.tap_id as number | null) ?? null,
    tagId: (r.tag_id as number | null) ?? null,
    tagCode: r.tag_code as string,
    videoId: (r.video_id as number | null) ?? null,
    rendition: r.rendition as string,
    deviceId: r.device_id as string,
    tier: TierSchema.parse(r.tier),
    ip: (r.ip as string | null) ?? null,
    userAgent: (r.user_agent as string | null) ?? null,
    captionId: (r.caption_id as number | null) ?? null,
    variantId: (r.variant_id as number | null) ?? null,
    seed: (r.seed as number | null) ?? null,
    remixFallback:
      r.remix_fallback === null || r.remix_fallback === undefined
        ? null
        : oneOf(RemixFallbackSchema, 'transfers', 'remix_fallback', r.remix_fallback),
    bytesTotal: r.bytes_total as number,
    bytesSent: r.bytes_sent as number,
    wireBytes: r.wire_bytes as number,
    requests: r.requests as number,
    coverage: JSON.parse(r.coverage as string) as Array<[number, number]>,
    status: TransferStatusSchema.parse(r.status),
    error: (r.error as string | null) ?? null,
    createdAt: r.created_at as number,
    admittedAt: (r.admitted_at as number | null) ?? null,
    startedAt: (r.started_at as number | null) ?? null,
    finishedAt: (r.finished_at as number | null) ?? null,
    updatedAt: r.updated_at as number,
  }
}

export interface NewTap {
  tagId: number | null
  tagCode: string
  deviceId: string
  ip: string | null
  userAgent: string | null
  at: number
  outcome: TapOutcome
}

/** One step in a transfer's life, for its timeline: queue, admission, each range request, resumes, the end. */
export interface TimelineEvent {
  transferId: number
  at: number
  kind: TransferEventKind
  rangeStart: number | null
  rangeEnd: number | null
  bytes: number | null
  note: string | null
}

export type DeliveryRepo = ReturnType<typeof deliveryRepo>

/**
 * The statements of a batch write, by name. The same SQL runs on the main connection or on the writer thread
 * (db/threads/batch-writer.ts), which prepares them once and runs a batch's list of (name, parameters) in one
 * transaction. Parameters are positional: a batch crosses to the thread as a structured clone, and arrays of
 * values clone in about half the time of objects with named fields.
 */
export const BATCH_SQL = {
  // A tag, video or caption deleted between a tap and its batch is left out of the row (as its deletion does to rows
  // written before): its id would fail the foreign key, and with it this batch and every later one, again and again.
  tap: 'INSERT INTO taps (id, tag_id, tag_code, device_id, ip, user_agent, at, outcome) VALUES (?, (SELECT id FROM tags WHERE id = ?), ?, ?, ?, ?, ?, ?)',
  tagTapped: 'UPDATE tags SET last_tap_at = max(coalesce(last_tap_at, 0), ?) WHERE id = ?',
  transfer: `
    INSERT INTO transfers (id, token, tap_id, tag_id, tag_code, video_id, rendition, device_id, tier, ip, user_agent, caption_id,
                           variant_id, seed, remix_fallback,
                           bytes_total, bytes_sent, wire_bytes, requests, coverage, status, error, created_at, admitted_at, started_at,
                           finished_at, updated_at)
    VALUES (?, ?, ?, (SELECT id FROM tags WHERE id = ?), ?, (SELECT id FROM videos WHERE id = ?), ?, ?, ?, ?, ?,
            (SELECT id FROM captions WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  progress: `
    UPDATE transfers SET bytes_sent = ?, wire_bytes = ?, requests = ?, coverage = ?, status = ?, error = ?, admitted_at = ?,
           started_at = ?, finished_at = ?, updated_at = ?
     WHERE id = ?`,
  cursor: 'UPDATE tags SET rotate_cursor = ? WHERE id = ?',
  event:
    'INSERT INTO transfer_events (transfer_id, at, kind, range_start, range_end, bytes, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
} as const

export type BatchOp = [keyof typeof BATCH_SQL, unknown[]]

/**
 * A writer thread's mark (migration 13): the sequence number of its last batch, in the batch's own transaction, so
 * whether a batch is in the file can be read after the thread died between committing and saying so.
 */
export const WRITER_MARK_SQL = {
  set: 'INSERT INTO writer_marks (writer, seq) VALUES (?, ?) ON CONFLICT (writer) DO UPDATE SET seq = excluded.seq',
  get: 'SELECT seq FROM writer_marks WHERE writer = ?',
  drop: 'DELETE FROM writer_marks WHERE writer = ?',
  dropAll: 'DELETE FROM writer_marks',
} as const

export interface Batch {
  taps: Array<NewTap & { id: number }>
  created: TransferRecord[]
  updated: TransferRecord[]
  events?: TimelineEvent[]
  /** Rotate cursors of tags that delivered from a pool. */
  cursors?: Array<{ tagId: number; cursor: number }>
}

/**
 * A batch as statements, in order: new taps, each tapped tag's last tap (once per tag), new transfers, progress of
 * known transfers, rotate cursors, then timeline steps. The values are copied: the batch is this moment's state.
 */
export function batchOps(batch: Batch): BatchOp[] {
  const ops: BatchOp[] = []
  const lastTap = new Map<number, number>()
  for (const t of batch.taps) {
    ops.push(['tap', [t.id, t.tagId, t.tagCode, t.deviceId, t.ip, t.userAgent, t.at, t.outcome]])
    if (t.tagId !== null && t.at > (lastTap.get(t.tagId) ?? -1)) lastTap.set(t.tagId, t.at)
  }
  for (const [tagId, at] of lastTap) ops.push(['tagTapped', [at, tagId]])
  for (const t of batch.created)
    ops.push([
      'transfer',
      [
        t.id,
        t.token,
        t.tapId,
        t.tagId,
        t.tagCode,
        t.videoId,
        t.rendition,
        t.deviceId,
        t.tier,
        t.ip,
        t.userAgent,
        t.captionId,
        t.variantId,
        t.seed,
        t.remixFallback,
        t.bytesTotal,
        t.bytesSent,
        t.wireBytes,
        t.requests,
        coverageText(t.coverage),
        t.status,
        t.error,
        t.createdAt,
        t.admittedAt,
        t.startedAt,
        t.finishedAt,
        t.updatedAt,
      ],
    ])
  for (const t of batch.updated)
    ops.push([
      'progress',
      [
        t.bytesSent,
        t.wireBytes,
        t.requests,
        coverageText(t.coverage),
        t.status,
        t.error,
        t.admittedAt,
        t.startedAt,
        t.finishedAt,
        t.updatedAt,
        t.id,
      ],
    ])
  for (const c of batch.cursors ?? []) ops.push(['cursor', [c.cursor, c.tagId]])
  for (const e of batch.events ?? [])
    ops.push(['event', [e.transferId, e.at, e.kind, e.rangeStart, e.rangeEnd, e.bytes, e.note]])
  return ops
}

function coverageText(spans: Array<[number, number]>): string {
  return spans.length === 0 ? '[]' : JSON.stringify(spans)
}

/** Taps and transfers. Progress updates arrive in batches from the accounting book, never one per packet. */
export function deliveryRepo(db: Database) {
  const batchStatements = Object.fromEntries(
    Object.entries(BATCH_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
  ) as Record<keyof typeof BATCH_SQL, Statement>
  const runOps = immediate(
    db.transaction((ops: BatchOp[]) => {
      for (const [name, params] of ops) batchStatements[name].run(params)
    }),
  )
  const writerMark = db.prepare<[string], { seq: number }>(WRITER_MARK_SQL.get)
  const dropWriterMarks = db.prepare(WRITER_MARK_SQL.dropAll)
  const maxIds = db.prepare<[], { taps: number; transfers: number }>(
    `SELECT ${topIdSql('taps')} AS taps, ${topIdSql('transfers')} AS transfers`,
  )
  const byToken = db.prepare<[string], Row>('SELECT * FROM transfers WHERE token = ?')
  const byId = db.prepare<[number], Row>('SELECT * FROM transfers WHERE id = ?')
  // The rules of what counts (core/delivery/records/counts.ts) in SQL: the same statuses are left out.
  // `top`: the newest transfer id in the same snapshot, so the caller can add exactly the transfers SQLite did not
  // have yet (ids rise, batches commit in order).
  const ofDevice = db.prepare<
    [string, number],
    { id: number; tier: string; tagId: number | null; status: string; createdAt: number }
  >(
    'SELECT id, tier, tag_id AS tagId, status, created_at AS createdAt FROM transfers WHERE device_id = ? AND created_at >= ? ORDER BY id',
  )
  const topId = db.prepare<[], { top: number | null }>('SELECT max(id) AS top FROM transfers')
  const phonesSince = db.prepare<[number, number], { deviceId: string; tier: string; n: number }>(
    "SELECT deviceId, tier, n FROM (SELECT device_id AS deviceId, tier, count(*) AS n, max(id) AS newest FROM transfers WHERE created_at >= ? AND status NOT IN ('expired', 'failed') GROUP BY device_id, tier ORDER BY newest DESC LIMIT ?) ORDER BY newest",
  )
  const tagsSince = db.prepare<[number], { tagId: number; n: number }>(
    'SELECT tag_id AS tagId, count(*) AS n FROM transfers WHERE created_at >= ? AND tag_id IS NOT NULL GROUP BY tag_id',
  )
  const reusableSince = db.prepare<
    [number, number],
    { id: number; deviceId: string; tagId: number; createdAt: number }
  >(
    "SELECT id, device_id AS deviceId, tag_id AS tagId, created_at AS createdAt FROM (SELECT * FROM transfers WHERE created_at >= ? AND tag_id IS NOT NULL AND status NOT IN ('failed', 'expired') ORDER BY id DESC LIMIT ?) ORDER BY id",
  )
  const perVideoForTag = db.prepare<[number], { video_id: number; n: number }>(
    'SELECT video_id, count(*) AS n FROM transfers WHERE tag_id = ? GROUP BY video_id',
  )
  const since = db.prepare<[number, number], Row>(
    'SELECT * FROM transfers WHERE created_at >= ? ORDER BY id DESC LIMIT ?',
  )
  const unfinished = db.prepare<[], Row>(
    "SELECT * FROM transfers WHERE status IN ('pending', 'queued', 'active')",
  )
  const counts = db.prepare<[], { taps: number; transfers: number }>(
    'SELECT (SELECT count(*) FROM taps) AS taps, (SELECT count(*) FROM transfers) AS transfers',
  )
  const tagStats = db.prepare<[number], { tag_id: number; taps: number; last_tap: number | null }>(
    'SELECT tag_id, count(*) AS taps, max(at) AS last_tap FROM taps WHERE tag_id IS NOT NULL AND at >= ? GROUP BY tag_id',
  )

  return {
    /**
     * The highest ids handed out, deleted rows' included (id-marks.ts): new taps and transfers get theirs in memory
     * and are written in batches.
     */
    maxIds(): { taps: number; transfers: number } {
      return maxIds.get()!
    },
    /** One transaction: new taps, new transfers, progress of known transfers, then timeline steps. */
    writeBatch(batch: Batch): void {
      runOps(batchOps(batch))
    },
    /** A batch already turned into statements (batchOps), in one transaction. */
    runOps(ops: BatchOp[]): void {
      runOps(ops)
    },
    /** The last batch a writer thread committed (0: none yet), read on this connection. */
    writerMark(writer: string): number {
      return writerMark.get(writer)?.seq ?? 0
    },
    /**
     * Forgets the marks of writer threads that are gone: a thread removes its own when it closes, but one that
     * died with its hub (kill -9, a power cut) leaves it. Only at a hub's start, when no writer thread of this
     * file can be running (one hub per data folder).
     */
    dropWriterMarks(): void {
      dropWriterMarks.run()
    },
    findByToken(token: string): TransferRecord | null {
      const r = byToken.get(token)
      return r ? toTransfer(r) : null
    },
    findById(id: number): TransferRecord | null {
      const r = byId.get(id)
      return r ? toTransfer(r) : null
    },
    /**
     * A phone's transfers since `at`, oldest first, and the newest transfer id of all that the same read saw (0 when
     * none): what SQLite knows of a phone the in-memory counts let go of.
     */
    ofDeviceSince(deviceId: string, at: number) {
      // One read transaction: the rows and the newest id come from the same snapshot.
      return db.transaction(() => ({
        top: topId.get()!.top ?? 0,
        rows: ofDevice.all(deviceId, at).map((r) => ({
          ...r,
          tier: TierSchema.parse(r.tier),
          status: TransferStatusSchema.parse(r.status),
        })),
      }))()
    },
    /** Per phone and tier, transfers since `at` that count against the quota: the latest `limit`, oldest first. */
    phonesSince(at: number, limit: number): Array<{ deviceId: string; tier: Tier; n: number }> {
      return phonesSince.all(at, limit).map((r) => ({ ...r, tier: TierSchema.parse(r.tier) }))
    },
    /** Per tag, transfers created since `at`. */
    tagsSince(at: number) {
      return tagsSince.all(at)
    },
    /** Transfers since `at` that a re-tap could continue, oldest first (the newest `limit`). */
    reusableSince(at: number, limit: number) {
      return reusableSince.all(at, limit)
    },
    deliveriesPerVideo(tagId: number): Map<number, number> {
      return new Map(perVideoForTag.all(tagId).map((r) => [r.video_id, r.n]))
    },
    listSince(at: number, limit: number): TransferRecord[] {
      return since.all(at, limit).map(toTransfer)
    },
    unfinished(): TransferRecord[] {
      return unfinished.all().map(toTransfer)
    },
    counts() {
      return counts.get()!
    },
    tagTapStats(since: number): Map<number, { taps: number; lastTap: number | null }> {
      return new Map(tagStats.all(since).map((r) => [r.tag_id, { taps: r.taps, lastTap: r.last_tap }]))
    },
  }
}

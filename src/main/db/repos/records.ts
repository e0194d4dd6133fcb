import type { Database } from 'better-sqlite3'
import { immediate } from '../immediate'

export type RecordsRepo = ReturnType<typeof recordsRepo>

/** Where a batch ends in each table (the rows after the previous batch's ends, up to these, are in it). */
export interface RecordsCursor {
  taps: number
  transfers: number
  funnel: number
  /** The last rolled day whose totals were put in a batch ('' before the first). */
  days: string
}

export interface OutboxBatch {
  seq: number
  key: string
  day: string
  cursor: RecordsCursor
  records: number
  body: Buffer | null
  size: number
  sha256: string
  createdAt: number
  shippedAt: number | null
  etag: string | null
}

/** What this database ships under a store id (migration 17). */
export interface RecordsClaim {
  storeId: string
  /** Its batches' sequence numbers come after this one. */
  seqAfter: number
  /** Its batches' days are never before this one ('' for none). */
  dayFloor: string
  /** Added to every id it ships. */
  idBase: number
  at: number
}

export interface TapRow {
  id: number
  at: number
  tag_code: string
  tag_label: string | null
  device_id: string
  ip: string | null
  outcome: string
}
export interface TransferRow {
  id: number
  tap_id: number | null
  tag_code: string
  tag_label: string | null
  video_chain: string | null
  video_title: string | null
  rendition: string
  tier: string
  device_id: string
  ip: string | null
  status: string
  bytes_total: number
  bytes_sent: number
  created_at: number
  finished_at: number | null
}
export interface FunnelRow {
  id: number
  transfer_id: number
  kind: string
  platform: string
  tag_code: string | null
  transfer_at: number
  first_at: number
  count: number
}
export interface DayRow {
  day: string
  tag_code: string
  tag_label: string | null
  taps: number
  refused: number
  transfers: number
  completed: number
  failed: number
  bytes: number
}

const ZERO: RecordsCursor = { taps: 0, transfers: 0, funnel: 0, days: '' }

/**
 * A chain store's outbox (migration 12): the batches of records made for headquarters, each with its sequence
 * number, key and exact bytes, and how far each table has been put into batches. The rows themselves stay where
 * they are; a batch holds the rows between the previous batch's cursor and its own.
 */
export function recordsRepo(db: Database) {
  const toBatch = (r: Record<string, unknown>): OutboxBatch => ({
    seq: r.seq as number,
    key: r.key as string,
    day: r.day as string,
    cursor: {
      taps: r.taps_to as number,
      transfers: r.transfers_to as number,
      funnel: r.funnel_to as number,
      days: r.days_to as string,
    },
    records: r.records as number,
    body: (r.body as Buffer | null) ?? null,
    size: r.size as number,
    sha256: r.sha256 as string,
    createdAt: r.created_at as number,
    shippedAt: (r.shipped_at as number | null) ?? null,
    etag: (r.etag as string | null) ?? null,
  })
  const last = db.prepare('SELECT * FROM records_outbox ORDER BY seq DESC LIMIT 1')
  const lastShipped = db.prepare(
    'SELECT * FROM records_outbox WHERE shipped_at IS NOT NULL ORDER BY seq DESC LIMIT 1',
  )
  const firstUnshipped = db.prepare(
    'SELECT * FROM records_outbox INDEXED BY records_outbox_unshipped WHERE shipped_at IS NULL ORDER BY seq LIMIT 1',
  )
  const claimOf = db.prepare<[string], RecordsClaim>(
    'SELECT store_id AS storeId, seq_after AS seqAfter, day_floor AS dayFloor, id_base AS idBase, at FROM records_claims WHERE store_id = ?',
  )
  const addClaim = db.prepare(
    'INSERT INTO records_claims (store_id, seq_after, day_floor, id_base, at) VALUES (@storeId, @seqAfter, @dayFloor, @idBase, @at)',
  )
  const madeUnder = db.prepare<[string, string], { seq: number }>(
    'SELECT seq FROM records_outbox WHERE substr(key, 1, length(?)) = ? LIMIT 1',
  )
  const insert = db.prepare(`
    INSERT INTO records_outbox (seq, key, day, taps_to, transfers_to, funnel_to, days_to, records, body, size, sha256, created_at)
    VALUES (@seq, @key, @day, @taps, @transfers, @funnel, @days, @records, @body, @size, @sha256, @createdAt)`)
  const markShipped = db.prepare(
    'UPDATE records_outbox SET shipped_at = @at, etag = @etag, body = NULL WHERE seq = @seq AND shipped_at IS NULL',
  )
  // Transfers shipped ahead of an open one before them (migration 15).
  // A row left from a transfer deleted since, whose id a new transfer took, is replaced.
  const addAhead = db.prepare(
    'INSERT OR REPLACE INTO records_transfers_ahead (transfer_id, created_at, seq) VALUES (?, ?, ?)',
  )
  const dropAheadUpTo = db.prepare(
    'DELETE FROM records_transfers_ahead WHERE transfer_id <= (SELECT transfers_to FROM records_outbox WHERE seq = ?)',
  )
  // Only rows of transfers that are still the ones shipped (same id, same creation time) count.
  const maxAhead = db.prepare<[], { id: number | null }>(`
    SELECT max(a.transfer_id) AS id FROM records_transfers_ahead a
      JOIN transfers t ON t.id = a.transfer_id AND t.created_at = a.created_at`)
  const shippedAhead = db.prepare<[number, number], { n: number }>(`
    SELECT count(*) AS n FROM records_transfers_ahead a
      JOIN transfers t ON t.id = a.transfer_id AND t.created_at = a.created_at
     WHERE a.seq <= ? AND a.transfer_id > ?`)
  const shippedAheadOlder = db.prepare<[number, number, number], { n: number }>(`
    SELECT count(*) AS n FROM records_transfers_ahead a
      JOIN transfers t ON t.id = a.transfer_id AND t.created_at = a.created_at
     WHERE a.seq <= ? AND a.transfer_id > ? AND t.created_at < ?`)
  const taps = db.prepare<[number, number], TapRow>(`
    SELECT t.id, t.at, t.tag_code, g.label AS tag_label, t.device_id, t.ip, t.outcome
      FROM taps t LEFT JOIN tags g ON g.id = t.tag_id
     WHERE t.id > ? ORDER BY t.id LIMIT ?`)
  // Transfers after the cursor, without those made into a batch ahead already.
  const transfersNotMade = db.prepare<[number, number], TransferRow>(`
    SELECT r.id, r.tap_id, r.tag_code, g.label AS tag_label, v.chain_id AS video_chain, v.title AS video_title,
           r.rendition, r.tier, r.device_id, r.ip, r.status, r.bytes_total, r.bytes_sent, r.created_at, r.finished_at
      FROM transfers r LEFT JOIN tags g ON g.id = r.tag_id LEFT JOIN videos v ON v.id = r.video_id
     WHERE r.id > ? AND NOT EXISTS (
             SELECT 1 FROM records_transfers_ahead a WHERE a.transfer_id = r.id AND a.created_at = r.created_at)
     ORDER BY r.id LIMIT ?`)
  const funnel = db.prepare<[number, number], FunnelRow>(`
    SELECT f.id, f.transfer_id, f.kind, f.platform, g.code AS tag_code, f.transfer_at, f.first_at, f.count
      FROM funnel_events f LEFT JOIN tags g ON g.id = f.tag_id
     WHERE f.id > ? ORDER BY f.id LIMIT ?`)
  // Days with totals only: the empty days retention marks as rolled (back 90 days at a first start) ship nothing.
  // Days are rolled in order, so no day before the cursor gets totals later.
  const rolledDays = db.prepare<[string, number], { day: string }>(
    'SELECT DISTINCT day FROM daily_tags WHERE day > ? ORDER BY day LIMIT ?',
  )
  const dayRows = db.prepare<[string], DayRow>(`
    SELECT d.day, coalesce(g.code, '#' || d.tag_id) AS tag_code, g.label AS tag_label, d.taps, d.refused,
           d.transfers, d.completed, d.failed, d.bytes
      FROM daily_tags d LEFT JOIN tags g ON g.id = d.tag_id
     WHERE d.day = ? ORDER BY d.tag_id`)
  const after = (table: 'taps' | 'transfers' | 'funnel_events') =>
    db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM ${table} WHERE id > ?`)
  const countAfter = { taps: after('taps'), transfers: after('transfers'), funnel: after('funnel_events') }
  const olderHeld = db.prepare<[number, number, number, number, number, number], { n: number }>(`
    SELECT (SELECT count(*) FROM taps WHERE at < ? AND id > ?)
         + (SELECT count(*) FROM transfers WHERE created_at < ? AND id > ?)
         + (SELECT count(*) FROM funnel_events WHERE transfer_at < ? AND id > ?) AS n`)

  const shippedUpTo = (): { cursor: RecordsCursor; at: number | null; seq: number } => {
    const r = lastShipped.get() as Record<string, unknown> | undefined
    return r
      ? { cursor: toBatch(r).cursor, at: r.shipped_at as number, seq: r.seq as number }
      : { cursor: ZERO, at: null, seq: 0 }
  }

  return {
    /** This database's claim on a store id, or null when it has none yet. */
    claimOf: (storeId: string): RecordsClaim | null => claimOf.get(storeId) ?? null,
    /** Keeps a claim (a second one for the same store id loses on the primary key). */
    addClaim: (c: RecordsClaim): void => void addClaim.run(c),
    /** Whether this database made a batch whose key starts with `prefix` (a store's own records prefix). */
    madeUnder: (prefix: string): boolean => madeUnder.get(prefix, prefix) !== undefined,
    /** Where the newest batch ends (what the next batch starts after). */
    madeUpTo(): { cursor: RecordsCursor; seq: number; day: string } {
      const r = last.get() as Record<string, unknown> | undefined
      if (!r) return { cursor: ZERO, seq: 0, day: '' }
      const b = toBatch(r)
      return { cursor: b.cursor, seq: b.seq, day: b.day }
    },
    /** Where the newest batch headquarters' store confirmed ends: rows up to here may age out. */
    shippedUpTo,
    firstUnshipped(): OutboxBatch | null {
      const r = firstUnshipped.get() as Record<string, unknown> | undefined
      return r ? toBatch(r) : null
    },
    tapsAfter: (id: number, limit: number) => taps.all(id, limit),
    /**
     * Transfers after `id` not in a batch yet (those shipped ahead of an open one left out), read as the caller
     * goes: it stops when its batch is full. No other statement may run on this connection until it is done.
     */
    transfersNotMadeAfter: (id: number, limit: number) => transfersNotMade.iterate(id, limit),
    /** The last transfer shipped ahead of an open one (0 when none is waiting for the cursor). */
    lastAhead: (): number => maxAhead.get()?.id ?? 0,
    funnelAfter: (id: number, limit: number) => funnel.all(id, limit),
    rolledDaysAfter: (day: string, limit: number) => rolledDays.all(day, limit).map((r) => r.day),
    dayTotals: (day: string) => dayRows.all(day),
    /** Records a new batch (its sequence number must be the next one: a second maker loses on the primary key). */
    add: immediate(
      db.transaction(
        (
          b: Omit<OutboxBatch, 'shippedAt' | 'etag' | 'body'> & {
            body: Buffer
            ahead?: Array<{ id: number; createdAt: number }>
            /** The database's claim on the store id, kept with its first batch there. */
            claim?: RecordsClaim
          },
        ) => {
          if (b.claim) addClaim.run(b.claim)
          insert.run({ ...b, ...b.cursor })
          for (const a of b.ahead ?? []) addAhead.run(a.id, a.createdAt, b.seq)
        },
      ),
    ),
    /** The batch is at headquarters' store: marked so, and the transfers it shipped ahead that its cursor passed go. */
    markShipped: immediate(
      db.transaction((seq: number, etag: string, at: number) => {
        const marked = markShipped.run({ seq, etag, at }).changes === 1
        if (marked) dropAheadUpTo.run(seq)
        return marked
      }),
    ),
    /** Rows not confirmed at headquarters' store yet (made into a batch or not). */
    unshipped(): number {
      const { cursor: c, seq } = shippedUpTo()
      return (
        countAfter.taps.get(c.taps)!.n +
        countAfter.transfers.get(c.transfers)!.n -
        shippedAhead.get(seq, c.transfers)!.n +
        countAfter.funnel.get(c.funnel)!.n
      )
    },
    /** Rows older than `before` that retention keeps because they are not shipped yet. */
    heldBack(before: number): number {
      const { cursor: c, seq } = shippedUpTo()
      return (
        olderHeld.get(before, c.taps, before, c.transfers, before, c.funnel)!.n -
        shippedAheadOlder.get(seq, c.transfers, before)!.n
      )
    },
  }
}

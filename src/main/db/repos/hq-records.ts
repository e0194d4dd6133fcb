import type { Database } from 'better-sqlite3'
import { FunnelEventKindSchema } from '../../../shared/contract/funnel'
import { PlatformSchema } from '../../../shared/contract/publish'
import { oneOf } from '../check'
import { immediate } from '../immediate'
import type { FunnelCountRow } from './funnel'

export type HqRecordsRepo = ReturnType<typeof hqRecordsRepo>

export interface HqTap {
  id: number
  day: string
  at: number
  tagCode: string
  tagLabel: string | null
  device: string | null
  ip: string | null
  outcome: string
}
export interface HqTransfer {
  id: number
  day: string
  tapId: number | null
  tagCode: string
  tagLabel: string | null
  videoChainId: string | null
  videoTitle: string | null
  rendition: string
  tier: string
  device: string | null
  ip: string | null
  status: string
  bytesTotal: number
  bytesSent: number
  createdAt: number
  finishedAt: number | null
}
export interface HqFunnel {
  id: number
  day: string
  transferId: number
  kind: string
  platform: string
  tagCode: string | null
  at: number
  count: number
}
export interface HqStoreDay {
  day: string
  tagCode: string
  tagLabel: string | null
  taps: number
  refused: number
  transfers: number
  completed: number
  failed: number
  bytes: number
}

export interface HqBatch {
  storeId: string
  seq: number
  key: string
  createdAt: number
  taps: HqTap[]
  transfers: HqTransfer[]
  funnel: HqFunnel[]
  days: HqStoreDay[]
}

/** One day's totals across stores (or of one store): the dashboard's trend. */
export interface HqDay {
  day: string
  taps: number
  transfers: number
  completed: number
  failed: number
  expired: number
  /** Transfers where a platform was chosen (the funnel's last step). */
  published: number
}

type Counts = {
  taps: number
  transfers: number
  completed: number
  failed: number
  expired: number
  bytes: number
  funnel: number
}

export interface HqStoreRecords {
  storeId: string
  taps: number
  transfers: number
  completed: number
  /** Transfers that ended failed, and that expired (waited too long, or their link ran out). */
  failed: number
  expired: number
  funnel: number
  batches: number
  quarantined: number
  lastSeq: number
  lastRecordAt: number | null
  lastAppliedAt: number | null
  lastBatchAt: number | null
}

/**
 * Headquarters' copy of every store's records (migration 12): a batch is applied once per (store, sequence) — the
 * primary key of hq_record_batches says so, and each record's (store, id) too — with the daily roll-up per store
 * in the same transaction, so the roll-up never counts a record twice or misses one.
 */
export function hqRecordsRepo(db: Database) {
  const hasBatch = db.prepare<[string, number], { seq: number; key: string }>(
    'SELECT seq, key FROM hq_record_batches WHERE store_id = ? AND seq = ?',
  )
  const addBatch = db.prepare(
    'INSERT INTO hq_record_batches (store_id, seq, key, records, applied_at) VALUES (?, ?, ?, ?, ?)',
  )
  const tap = db.prepare(`
    INSERT OR IGNORE INTO hq_taps (store_id, id, day, at, tag_code, tag_label, device, ip, outcome)
    VALUES (@storeId, @id, @day, @at, @tagCode, @tagLabel, @device, @ip, @outcome)`)
  const transfer = db.prepare(`
    INSERT OR IGNORE INTO hq_transfers (store_id, id, day, tap_id, tag_code, tag_label, video_chain, video_title,
      rendition, tier, device, ip, status, bytes_total, bytes_sent, created_at, finished_at)
    VALUES (@storeId, @id, @day, @tapId, @tagCode, @tagLabel, @videoChainId, @videoTitle, @rendition, @tier, @device,
      @ip, @status, @bytesTotal, @bytesSent, @createdAt, @finishedAt)`)
  const funnel = db.prepare(`
    INSERT OR IGNORE INTO hq_funnel (store_id, id, day, transfer_id, kind, platform, tag_code, at, count)
    VALUES (@storeId, @id, @day, @transferId, @kind, @platform, @tagCode, @at, @count)`)
  const storeDay = db.prepare(`
    INSERT OR REPLACE INTO hq_store_days (store_id, day, tag_code, tag_label, taps, refused, transfers, completed, failed, bytes)
    VALUES (@storeId, @day, @tagCode, @tagLabel, @taps, @refused, @transfers, @completed, @failed, @bytes)`)
  const daily = db.prepare(`
    INSERT INTO hq_daily (store_id, day, taps, transfers, completed, failed, expired, bytes, funnel)
    VALUES (@storeId, @day, @taps, @transfers, @completed, @failed, @expired, @bytes, @funnel)
    ON CONFLICT (store_id, day) DO UPDATE SET taps = taps + excluded.taps, transfers = transfers + excluded.transfers,
      completed = completed + excluded.completed, failed = failed + excluded.failed,
      expired = expired + excluded.expired, bytes = bytes + excluded.bytes, funnel = funnel + excluded.funnel`)
  const dailyFunnel = db.prepare(`
    INSERT INTO hq_daily_funnel (day, store_id, step, platform, n) VALUES (@day, @storeId, @step, @platform, @n)
    ON CONFLICT (day, store_id, step, platform) DO UPDATE SET n = n + excluded.n`)
  const placement = db.prepare(`
    INSERT INTO hq_daily_placements (day, store_id, label, campaign, title, transfers, completed)
    VALUES (@day, @storeId, @label, @campaign, @title, @transfers, @completed)
    ON CONFLICT (day, store_id, label, campaign) DO UPDATE SET transfers = transfers + excluded.transfers,
      completed = completed + excluded.completed, title = coalesce(excluded.title, title)`)
  const byPlacement = db.prepare<
    [string],
    { label: string; transfers: number; completed: number; stores: number }
  >(`
    SELECT label, sum(transfers) AS transfers, sum(completed) AS completed, count(DISTINCT store_id) AS stores
      FROM hq_daily_placements WHERE day >= ? GROUP BY label ORDER BY transfers DESC, label LIMIT 50`)
  const byCampaign = db.prepare<
    [string],
    { campaign: string; title: string | null; transfers: number; completed: number; stores: number }
  >(`
    SELECT campaign, max(title) AS title, sum(transfers) AS transfers, sum(completed) AS completed,
           count(DISTINCT store_id) AS stores
      FROM hq_daily_placements WHERE day >= ? AND campaign != '' GROUP BY campaign
     ORDER BY transfers DESC, campaign LIMIT 50`)
  const touchStore = db.prepare(`
    INSERT INTO hq_record_stores (store_id, last_key, last_seq, batches, quarantined, last_record_at, last_applied_at, last_shipped_at)
    VALUES (@storeId, @key, @seq, @batches, @quarantined, @recordAt, @now, @batchAt)
    ON CONFLICT (store_id) DO UPDATE SET
      last_key = max(coalesce(last_key, ''), excluded.last_key),
      last_seq = max(last_seq, excluded.last_seq),
      batches = batches + excluded.batches,
      quarantined = quarantined + excluded.quarantined,
      last_record_at = max(coalesce(last_record_at, 0), coalesce(excluded.last_record_at, 0)),
      last_applied_at = coalesce(excluded.last_applied_at, last_applied_at),
      last_shipped_at = max(coalesce(last_shipped_at, 0), coalesce(excluded.last_shipped_at, 0))`)
  const quarantine = db.prepare(
    'INSERT OR IGNORE INTO hq_record_quarantine (store_id, key, reason, at) VALUES (?, ?, ?, ?)',
  )
  const lastKey = db.prepare<[string], { last_key: string | null }>(
    'SELECT last_key FROM hq_record_stores WHERE store_id = ?',
  )
  const knownStores = db.prepare<[], { store_id: string }>(
    'SELECT store_id FROM hq_record_stores ORDER BY store_id',
  )
  const stores = db.prepare<[], Record<string, number | string | null>>(`
    SELECT s.store_id, s.batches, s.quarantined, s.last_seq, nullif(s.last_record_at, 0) AS last_record_at,
           s.last_applied_at, nullif(s.last_shipped_at, 0) AS last_shipped_at,
           coalesce(sum(d.taps), 0) AS taps, coalesce(sum(d.transfers), 0) AS transfers,
           coalesce(sum(d.completed), 0) AS completed, coalesce(sum(d.failed), 0) AS failed,
           coalesce(sum(d.expired), 0) AS expired, coalesce(sum(d.funnel), 0) AS funnel
      FROM hq_record_stores s LEFT JOIN hq_daily d ON d.store_id = s.store_id
     GROUP BY s.store_id ORDER BY s.store_id`)
  // A period's counts: whole days from the roll-up, the part of a day before them from the raw records (at most a
  // day of rows, by the time indexes), so the dashboard answers in the same time for a day or for a year.
  const rawTaps = db.prepare<[number, number], { store_id: string; n: number }>(
    'SELECT store_id, count(*) AS n FROM hq_taps INDEXED BY hq_taps_by_time WHERE at >= ? AND at < ? GROUP BY store_id',
  )
  const rawTransfers = db.prepare<
    [number, number],
    { store_id: string; n: number; completed: number; failed: number; expired: number }
  >(`
    SELECT store_id, count(*) AS n, sum(status = 'completed') AS completed, sum(status = 'failed') AS failed,
           sum(status = 'expired') AS expired
      FROM hq_transfers INDEXED BY hq_transfers_by_time WHERE created_at >= ? AND created_at < ? GROUP BY store_id`)
  const rawFunnel = db.prepare<[number, number], { store_id: string; n: number }>(
    'SELECT store_id, count(*) AS n FROM hq_funnel INDEXED BY hq_funnel_by_time WHERE at >= ? AND at < ? GROUP BY store_id',
  )
  const dailyFrom = db.prepare<[string], { store_id: string } & Omit<Counts, 'bytes'>>(`
    SELECT store_id, sum(taps) AS taps, sum(transfers) AS transfers, sum(completed) AS completed,
           sum(failed) AS failed, sum(expired) AS expired, sum(funnel) AS funnel
      FROM hq_daily INDEXED BY hq_daily_by_day WHERE day >= ? GROUP BY store_id`)
  // The dashboard's trend, funnel and failures: whole days from the roll-ups only, for every store or one.
  const trend = db.prepare<{ from: string; store: string | null }, HqDay>(`
    SELECT d.day, sum(d.taps) AS taps, sum(d.transfers) AS transfers, sum(d.completed) AS completed,
           sum(d.failed) AS failed, sum(d.expired) AS expired,
           coalesce((SELECT sum(f.n) FROM hq_daily_funnel f
                      WHERE f.day = d.day AND f.step = 'platform-chosen' AND f.platform = ''
                        AND (@store IS NULL OR f.store_id = @store)), 0) AS published
      FROM hq_daily d INDEXED BY hq_daily_by_day
     WHERE d.day >= @from AND (@store IS NULL OR d.store_id = @store)
     GROUP BY d.day ORDER BY d.day`)
  const funnelSteps = db.prepare<
    { from: string; store: string | null },
    { step: string; platform: string; n: number }
  >(`
    SELECT step, platform, sum(n) AS n FROM hq_daily_funnel
     WHERE day >= @from AND (@store IS NULL OR store_id = @store) GROUP BY step, platform`)
  const firstDay = db.prepare<[], { day: string | null }>('SELECT min(day) AS day FROM hq_daily')
  const quarantined = db.prepare<[], { store_id: string; key: string; reason: string; at: number }>(
    'SELECT store_id, key, reason, at FROM hq_record_quarantine ORDER BY id',
  )
  const quarantinedNewest = db.prepare<
    { store: string | null; limit: number },
    { store_id: string; key: string; reason: string; at: number }
  >(`
    SELECT store_id, key, reason, at FROM hq_record_quarantine
     WHERE @store IS NULL OR store_id = @store ORDER BY id DESC LIMIT @limit`)

  const zero = (): Counts => ({
    taps: 0,
    transfers: 0,
    completed: 0,
    failed: 0,
    expired: 0,
    bytes: 0,
    funnel: 0,
  })

  return {
    lastKey: (storeId: string): string | null => lastKey.get(storeId)?.last_key ?? null,
    knownStores: (): string[] => knownStores.all().map((r) => r.store_id),
    /**
     * Applies one batch; false when it was applied before (nothing changes then but where ingest stands). A batch
     * whose sequence number was applied from another object is not this one again: a second database ships under
     * the store id (two hubs with one id, a database restored from an old copy). Answered `{ clash }` and not applied.
     */
    apply: immediate(
      db.transaction((b: HqBatch, now: number): boolean | { clash: string } => {
        const storeId = b.storeId
        const before = hasBatch.get(storeId, b.seq)
        if (before && before.key !== b.key) return { clash: before.key }
        if (before) {
          touchStore.run({
            storeId,
            key: b.key,
            seq: b.seq,
            batches: 0,
            quarantined: 0,
            recordAt: null,
            now,
            batchAt: null,
          })
          return false
        }
        const records = b.taps.length + b.transfers.length + b.funnel.length + b.days.length
        addBatch.run(storeId, b.seq, b.key, records, now)
        const days = new Map<string, Counts>()
        const steps = new Map<string, { day: string; step: string; platform: string; n: number }>()
        const places = new Map<
          string,
          {
            day: string
            label: string
            campaign: string
            title: string | null
            transfers: number
            completed: number
          }
        >()
        const on = (day: string) => {
          let s = days.get(day)
          if (!s) days.set(day, (s = zero()))
          return s
        }
        let recordAt: number | null = null
        const seen = (t: number) => (recordAt = Math.max(recordAt ?? 0, t))
        for (const t of b.taps) {
          if (tap.run({ storeId, ...t }).changes) on(t.day).taps++
          seen(t.at)
        }
        for (const t of b.transfers) {
          if (transfer.run({ storeId, ...t }).changes) {
            const s = on(t.day)
            s.transfers++
            if (t.status === 'completed') s.completed++
            else if (t.status === 'failed') s.failed++
            else if (t.status === 'expired') s.expired++
            s.bytes += t.bytesSent
            const label = t.tagLabel ?? ''
            const campaign = t.videoChainId ?? ''
            const k = JSON.stringify([t.day, label, campaign])
            let p = places.get(k)
            if (!p)
              places.set(
                k,
                (p = { day: t.day, label, campaign, title: t.videoTitle, transfers: 0, completed: 0 }),
              )
            p.transfers++
            if (t.status === 'completed') p.completed++
          }
          seen(t.finishedAt ?? t.createdAt)
        }
        for (const f of b.funnel) {
          if (funnel.run({ storeId, ...f }).changes) {
            on(f.day).funnel++
            const k = JSON.stringify([f.day, f.kind, f.platform])
            const step = steps.get(k)
            if (step) step.n++
            else steps.set(k, { day: f.day, step: f.kind, platform: f.platform, n: 1 })
          }
          seen(f.at)
        }
        for (const d of b.days) storeDay.run({ storeId, ...d })
        for (const [day, s] of days) daily.run({ storeId, day, ...s })
        for (const p of places.values()) placement.run({ storeId, ...p })
        for (const f of steps.values()) dailyFunnel.run({ storeId, ...f })
        touchStore.run({
          storeId,
          key: b.key,
          seq: b.seq,
          batches: 1,
          quarantined: 0,
          recordAt,
          now,
          batchAt: b.createdAt,
        })
        return true
      }),
    ),
    /**
     * An object ingest could not read: kept aside with why. With `moveOn` ingest starts after its key from now on;
     * without (a name that is not a records key, which may sort after every real one) it stays where it was.
     */
    quarantine: immediate(
      db.transaction(
        (storeId: string, key: string, reason: string, now: number, moveOn: boolean): boolean => {
          const added = quarantine.run(storeId, key, reason, now).changes === 1
          touchStore.run({
            storeId,
            key: moveOn ? key : (lastKey.get(storeId)?.last_key ?? ''),
            seq: 0,
            batches: 0,
            quarantined: added ? 1 : 0,
            recordAt: null,
            // Set aside is not received: "last received" stays the last batch applied.
            now: null,
            batchAt: null,
          })
          return added
        },
      ),
    ),
    /**
     * Every store's totals; with `since`, of the records at or after `from`: the raw records up to `nextDay` (the
     * next local midnight, its day `nextDayKey`), the daily roll-up from then on.
     */
    stores(since: { from: number; nextDay: number; nextDayKey: string } | null = null): HqStoreRecords[] {
      const rows = stores.all().map((r) => ({
        storeId: r.store_id as string,
        taps: r.taps as number,
        transfers: r.transfers as number,
        completed: r.completed as number,
        failed: r.failed as number,
        expired: r.expired as number,
        funnel: r.funnel as number,
        batches: r.batches as number,
        quarantined: r.quarantined as number,
        lastSeq: r.last_seq as number,
        lastRecordAt: (r.last_record_at as number | null) ?? null,
        lastAppliedAt: (r.last_applied_at as number | null) ?? null,
        lastBatchAt: (r.last_shipped_at as number | null) ?? null,
      }))
      if (since === null) return rows
      const { from: sinceMs, nextDay, nextDayKey } = since
      type Period = Omit<Counts, 'bytes'>
      const sums = new Map<string, Period>()
      const add = (id: string, v: Partial<Period>) => {
        const s = sums.get(id) ?? { taps: 0, transfers: 0, completed: 0, failed: 0, expired: 0, funnel: 0 }
        for (const k of Object.keys(s) as Array<keyof Period>) s[k] += v[k] ?? 0
        sums.set(id, s)
      }
      for (const r of dailyFrom.all(nextDayKey)) add(r.store_id, r)
      for (const r of rawTaps.all(sinceMs, nextDay)) add(r.store_id, { taps: r.n })
      for (const r of rawTransfers.all(sinceMs, nextDay))
        add(r.store_id, { transfers: r.n, completed: r.completed, failed: r.failed, expired: r.expired })
      for (const r of rawFunnel.all(sinceMs, nextDay)) add(r.store_id, { funnel: r.n })
      return rows.map((r) => ({
        ...r,
        taps: 0,
        transfers: 0,
        completed: 0,
        failed: 0,
        expired: 0,
        funnel: 0,
        ...sums.get(r.storeId),
      }))
    },
    /** Transfers by placement label and by campaign video across stores, from the day `fromDay` on ('' = all). */
    breakdown: (fromDay: string) => ({
      placements: byPlacement.all(fromDay),
      campaigns: byCampaign.all(fromDay),
    }),
    /**
     * Per day from `fromDay` on ('' = from the first), across every store or one: taps, transfers, completed,
     * failed, expired, and transfers where a platform was chosen. Only days with records; the caller fills the gaps.
     */
    trend: (fromDay: string, store: string | null = null): HqDay[] => trend.all({ from: fromDay, store }),
    /** Funnel steps (transfers per step and platform) from `fromDay` on, across every store or one. */
    funnelSteps: (fromDay: string, store: string | null = null): FunnelCountRow[] =>
      funnelSteps.all({ from: fromDay, store }).map((r) => ({
        group: 0,
        step: oneOf(FunnelEventKindSchema, 'hq_daily_funnel', 'step', r.step),
        platform: r.platform === '' ? '' : oneOf(PlatformSchema, 'hq_daily_funnel', 'platform', r.platform),
        n: r.n,
      })),
    /** The first day HQ holds records of (null before any). */
    firstDay: (): string | null => firstDay.get()?.day ?? null,
    quarantined: () =>
      quarantined.all().map((r) => ({ storeId: r.store_id, key: r.key, reason: r.reason, at: r.at })),
    /** The objects set aside last, newest first: of every store or one. */
    quarantinedNewest: (store: string | null, limit: number) =>
      quarantinedNewest
        .all({ store, limit })
        .map((r) => ({ storeId: r.store_id, key: r.key, reason: r.reason, at: r.at })),
  }
}

import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { Repos } from '../../../db/repos'
import type { OutboxBatch, RecordsClaim, RecordsCursor } from '../../../db/repos/records'
import type { ConfigStore } from '../../config/store'
import { HubError } from '../../errors'
import { dayKey } from '../../time/days'
import { listAll } from '../listing'
import { isObjectStoreError, type ObjectStore } from '../object-store'
import type { ChainService } from '../service'
import { encodeBatch, parseRecordsKey, recordsKey, recordsStorePrefix, type ChainRecord } from './format'
import { shippedDevice, shippedIp, type RecordsPrivacy } from './privacy'
import { recordsTicker, type Ticker } from './ticker'

/** Rows of each table per batch: a batch stays a small object (a few hundred KB gzip'd at most). */
const BATCH_ROWS = 2000
/** Finished days' totals per batch. */
const BATCH_DAYS = 31
/** A transfer in these states changes no more; any other is final once its link has expired. */
const FINAL = new Set(['completed', 'failed', 'expired'])
/**
 * Transfers looked at per batch, open ones included: a store keeps at most a day's abandoned downloads open (the
 * link's life), far fewer than this, so the final ones after them are always within reach.
 */
const SCAN_TRANSFERS = 10 * BATCH_ROWS

export interface RecordsOutboxDeps {
  chain: ChainService
  repos: Repos
  config: ConfigStore
  logger: Logger
  now?: () => number
}

export interface OutboxView {
  unshipped: number
  lastShippedAt: string | null
  /** Why the last attempt to ship failed (null after one that succeeded). */
  error: { code: string; message: string } | null
}

/**
 * A chain store's outbox (issue 21): its taps, transfers in a final state, funnel steps and finished days' totals
 * go to headquarters through the object store in batches, each exactly once.
 *
 * A batch is made in one transaction: the next sequence number, its key, its exact gzip'd bytes and how far each
 * table has gone into batches. Only then is it put, with If-None-Match (an object is never overwritten), and only
 * after the store confirms it (its ETag; the S3 store sends Content-MD5, which the store checks before it keeps the
 * bytes) is it marked shipped. After a crash or kill -9 the unshipped batch is put again from the same bytes under
 * the same key: if the first put had landed, the store answers `changed` and the object's SHA-256 shows it is ours.
 * Batches ship one after another, so headquarters lists them in order. Rows are never changed for this: a table's
 * cursor is the last row id in a batch. A transfer ships once it is final; one that is not yet (still
 * downloading, or stopped with its link still working: a phone that played half the video keeps it open for the
 * link's life, a day by default) must not hold back the ones after it, or headquarters would see a store's
 * transfers a day late. So the transfer cursor stays before the first open transfer, and the final ones after it
 * are shipped ahead and listed (records_transfers_ahead, in the batch's transaction) so no batch makes them again.
 */
export class RecordsOutbox {
  private readonly ticker: Ticker
  private readonly now: () => number
  private error: OutboxView['error'] = null

  constructor(private readonly d: RecordsOutboxDeps) {
    this.now = d.now ?? Date.now
    this.ticker = recordsTicker(() => this.pass(), d.config)
  }

  /** A configured store: the role, a connection, a store id. */
  active(): boolean {
    const s = this.d.chain.setup()
    return s.role === 'store' && s.connection !== null && s.missing.length === 0 && s.storeId !== null
  }

  start(): void {
    this.ticker.start(1000)
  }

  stop(): Promise<void> {
    return this.ticker.stop()
  }

  /** Makes and ships what there is now; resolves when the pass is over (tests, `chain records --ship`). */
  shipNow(): Promise<void> {
    return this.ticker.runNow()
  }

  view(): OutboxView {
    const shipped = this.d.repos.records.shippedUpTo()
    return {
      unshipped: this.d.repos.records.unshipped(),
      lastShippedAt: shipped.at === null ? null : new Date(shipped.at).toISOString(),
      error: this.error,
    }
  }

  /** The rows retention must keep (not confirmed at headquarters yet), or null when this hub ships nothing. */
  keepAfter(): RecordsCursor | null {
    return this.active() ? this.d.repos.records.shippedUpTo().cursor : null
  }

  private privacy(): RecordsPrivacy {
    const c = this.d.config.values
    return { devices: c.chainRecordsDevices, ips: c.chainRecordsIps, salt: c.chainRecordsSalt }
  }

  private async pass(): Promise<'ok' | 'failed'> {
    if (!this.active()) return 'ok'
    try {
      const store = await this.d.chain.store()
      const storeId = this.d.chain.setup().storeId!
      let shipped = 0
      for (;;) {
        const batch = this.d.repos.records.firstUnshipped() ?? (await this.next(store, storeId))
        if (!batch) break
        await this.ship(store, batch)
        shipped++
      }
      if (shipped) this.d.logger.info({ batches: shipped }, 'records shipped to headquarters')
      this.error = null
      return 'ok'
    } catch (err) {
      const e = err instanceof HubError ? err : null
      this.error = { code: e?.code ?? 'internal-error', message: (err as Error).message }
      this.d.logger.warn(
        { code: this.error.code, reason: this.error.message },
        'records not shipped; trying again',
      )
      if (!e) this.d.logger.error({ err }, 'records outbox: unexpected error')
      return 'failed'
    }
  }

  /**
   * The next batch under the store id, with this database's claim on it. The claim is made with its first batch
   * there (kept in the batch's transaction), from a listing of the bucket taken just before: when the bucket holds
   * records of that store id from another database (the store's PC replaced or reinstalled, keeping its id), this
   * one's batches go on after the newest there, on no earlier day, and the ids it ships are shifted past any that
   * database could have shipped: by the claim's time in ms × 1000 (a database before would have needed a thousand
   * rows per millisecond of its life to get there). Headquarters keeps a store's batches by sequence number and
   * its rows by id: without this it took the new database's as repeats of the old one's and dropped them. Until
   * there is something to ship, nothing is listed or kept (the old PC may still be shipping meanwhile).
   */
  private async next(store: ObjectStore, storeId: string): Promise<OutboxBatch | null> {
    const repo = this.d.repos.records
    const known = repo.claimOf(storeId)
    if (known) return this.make(known)
    const now = this.now()
    const claim: RecordsClaim = { storeId, seqAfter: 0, dayFloor: '', idBase: 0, at: now }
    // This database started the store id's records: nothing to look for.
    if (repo.madeUnder(recordsStorePrefix(storeId))) {
      repo.addClaim(claim)
      return this.make(claim)
    }
    if (!this.rowsToShip()) return null
    let newest: { seq: number; day: string } | null = null
    try {
      newest = await newestRecordsKey(store, storeId, now)
    } catch (err) {
      // Keys that may put but not list: ship as the first database of this id (a clash shows at headquarters).
      if (!isObjectStoreError(err, 'forbidden')) throw err
      this.d.logger.warn(
        { storeId },
        'records: listing is not allowed with these keys; not checked for earlier records',
      )
    }
    if (newest) {
      claim.seqAfter = newest.seq
      claim.dayFloor = newest.day
      claim.idBase = now * 1000
      this.d.logger.warn(
        { storeId, after: newest.seq, day: newest.day },
        'this store id has records from another database at headquarters: this one continues after them',
      )
    }
    return this.make(claim, true)
  }

  /** Whether any tap, transfer or funnel step is after the cursors (a cheap look, before listing the bucket). */
  private rowsToShip(): boolean {
    const repo = this.d.repos.records
    const c = repo.madeUpTo().cursor
    if (repo.tapsAfter(c.taps, 1).length || repo.funnelAfter(c.funnel, 1).length) return true
    for (const _ of repo.transfersNotMadeAfter(c.transfers, 1)) return true
    return false
  }

  /**
   * The next batch from the rows after the last one made, recorded with its bytes; null when there is nothing.
   * `newClaim`: the claim is kept with this batch (its first under the store id).
   */
  make(claim: RecordsClaim, newClaim = false): OutboxBatch | null {
    const repo = this.d.repos.records
    const storeId = claim.storeId
    const prev = repo.madeUpTo()
    // The ids headquarters knows this store's rows by.
    const base = claim.idBase
    const shipped = (id: number) => id + base
    const now = this.now()
    const p = this.privacy()
    const ttl = this.d.config.values.transferTtlHours * 3_600_000
    const cursor = { ...prev.cursor }
    const records: ChainRecord[] = []

    for (const t of repo.tapsAfter(cursor.taps, BATCH_ROWS)) {
      records.push({
        t: 'tap',
        id: shipped(t.id),
        day: dayKey(t.at),
        at: t.at,
        tagCode: t.tag_code,
        tagLabel: t.tag_label,
        device: shippedDevice(t.device_id, p),
        ip: shippedIp(t.ip, p),
        outcome: t.outcome,
      })
      cursor.taps = t.id
    }
    // The first transfer that may still change: the cursor stops before it, the final ones after it ship ahead.
    let open: number | null = null
    let taken = 0
    let full = false
    const ahead: Array<{ id: number; createdAt: number }> = []
    let scanned = 0
    for (const r of repo.transfersNotMadeAfter(cursor.transfers, SCAN_TRANSFERS)) {
      scanned++
      if (!FINAL.has(r.status) && r.created_at + ttl > now) {
        open ??= r.id
        continue
      }
      if (taken === BATCH_ROWS) {
        full = true
        break
      }
      taken++
      records.push({
        t: 'transfer',
        id: shipped(r.id),
        day: dayKey(r.created_at),
        tapId: r.tap_id === null ? null : shipped(r.tap_id),
        tagCode: r.tag_code,
        tagLabel: r.tag_label,
        videoChainId: r.video_chain,
        videoTitle: r.video_title,
        rendition: r.rendition,
        tier: r.tier,
        device: shippedDevice(r.device_id, p),
        ip: shippedIp(r.ip, p),
        status: r.status as 'completed',
        bytesTotal: r.bytes_total,
        bytesSent: r.bytes_sent,
        createdAt: r.created_at,
        finishedAt: r.finished_at,
      })
      if (open === null) cursor.transfers = r.id
      else ahead.push({ id: r.id, createdAt: r.created_at })
    }
    // Every transfer before the first open one is in a batch now (this one, or one before that shipped it ahead);
    // with none open and all looked at, so is every one shipped ahead.
    if (open !== null) cursor.transfers = Math.max(cursor.transfers, open - 1)
    else if (!full && scanned < SCAN_TRANSFERS)
      cursor.transfers = Math.max(cursor.transfers, repo.lastAhead())
    for (const f of repo.funnelAfter(cursor.funnel, BATCH_ROWS)) {
      records.push({
        t: 'funnel',
        id: shipped(f.id),
        day: dayKey(f.transfer_at),
        transferId: shipped(f.transfer_id),
        kind: f.kind,
        platform: f.platform,
        tagCode: f.tag_code,
        at: f.first_at,
        count: f.count,
      })
      cursor.funnel = f.id
    }
    for (const day of repo.rolledDaysAfter(cursor.days, BATCH_DAYS)) {
      for (const d of repo.dayTotals(day))
        records.push({
          t: 'day',
          day: d.day,
          tagCode: d.tag_code,
          tagLabel: d.tag_label,
          taps: d.taps,
          refused: d.refused,
          transfers: d.transfers,
          completed: d.completed,
          failed: d.failed,
          bytes: d.bytes,
        })
      cursor.days = day
    }
    if (records.length === 0 && cursor.days === prev.cursor.days) return null

    const seq = Math.max(prev.seq, claim.seqAfter) + 1
    // Never before the previous batch's day: headquarters reads each store's keys in order.
    const day = [dayKey(now), prev.day, claim.dayFloor].reduce((a, b) => (b > a ? b : a))
    const key = recordsKey(storeId, day, seq)
    const body = encodeBatch({
      header: { t: 'batch', v: 1, store: storeId, seq, createdAt: now, records: records.length },
      records,
    })
    const sha256 = createHash('sha256').update(body).digest('hex')
    const batch = {
      seq,
      key,
      day,
      cursor,
      records: records.length,
      body,
      size: body.length,
      sha256,
      createdAt: now,
    }
    repo.add({ ...batch, ahead, ...(newClaim ? { claim } : {}) })
    return { ...batch, shippedAt: null, etag: null }
  }

  /** Puts the batch's object once and marks it shipped when the store confirmed it. */
  private async ship(store: ObjectStore, b: OutboxBatch): Promise<void> {
    if (!b.body) throw new HubError('internal-error', `records batch ${b.seq} has no bytes to ship`)
    let etag: string
    try {
      const put = await store.put(b.key, b.body, {
        ifNoneMatch: '*',
        contentType: 'application/gzip',
        metadata: { seq: String(b.seq) },
      })
      if (put.sha256 !== b.sha256 || !put.etag)
        throw new HubError('chain-invalid', `the object store did not confirm ${b.key}`)
      etag = put.etag
    } catch (err) {
      if (!isObjectStoreError(err, 'changed')) throw err
      // Already there: our own put that landed before a crash, if its bytes are ours.
      const there = await store.head(b.key)
      if (!there || there.sha256 !== b.sha256 || there.size !== b.size)
        throw new HubError(
          'chain-changed',
          `${b.key} in the bucket is not this store's batch ${b.seq}: is another hub using store id ${this.d.chain.setup().storeId}?`,
          { key: b.key },
        )
      etag = there.etag
    }
    this.d.repos.records.markShipped(b.seq, etag, this.now())
  }
}

/**
 * The newest records key of a store in the bucket, or null: listed from yesterday on, then from further back, so a
 * store with a long history costs a request or two, not its whole listing.
 */
async function newestRecordsKey(
  store: ObjectStore,
  storeId: string,
  now: number,
): Promise<{ seq: number; day: string } | null> {
  const prefix = recordsStorePrefix(storeId)
  for (const daysBack of [1, 8, 32, 367, null]) {
    const startAfter = daysBack === null ? undefined : prefix + dayKey(now - daysBack * 86_400_000)
    let newest: { seq: number; day: string } | null = null
    // Listings come in key order: the last records key is the newest.
    for await (const o of listAll(store, prefix, { startAfter })) {
      const k = parseRecordsKey(o.key)
      if (k?.storeId === storeId) newest = { seq: k.seq, day: k.day }
    }
    if (newest) return newest
  }
  return null
}

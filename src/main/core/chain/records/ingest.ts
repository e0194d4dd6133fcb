import type { Logger } from 'pino'
import type { Repos } from '../../../db/repos'
import type { HqBatch, HqStoreRecords } from '../../../db/repos/hq-records'
import { HubError } from '../../errors'
import { STORES_PREFIX, storeIdOfStatusKey } from '../keys'
import { listAll } from '../listing'
import { isObjectStoreError, type ObjectStore } from '../object-store'
import type { ChainService } from '../service'
import { decodeBatch, parseRecordsKey, recordsStorePrefix, type Batch } from './format'
import { recordsTicker, type Ticker } from './ticker'
import { addDays, dayKey } from '../../time/days'
import type { ConfigStore } from '../../config/store'

/** The largest records object read (a batch is far smaller; anything bigger is not one of ours). */
const MAX_OBJECT = 32 * 1024 * 1024

export interface RecordsIngestDeps {
  chain: ChainService
  repos: Repos
  config: ConfigStore
  logger: Logger
  /** An object that could not be read was quarantined: staff are told (a notification). */
  notifyQuarantined: (params: Record<string, string | number>) => void
  /** New records were applied (the dashboard updates live). */
  onApplied?: () => void
  now?: () => number
}

export interface IngestView {
  lastRunAt: string | null
  error: { code: string; message: string } | null
}

/**
 * Headquarters' side of the records (issue 21): for each store (those that write a status object, and those seen
 * before) it lists the store's record objects after the last key it applied — keys sort in the order the store
 * shipped them — reads each (checked against the SHA-256 the store recorded), and applies it in one transaction,
 * once per (store, sequence). An object that is not gzip'd JSON lines of this format, or fails its checksum, is
 * quarantined (kept in a table with why, a notification raised) and ingest goes on past it; an object store that
 * does not answer stops the pass, which is tried again later from where it stood.
 */
export class RecordsIngest {
  private readonly ticker: Ticker
  private readonly now: () => number
  private lastRunAt: number | null = null
  private error: IngestView['error'] = null

  constructor(private readonly d: RecordsIngestDeps) {
    this.now = d.now ?? Date.now
    this.ticker = recordsTicker(() => this.pass(), d.config)
  }

  active(): boolean {
    const s = this.d.chain.setup()
    return s.role === 'hq' && s.connection !== null && s.missing.length === 0
  }

  start(): void {
    this.ticker.start(1000)
  }

  stop(): Promise<void> {
    return this.ticker.stop()
  }

  /** A pass now; resolves when it is over. */
  ingestNow(): Promise<void> {
    return this.ticker.runNow()
  }

  /** Every store's totals from HQ's database; with `sinceMs`, of the records at or after it. */
  stores(sinceMs: number | null): HqStoreRecords[] {
    if (sinceMs === null) return this.d.repos.hqRecords.stores(null)
    const nextDay = addDays(sinceMs, 1)
    return this.d.repos.hqRecords.stores({ from: sinceMs, nextDay, nextDayKey: dayKey(nextDay) })
  }

  /** Transfers by placement and by campaign across stores, whole days from the day of `sinceMs` on. */
  breakdown(sinceMs: number | null) {
    return this.d.repos.hqRecords.breakdown(sinceMs === null ? '' : dayKey(sinceMs))
  }

  view(): IngestView {
    return {
      lastRunAt: this.lastRunAt === null ? null : new Date(this.lastRunAt).toISOString(),
      error: this.error,
    }
  }

  private async pass(): Promise<'ok' | 'failed'> {
    if (!this.active()) return 'ok'
    try {
      const store = await this.d.chain.store()
      const applied = await this.ingest(store)
      this.lastRunAt = this.now()
      this.error = null
      if (applied) {
        this.d.logger.info({ batches: applied }, 'records applied')
        this.d.onApplied?.()
      }
      return 'ok'
    } catch (err) {
      const e = err instanceof HubError ? err : null
      this.error = { code: e?.code ?? 'internal-error', message: (err as Error).message }
      this.d.logger.warn(
        { code: this.error.code, reason: this.error.message },
        'records ingest failed; trying again',
      )
      if (!e) this.d.logger.error({ err }, 'records ingest: unexpected error')
      return 'failed'
    }
  }

  /** Every store's new objects, in order; returns how many batches were applied. */
  async ingest(store: ObjectStore): Promise<number> {
    const ids = new Set(this.d.repos.hqRecords.knownStores())
    for await (const o of listAll(store, STORES_PREFIX)) {
      const id = storeIdOfStatusKey(o.key)
      if (id) ids.add(id)
    }
    let applied = 0
    for (const storeId of [...ids].sort()) applied += await this.ingestStore(store, storeId)
    return applied
  }

  private async ingestStore(store: ObjectStore, storeId: string): Promise<number> {
    const hq = this.d.repos.hqRecords
    let applied = 0
    const startAfter = hq.lastKey(storeId) ?? undefined
    for await (const o of listAll(store, recordsStorePrefix(storeId), { startAfter })) {
      const where = parseRecordsKey(o.key)
      let batch: Batch
      try {
        if (!where || where.storeId !== storeId)
          throw new HubError('chain-invalid', `${o.key} is not a records object's name`)
        const got = await store.get(o.key, { maxBytes: MAX_OBJECT })
        if (got.status !== 'ok') throw new HubError('chain-invalid', `${o.key} could not be read`)
        batch = decodeBatch(got.body, o.key)
      } catch (err) {
        // A damaged or foreign object: aside with why, and on to the next. The network or the store: stop here.
        const unreadable =
          isObjectStoreError(err, 'checksum') ||
          isObjectStoreError(err, 'invalid') ||
          (err instanceof HubError && err.code === 'chain-invalid')
        if (!unreadable) throw err
        // A name that is not a records key may sort after every real one: ingest must not start after it.
        this.setAside(storeId, o.key, (err as Error).message, where !== null)
        continue
      }
      const done = hq.apply(toHqBatch(storeId, o.key, batch), this.now())
      if (typeof done === 'object') {
        // Set aside with why, as an unreadable object is: HQ and the store's owner have something to look into.
        this.setAside(
          storeId,
          o.key,
          `batch ${batch.header.seq} of ${storeId} was applied from ${done.clash} already: two databases ship records under this store id (two hubs with one id, or a database restored from an older copy)`,
          true,
        )
        continue
      }
      if (done) applied++
    }
    return applied
  }

  /** An object not applied: kept aside with why (once), logged and notified; `moveOn`: ingest goes on after it. */
  private setAside(storeId: string, key: string, reason: string, moveOn: boolean): void {
    if (!this.d.repos.hqRecords.quarantine(storeId, key, reason, this.now(), moveOn)) return
    this.d.logger.error({ storeId, key, reason }, 'records object quarantined')
    this.d.notifyQuarantined({ store: storeId, key, reason: reason.slice(0, 200) })
  }
}

function toHqBatch(storeId: string, key: string, b: Batch): HqBatch {
  const out: HqBatch = {
    storeId,
    seq: b.header.seq,
    key,
    createdAt: b.header.createdAt,
    taps: [],
    transfers: [],
    funnel: [],
    days: [],
  }
  for (const r of b.records) {
    if (r.t === 'tap') {
      const { t: _t, ...rest } = r
      out.taps.push(rest)
    } else if (r.t === 'transfer') {
      const { t: _t, ...rest } = r
      out.transfers.push(rest)
    } else if (r.t === 'funnel') {
      const { t: _t, ...rest } = r
      out.funnel.push(rest)
    } else {
      const { t: _t, ...rest } = r
      out.days.push(rest)
    }
  }
  return out
}

import type { Repos } from '../../../db/repos'
import type { HqDay } from '../../../db/repos/hq-records'
import {
  QUARANTINE_LIST_MAX,
  type ChainQuarantined,
  type ChainRecordsCsvQuery,
  type ChainRecordsScope,
  type ChainRecordsStore,
  type ChainRecordsTrend,
} from '../../../../shared/contract/chain'
import { emptyFunnel, type FunnelCounts } from '../../../../shared/contract/funnel'
import type { Language } from '../../../../shared/languages'
import { requireRole, type CallContext } from '../../auth/actor'
import { HubError } from '../../errors'
import { addCounts } from '../../funnel/window'
import { addDays, dayKey, dayStart } from '../../time/days'
import type { ChainService } from '../service'
import { recordsDaysCsv, recordsStoresCsv } from './csv'
import type { RecordsIngest } from './ingest'

/** The longest trend drawn, in days: a year (a leap year's). */
export const TREND_MAX_DAYS = 366

export interface RecordsDashboardDeps {
  chain: ChainService
  repos: Pick<Repos, 'hqRecords'>
  ingest: RecordsIngest
  /** The names stores give themselves in their status objects (the CSV's store column); empty when unreadable. */
  storeNames: (ctx: CallContext) => Promise<ReadonlyMap<string, string | null>>
  now?: () => number
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/**
 * Headquarters' chain dashboard (issue 21): every store's totals for a period, by placement and campaign, the
 * trend per day, the publish funnel across stores, and the CSV of the table and the trend. Only at HQ and for any
 * logged-in role (viewer up): one check here for the API and the CSV route alike. A period is `since` (any time for
 * the totals; whole local days from its day for the rest, read from the daily roll-ups).
 */
export class RecordsDashboard {
  private readonly now: () => number

  constructor(private readonly d: RecordsDashboardDeps) {
    this.now = d.now ?? Date.now
  }

  private requireHq(ctx: CallContext): void {
    requireRole(ctx, 'viewer')
    if (this.d.chain.setup().role !== 'hq')
      throw new HubError(
        'chain-wrong-role',
        'the chain’s records are at headquarters (chainRole hq); this hub is a store',
      )
  }

  /** The objects set aside, newest first (the failures card lists them with why). */
  quarantine(ctx: CallContext, args: { store?: string }): ChainQuarantined[] {
    this.requireHq(ctx)
    return this.d.repos.hqRecords
      .quarantinedNewest(args.store ?? null, QUARANTINE_LIST_MAX)
      .map((q) => ({ store: q.storeId, key: q.key, reason: q.reason, at: new Date(q.at).toISOString() }))
  }

  /** What each store's records add up to (`refresh` looks in the bucket for new objects first). */
  async stores(
    ctx: CallContext,
    args: ChainRecordsScope & { refresh?: boolean },
  ): Promise<ChainRecordsStore[]> {
    this.requireHq(ctx)
    if (args.refresh && this.d.ingest.active()) await this.d.ingest.ingestNow()
    return this.d.ingest
      .stores(args.since ? Date.parse(args.since) : null)
      .filter((r) => !args.store || r.storeId === args.store)
      .map((r) => ({
        store: r.storeId,
        taps: r.taps,
        transfers: r.transfers,
        completed: r.completed,
        failed: r.failed,
        expired: r.expired,
        funnel: r.funnel,
        lastRecordAt: iso(r.lastRecordAt),
        lastBatchAt: iso(r.lastBatchAt),
        lastAppliedAt: iso(r.lastAppliedAt),
        batches: r.batches,
        lastSeq: r.lastSeq,
        quarantined: r.quarantined,
      }))
  }

  breakdown(ctx: CallContext, args: Pick<ChainRecordsScope, 'since'>) {
    this.requireHq(ctx)
    return this.d.ingest.breakdown(args.since ? Date.parse(args.since) : null)
  }

  /**
   * Every day of the period (from `since`'s day, or HQ's first day of records, to today), gaps as zeros; at most
   * the last TREND_MAX_DAYS, so a `since` far back does not draw (and hold in memory) a zero for every day since.
   */
  trend(ctx: CallContext, args: ChainRecordsScope): ChainRecordsTrend {
    this.requireHq(ctx)
    const hq = this.d.repos.hqRecords
    const today = dayKey(this.now())
    const end = dayStart(today)
    const asked = args.since ? Date.parse(args.since) : dayStart(hq.firstDay() ?? today)
    // Compared as times, not as day keys: a key's year is not always four digits.
    const from = dayKey(Math.max(asked, addDays(end, 1 - TREND_MAX_DAYS)))
    const got = new Map(hq.trend(from, args.store ?? null).map((d) => [d.day, d]))
    const days: HqDay[] = []
    for (let t = dayStart(from); t <= end; t = addDays(t, 1)) {
      const day = dayKey(t)
      days.push(
        got.get(day) ?? { day, taps: 0, transfers: 0, completed: 0, failed: 0, expired: 0, published: 0 },
      )
    }
    return { from, to: today, days }
  }

  /**
   * The publish funnel over the stores in scope: taps that got a video (transfers), then each step's transfers, by
   * the day of the tap, as each store's own funnel counts them.
   */
  funnel(ctx: CallContext, args: ChainRecordsScope): { from: string; counts: FunnelCounts } {
    this.requireHq(ctx)
    const hq = this.d.repos.hqRecords
    const from = args.since ? dayKey(Date.parse(args.since)) : ''
    const counts = new Map<number, FunnelCounts>([[0, emptyFunnel()]])
    addCounts(counts, hq.funnelSteps(from, args.store ?? null))
    const c = counts.get(0)!
    c.taps = hq.trend(from, args.store ?? null).reduce((a, d) => a + d.transfers, 0)
    return { from: from || (hq.firstDay() ?? dayKey(this.now())), counts: c }
  }

  /** The per-store table or the trend of a period as CSV (UTF-8 with BOM, the console's words in `lang`). */
  async csv(ctx: CallContext, q: ChainRecordsCsvQuery, lang: Language): Promise<string> {
    this.requireHq(ctx)
    const scope = { store: q.store, since: q.since }
    if (q.what === 'days') return recordsDaysCsv(this.trend(ctx, scope).days, lang)
    const rows = await this.stores(ctx, scope)
    const names = await this.d.storeNames(ctx).catch(() => new Map<string, string | null>())
    return recordsStoresCsv(rows, names, lang)
  }
}

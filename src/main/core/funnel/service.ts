import type { Logger } from 'pino'
import type { Repos } from '../../db/repos'
import type { FunnelEventRecord, FunnelGroup, FunnelRow } from '../../db/repos/funnel'
import {
  emptyFunnel,
  FunnelBeaconSchema,
  type FunnelCounts,
  type FunnelEvent,
  type FunnelEventKind,
} from '../../../shared/contract/funnel'
import type { Platform } from '../../../shared/contract/publish'
import { requireRole, type CallContext } from '../auth/actor'
import { RateLimiter } from '../delivery/rate-limit'
import { HubError } from '../errors'
import { addDays, dayKey } from '../time/days'
import { addCounts, splitPeriod } from './window'

/** What the funnel needs to know of a transfer: who it counts under, and when it was made. */
export interface FunnelTransfer {
  id: number
  tagId: number | null
  videoId: number | null
  createdAt: number
}

/** A transfer a page reports for, with the platforms its tag offers now (a platform it does not is refused). */
export interface PageTransfer extends FunnelTransfer {
  platforms: readonly Platform[]
}

/** What came of a beacon; the LAN listener answers each with an empty status (204, 400, 404, 429). */
export type BeaconOutcome = 'recorded' | 'bad-input' | 'unknown-transfer' | 'rate-limited'

export interface FunnelDeps {
  repos: Pick<Repos, 'funnel' | 'douyinShares'>
  logger: Logger
  /** The transfer a media token names while its link works (memory first), or null. */
  transfer: (token: string) => PageTransfer | null
  /** Writes what delivery holds, so the taps SQLite counts are all of them (counts call it first). */
  flushDelivery: () => void
  /** Share ids the hub signed for a transfer and still holds in memory (SQLite is asked when none). */
  douyinShareIds?: (transferId: number) => readonly string[]
  now?: () => number
  /** Told after steps were written (the console's funnel reloads): once per write, never per step. */
  onWritten?: () => void
  /** How often reported steps are written (default 1 s). */
  writeEveryMs?: number
  /** Beacons a minute from one address, and for one transfer (defaults 240 and 60; 0 = no limit). */
  perAddressPerMinute?: () => number
  perTransferPerMinute?: () => number
}

export interface FunnelPeriod {
  since?: string
  until?: string
  /** The last `days` local days with today, instead of `since`. */
  days?: number
}

/** Steps held for the next write at most; past it (SQLite failing for long) new ones are dropped, and logged. */
const MAX_PENDING = 50_000

/**
 * The conversion funnel (issue 18). Phones report what the customer did through the LAN beacon (`record`), the hub
 * adds what it saw itself (`recordHub`: a save that got every byte, a coupon given); each step is kept once per
 * transfer (and platform), never trusted for anything but counting. Reports are checked, limited per address and
 * per transfer, gathered in memory and written in one transaction a second on a timer, so a phone's request
 * never waits for SQLite. `counts` and `breakdown` read the funnel over a period, by the day of the tap, from the
 * daily roll-ups and raw rows.
 */
export class FunnelService {
  private readonly now: () => number
  private readonly pending = new Map<string, FunnelRow>()
  private readonly byAddress: RateLimiter
  private readonly byTransfer: RateLimiter
  private timer: NodeJS.Timeout | null = null
  private dropped = 0

  constructor(private readonly d: FunnelDeps) {
    this.now = d.now ?? Date.now
    this.byAddress = new RateLimiter(d.perAddressPerMinute ?? (() => 240), this.now)
    this.byTransfer = new RateLimiter(d.perTransferPerMinute ?? (() => 60), this.now)
  }

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.d.writeEveryMs ?? 1000)
    this.timer.unref()
  }

  /** Writes what is held (before the database closes). */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.flush()
  }

  // ── recording ──────────────────────────────────────────────────────────────────────────────────────────

  /**
   * A phone page's report for the transfer of `token`. Checked in this order, each failure answered without
   * storing anything: the address's rate, the body (`FunnelBeaconSchema`), the token (a live transfer), the
   * transfer's rate, then what the step names (a platform the tag offers, a share id the hub signed for it).
   */
  record(token: string, body: unknown, ip: string | null): BeaconOutcome {
    if (ip && !this.byAddress.take(ip)) return 'rate-limited'
    const parsed = FunnelBeaconSchema.safeParse(body)
    if (!parsed.success) return 'bad-input'
    const t = this.d.transfer(token)
    if (!t) return 'unknown-transfer'
    if (!this.byTransfer.take(String(t.id))) return 'rate-limited'
    const b = parsed.data
    const at = this.now()
    switch (b.k) {
      case 'platform-chosen':
        if (!t.platforms.includes(b.p)) return 'bad-input'
        this.add(t, 'platform-chosen', '', b.p, at, 1)
        this.add(t, 'platform-chosen', b.p, null, at, 1)
        return 'recorded'
      case 'douyin-share-id':
        if (!this.signedFor(t.id, b.i)) return 'bad-input'
        this.add(t, 'douyin-share-id', '', b.i, at, 1)
        return 'recorded'
      case 'played-to-end':
        // Beacons can be lost or overtake each other: a video played to its end was played.
        this.add(t, 'played', '', null, at, 0)
        this.add(t, 'played-to-end', '', null, at, 1)
        return 'recorded'
      default:
        this.add(t, b.k, '', null, at, 1)
        return 'recorded'
    }
  }

  /** A step the hub saw itself: every byte of a save delivered, a coupon given to the phone. */
  recordHub(
    t: FunnelTransfer,
    kind: 'save-completed' | 'coupon-claimed',
    detail: string | null = null,
  ): void {
    this.add(t, kind, '', detail, this.now(), 1)
  }

  /** Whether the hub signed this share id for this transfer (memory, else the shares SQLite keeps). */
  private signedFor(transferId: number, shareId: string): boolean {
    if (this.d.douyinShareIds?.(transferId).includes(shareId)) return true
    return this.d.repos.douyinShares.find(shareId)?.transferId === transferId
  }

  /** `count` 0: the step is known to have happened (implied by another), without a report of its own. */
  private add(
    t: FunnelTransfer,
    kind: FunnelEventKind,
    platform: Platform | '',
    detail: string | null,
    at: number,
    count: number,
  ): void {
    const key = `${t.id}\u0000${kind}\u0000${platform}`
    const held = this.pending.get(key)
    if (held) {
      held.count += count
      held.lastAt = Math.max(held.lastAt, at)
      return
    }
    if (this.pending.size >= MAX_PENDING) {
      if (this.dropped++ % 1000 === 0)
        this.d.logger.error({ dropped: this.dropped }, 'funnel steps dropped: SQLite has not taken them')
      return
    }
    this.pending.set(key, {
      transferId: t.id,
      kind,
      platform,
      detail,
      tagId: t.tagId,
      videoId: t.videoId,
      transferAt: t.createdAt,
      day: dayKey(t.createdAt),
      firstAt: at,
      lastAt: at,
      count,
    })
  }

  /** Writes the steps held now in one transaction; kept for the next try if it fails. */
  flush(): void {
    if (this.pending.size === 0) return
    const rows = [...this.pending.values()]
    try {
      this.d.repos.funnel.write(rows)
    } catch (err) {
      this.d.logger.warn({ err, steps: rows.length }, 'funnel steps not written yet; trying again')
      return
    }
    this.pending.clear()
    this.d.onWritten?.()
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────────────────

  /** The funnel over a period (taps in [since, until)), for the store, a tag, a video, or both. */
  counts(ctx: CallContext, q: FunnelPeriod & { tagId?: number; videoId?: number }): FunnelResult {
    requireRole(ctx, 'viewer')
    const period = this.period(q)
    const counts = this.read('none', period, { tagId: q.tagId ?? null, videoId: q.videoId ?? null })
    return { ...iso(period), counts: counts.get(0) ?? emptyFunnel() }
  }

  /** The funnel over a period per tag or per video (ids of deleted ones and unknown tags left out). */
  breakdown(
    ctx: CallContext,
    q: FunnelPeriod & { by: 'tag' | 'video' },
  ): { since: string; until: string; rows: Array<{ id: number; counts: FunnelCounts }> } {
    requireRole(ctx, 'viewer')
    const period = this.period(q)
    const counts = this.read(q.by, period, { tagId: null, videoId: null })
    const rows = [...counts]
      .filter(([id]) => id > 0)
      .sort(([a], [b]) => a - b)
      .map(([id, c]) => ({ id, counts: c }))
    return { ...iso(period), rows }
  }

  /** What the customer did with one transfer, in the order each step first happened. */
  ofTransfer(ctx: CallContext, transferId: number): FunnelEvent[] {
    requireRole(ctx, 'viewer')
    return this.stepsOf([transferId]).get(transferId) ?? []
  }

  /**
   * The steps of many transfers (the CSV export: call it per chunk of rows; the caller checks the role), each in
   * the order it first happened. Per-platform rows of `platform-chosen` are listed after its own row.
   */
  stepsOf(transferIds: readonly number[]): Map<number, FunnelEvent[]> {
    this.flush()
    const out = new Map<number, FunnelEvent[]>()
    for (const [id, list] of this.d.repos.funnel.ofTransfers(transferIds)) out.set(id, list.map(view))
    return out
  }

  private period(q: FunnelPeriod): { since: number; until: number } {
    const now = this.now()
    if (q.since !== undefined && q.days !== undefined)
      throw new HubError('bad-request', 'give the start of the period or a number of days, not both')
    const since = q.since ? Date.parse(q.since) : addDays(now, -((q.days ?? 7) - 1))
    const until = q.until ? Date.parse(q.until) : now + 1
    if (since >= until) throw new HubError('bad-request', 'the start of the period must be before its end')
    return { since, until }
  }

  private read(
    group: FunnelGroup,
    p: { since: number; until: number },
    filter: { tagId: number | null; videoId: number | null },
  ): Map<number, FunnelCounts> {
    this.d.flushDelivery()
    this.flush()
    const repo = this.d.repos.funnel
    const split = splitPeriod(p.since, p.until, repo.rolledDays(dayKey(p.since), dayKey(addDays(p.until, 1))))
    const out = new Map<number, FunnelCounts>()
    addCounts(out, repo.rolledCounts(group, { ...filter, days: split.days }))
    for (const r of split.raw) addCounts(out, repo.rawCounts(group, { ...filter, ...r }))
    return out
  }
}

export interface FunnelResult {
  since: string
  until: string
  counts: FunnelCounts
}

function iso(p: { since: number; until: number }): { since: string; until: string } {
  return { since: new Date(p.since).toISOString(), until: new Date(p.until).toISOString() }
}

function view(r: FunnelEventRecord): FunnelEvent {
  return {
    kind: r.kind,
    platform: r.platform,
    detail: r.detail,
    firstAt: new Date(r.firstAt).toISOString(),
    lastAt: new Date(r.lastAt).toISOString(),
    count: r.count,
  }
}

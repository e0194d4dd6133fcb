import type { TransferRecord, TransferStatus } from '../../../db/repos/delivery'
import { startOfDay } from '../../time/days'
import { BloomFilter } from './bloom'
import { Generations } from './generations'

/** A tap on the same tag from the same phone within this time continues its transfer instead of spending quota. */
export const REUSE_WINDOW_MS = 30 * 60_000

/** Statuses that do not use up a phone's daily quota: the phone never got the video. */
const NOT_COUNTED: ReadonlySet<TransferStatus> = new Set(['expired', 'failed'])

/** Whether a transfer counts against its phone's daily quota (created today and not lost). */
export function countsForQuota(r: Pick<TransferRecord, 'status'>): boolean {
  return !NOT_COUNTED.has(r.status)
}

/** Whether a transfer can still be continued by a re-tap of its phone. */
export function reusable(r: Pick<TransferRecord, 'status'>): boolean {
  return !NOT_COUNTED.has(r.status)
}

/**
 * Counts of today's transfers that the tap path checks on every tap — per phone and tier (the daily quota), per tag
 * (its daily cap) — and each phone's latest transfer per tag in the last half hour (a re-tap continues it). They
 * are kept in memory and move with every transfer the records create or end, so a tap reads no SQLite. They are
 * rebuilt from SQLite at start, and start afresh at local midnight.
 *
 * Bounded: a flood of cookie-less taps (each a new phone) would otherwise grow them by a key per tap. They hold at
 * most `maxKeys` keys each, dropping the oldest half at a time into a Bloom filter; a look-up of a key that is not
 * held answers `null` ("ask SQLite") only when the filter says it may have been dropped, so phones never seen still
 * cost no query after a flood.
 */
export class DayCounts {
  private dayStart = 0
  private dayEnd = 0
  private readonly perPhone: Generations<number>
  private readonly perTag = new Map<number, number>()
  /** Phone keys dropped today (null until one is). */
  private phonesDropped: BloomFilter | null = null
  /** deviceId + tag → latest reusable transfer. */
  private readonly recent: Generations<{ id: number; at: number }>
  /** Re-tap keys dropped, by the re-tap window their transfer was made in (at most the last two matter). */
  private readonly recentDropped = new Map<number, BloomFilter>()

  constructor(maxKeys = 100_000) {
    const half = Math.max(1, Math.floor(maxKeys / 2))
    this.perPhone = new Generations(half, (gone) => {
      this.phonesDropped ??= new BloomFilter()
      for (const key of gone.keys()) this.phonesDropped.add(key)
    })
    this.recent = new Generations(half, (gone) => {
      for (const [key, v] of gone) {
        const window = Math.floor(v.at / REUSE_WINDOW_MS)
        let filter = this.recentDropped.get(window)
        if (!filter) this.recentDropped.set(window, (filter = new BloomFilter()))
        filter.add(key)
      }
    })
  }

  /** Starts from what SQLite holds (at start, when nothing is unwritten). */
  load(
    now: number,
    rows: {
      phones: Iterable<{ deviceId: string; tier: string; n: number }>
      tags: Iterable<{ tagId: number; n: number }>
      recent: Iterable<{ id: number; deviceId: string; tagId: number; createdAt: number }>
    },
  ): void {
    this.newDay(now)
    for (const p of rows.phones) this.perPhone.set(phoneKey(p.deviceId, p.tier), p.n)
    for (const t of rows.tags) this.perTag.set(t.tagId, t.n)
    for (const r of rows.recent) this.remember(r.deviceId, r.tagId, r.id, r.createdAt)
  }

  /** Local midnight of the day the counts are for (turning the day over first if it has ended). */
  today(now: number): number {
    if (now >= this.dayEnd) this.newDay(now)
    return this.dayStart
  }

  /** Transfers today for this phone and tier that count against its quota; null when SQLite must be asked. */
  usedByPhone(deviceId: string, tier: string, now: number): number | null {
    this.today(now)
    const key = phoneKey(deviceId, tier)
    const n = this.perPhone.get(key)
    if (n !== undefined) return n
    return this.phonesDropped?.mayHave(key) ? null : 0
  }

  /** Transfers today from this tag (any outcome: a cap limits what the tag hands out). */
  givenByTag(tagId: number, now: number): number {
    this.today(now)
    return this.perTag.get(tagId) ?? 0
  }

  /** The id of this phone's latest reusable transfer from this tag in the window; undefined = none; null = ask SQLite. */
  latest(deviceId: string, tagId: number, now: number): number | undefined | null {
    const key = recentKey(deviceId, tagId)
    const hit = this.recent.get(key)
    if (hit && hit.at >= now - REUSE_WINDOW_MS) return hit.id
    // A transfer made in the window ending now was made in this window period or the one before.
    const window = Math.floor(now / REUSE_WINDOW_MS)
    for (const w of [window, window - 1]) if (this.recentDropped.get(w)?.mayHave(key)) return null
    return undefined
  }

  /** A transfer was created. */
  created(r: TransferRecord): void {
    if (r.createdAt >= this.today(r.createdAt)) {
      if (r.tagId !== null) this.perTag.set(r.tagId, (this.perTag.get(r.tagId) ?? 0) + 1)
      if (countsForQuota(r)) {
        const key = phoneKey(r.deviceId, r.tier)
        this.perPhone.set(key, (this.perPhone.get(key) ?? 0) + 1)
      }
    }
    if (r.tagId !== null && reusable(r)) this.remember(r.deviceId, r.tagId, r.id, r.createdAt)
  }

  /** A transfer's status changed from `was` (an expired or failed one gives its quota back). */
  statusChanged(r: TransferRecord, was: TransferStatus): void {
    if (countsForQuota({ status: was }) && !countsForQuota(r) && r.createdAt >= this.dayStart) {
      const key = phoneKey(r.deviceId, r.tier)
      const n = this.perPhone.get(key)
      if (n !== undefined) this.perPhone.set(key, Math.max(0, n - 1))
    }
    if (r.tagId !== null && !reusable(r)) {
      const key = recentKey(r.deviceId, r.tagId)
      if (this.recent.get(key)?.id === r.id) this.recent.delete(key)
    }
  }

  /** Drops what has left the re-tap window (called every few seconds; a generation goes once all of it has). */
  sweep(now: number): void {
    const cutoff = now - REUSE_WINDOW_MS
    for (const w of this.recentDropped.keys())
      if (w < Math.floor(now / REUSE_WINDOW_MS) - 1) this.recentDropped.delete(w)
    this.recent.dropWhile((generation) => {
      for (const v of generation.values()) if (v.at >= cutoff) return false
      return true
    })
    this.today(now)
  }

  /** Sizes, for tests and diagnostics. */
  get size(): { phones: number; tags: number; recent: number } {
    return { phones: this.perPhone.size, tags: this.perTag.size, recent: this.recent.size }
  }

  private newDay(now: number): void {
    this.dayStart = startOfDay(now)
    this.dayEnd = startOfDay(this.dayStart + 36 * 3_600_000)
    this.perPhone.clear()
    this.perTag.clear()
    this.phonesDropped = null
  }

  private remember(deviceId: string, tagId: number, id: number, at: number): void {
    this.recent.set(recentKey(deviceId, tagId), { id, at })
  }
}

function phoneKey(deviceId: string, tier: string): string {
  return `${tier}:${deviceId}`
}

function recentKey(deviceId: string, tagId: number): string {
  return `${tagId}:${deviceId}`
}

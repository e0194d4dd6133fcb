import type { TransferRecord, TransferStatus } from '../../../db/repos/delivery'
import type { Tier } from '../../../../shared/contract/tags'
import { startOfDay } from '../../time/days'
import { BloomFilter } from './bloom'
import { Generations } from './generations'

/** A tap on the same tag from the same phone within this time continues its transfer instead of spending quota. */
export const REUSE_WINDOW_MS = 30 * 60_000

/** Statuses that do not use up a phone's daily quota: the phone never got the video. */
const NOT_COUNTED: ReadonlySet<TransferStatus> = new Set(['expired', 'failed'])

/** Whether a transfer, if made today, counts against its phone's daily quota (it was not lost). */
export function countsForQuota(r: Pick<TransferRecord, 'status'>): boolean {
  return !NOT_COUNTED.has(r.status)
}

/** Whether a transfer can still be continued by a re-tap of its phone. */
export function reusable(r: Pick<TransferRecord, 'status'>): boolean {
  return !NOT_COUNTED.has(r.status)
}

/** What the tap path needs to know of one phone: today's transfers per tier, its latest transfer per tag. */
export interface PhoneDay {
  /** Local midnight of the day `used` is for (an entry from yesterday counts nothing today). */
  day: number
  used: Record<Tier, number>
  /** The latest reusable transfer per tag, made in the last half hour or so (usually one tag). */
  recent: Array<{ tagId: number; id: number; at: number }>
}

/**
 * A phone's transfers as SQLite (plus what is not written yet) has them: for a phone the counts let go of and that
 * taps again. Recent entries oldest first.
 */
export type RestorePhone = (deviceId: string, dayStart: number, since: number) => PhoneDay

/**
 * Counts of today's transfers that the tap path checks on every tap — per phone and tier (the daily quota), per tag
 * (its daily cap) — and each phone's latest transfer per tag in the last half hour (a re-tap continues it). They are
 * kept in memory, one entry per phone, and move with every transfer the records create or end, so a tap reads no
 * SQLite. They are rebuilt from SQLite at start and count afresh from local midnight.
 *
 * Bounded: a flood of cookie-less taps (each a new phone) would otherwise add an entry per tap. At most `maxKeys`
 * phones are held, the oldest half dropped at a time into a Bloom filter; a phone not held is restored from SQLite
 * (`restore`) only when the filter says it may have been dropped, so a phone never seen costs no query.
 */
export class DayCounts {
  private dayStart = 0
  private dayEnd = 0
  private readonly phones: Generations<PhoneDay>
  private readonly perTag = new Map<number, number>()
  /** Phones dropped to stay within the bound today, and yesterday (null until one is). */
  private dropped: BloomFilter | null = null
  private droppedYesterday: BloomFilter | null = null
  /** Until when phones not held must be looked up (at start, when more phones had transfers than the bound). */
  private incompleteUntil = 0

  constructor(
    private readonly restore: RestorePhone,
    maxKeys = 100_000,
  ) {
    this.phones = new Generations(Math.max(1, Math.floor(maxKeys / 2)), (gone) => {
      this.dropped ??= new BloomFilter()
      for (const key of gone.keys()) this.dropped.add(key)
    })
  }

  /** Starts from what SQLite holds (at start, when nothing is unwritten). */
  load(
    now: number,
    rows: {
      phones: Iterable<{ deviceId: string; tier: Tier; n: number }>
      tags: Iterable<{ tagId: number; n: number }>
      recent: Iterable<{ id: number; deviceId: string; tagId: number; createdAt: number }>
      /** Whether the phones, and the re-tap entries, are all there are (the queries load at most the bound). */
      allPhones: boolean
      allRecent: boolean
    },
  ): void {
    this.newDay(now)
    this.dropped = null
    this.droppedYesterday = null
    // What did not fit is not in any filter: until it no longer matters, every phone not held is looked up.
    this.incompleteUntil = Math.max(
      rows.allPhones ? 0 : this.dayEnd,
      rows.allRecent ? 0 : now + REUSE_WINDOW_MS,
    )
    for (const p of rows.phones) this.entry(p.deviceId, true).used[p.tier] = p.n
    for (const t of rows.tags) this.perTag.set(t.tagId, t.n)
    for (const r of rows.recent) remember(this.entry(r.deviceId, true), r.tagId, r.id, r.createdAt)
  }

  /** Local midnight of the day the counts are for (turning the day over first if it has ended). */
  today(now: number): number {
    if (now >= this.dayEnd) this.newDay(now)
    return this.dayStart
  }

  /** Transfers today for this phone and tier that count against its quota. */
  usedByPhone(deviceId: string, tier: Tier, now: number): number {
    const day = this.today(now)
    const e = this.find(deviceId, now)
    return e && e.day === day ? e.used[tier] : 0
  }

  /** Transfers today from this tag (any outcome: a cap limits what the tag hands out). */
  givenByTag(tagId: number, now: number): number {
    this.today(now)
    return this.perTag.get(tagId) ?? 0
  }

  /** The id of this phone's latest reusable transfer from this tag in the re-tap window, if any. */
  latest(deviceId: string, tagId: number, now: number): number | undefined {
    const e = this.find(deviceId, now)
    const hit = e?.recent.find((r) => r.tagId === tagId)
    return hit && hit.at >= now - REUSE_WINDOW_MS ? hit.id : undefined
  }

  /** A transfer was created (`newPhone`: its device id was made by this very tap, so nothing is known of it). */
  created(r: TransferRecord, newPhone = false): void {
    const day = this.today(r.createdAt)
    if (r.tagId !== null) this.perTag.set(r.tagId, (this.perTag.get(r.tagId) ?? 0) + 1)
    const held = newPhone ? this.fresh(r.deviceId, day) : this.phones.get(r.deviceId)
    // A phone restored from SQLite now has this transfer already (it is among those not written yet).
    if (!held && this.mayHaveDropped(r.deviceId, r.createdAt))
      return void this.entry(r.deviceId, false, r.createdAt)
    const e = held ?? this.fresh(r.deviceId, day)
    if (e.day !== day) {
      e.day = day
      e.used = { normal: 0, vip: 0 }
    }
    if (countsForQuota(r)) e.used[r.tier]++
    if (r.tagId !== null && reusable(r)) remember(e, r.tagId, r.id, r.createdAt)
  }

  /** A transfer's status changed from `was` (an expired or failed one gives its quota back). */
  statusChanged(r: TransferRecord, was: TransferStatus): void {
    // A phone not held is either in the dropped filter (restored from SQLite and memory, this change included, if it
    // taps again) or was swept for having nothing today and no transfer in the re-tap window.
    const e = this.phones.get(r.deviceId)
    if (!e) return
    // Both ways: a failed transfer that is served after all (its file back, a resume) counts again.
    const change = Number(countsForQuota(r)) - Number(countsForQuota({ status: was }))
    if (change !== 0 && e.day === this.dayStart && r.createdAt >= this.dayStart)
      e.used[r.tier] = Math.max(0, e.used[r.tier] + change)
    if (r.tagId === null) return
    if (!reusable(r)) e.recent = e.recent.filter((x) => x.id !== r.id)
    else if (!reusable({ status: was })) {
      const held = e.recent.find((x) => x.tagId === r.tagId)
      if (!held || held.id < r.id) remember(e, r.tagId, r.id, r.createdAt)
    }
  }

  /** A deleted tag: its count and every phone's re-tap entry for it go (its transfers' rows no longer name it). */
  forgetTag(tagId: number): void {
    this.perTag.delete(tagId)
    this.phones.forEach((e) => {
      if (e.recent.some((r) => r.tagId === tagId)) e.recent = e.recent.filter((r) => r.tagId !== tagId)
    })
  }

  /** Drops phones with nothing left to count (called every few seconds; a generation goes once all of it has). */
  sweep(now: number): void {
    const day = this.today(now)
    const cutoff = now - REUSE_WINDOW_MS
    this.phones.dropWhile((generation) => {
      for (const e of generation.values())
        if ((e.day === day && (e.used.normal > 0 || e.used.vip > 0)) || e.recent.some((r) => r.at >= cutoff))
          return false
      return true
    })
  }

  /** Sizes, for tests and diagnostics. */
  get size(): { phones: number; tags: number } {
    return { phones: this.phones.size, tags: this.perTag.size }
  }

  /** The phone's entry if held, or restored from SQLite if it may have been let go of; undefined if never seen. */
  private find(deviceId: string, now: number): PhoneDay | undefined {
    const e = this.phones.get(deviceId)
    if (e || !this.mayHaveDropped(deviceId, now)) return e
    return this.entry(deviceId, false, now)
  }

  private mayHaveDropped(deviceId: string, now: number): boolean {
    if (now < this.incompleteUntil) return true
    if (this.droppedYesterday && now >= this.dayStart + REUSE_WINDOW_MS) this.droppedYesterday = null
    return Boolean(this.dropped?.mayHave(deviceId) || this.droppedYesterday?.mayHave(deviceId))
  }

  /** The phone's entry, made (restored from SQLite if it may have been let go of) when not held. */
  private entry(deviceId: string, loading: boolean, now = 0): PhoneDay {
    const held = this.phones.get(deviceId)
    if (held) return held
    if (!loading && this.mayHaveDropped(deviceId, now)) {
      const e = this.restore(deviceId, this.dayStart, now - REUSE_WINDOW_MS)
      this.phones.set(deviceId, e)
      return e
    }
    return this.fresh(deviceId, this.dayStart)
  }

  private fresh(deviceId: string, day: number): PhoneDay {
    const e: PhoneDay = { day, used: { normal: 0, vip: 0 }, recent: [] }
    this.phones.set(deviceId, e)
    return e
  }

  private newDay(now: number): void {
    this.dayStart = startOfDay(now)
    this.dayEnd = startOfDay(this.dayStart + 36 * 3_600_000)
    this.perTag.clear()
    // Entries from yesterday count nothing today (their `day` says so). Phones dropped yesterday may still have a
    // transfer in the re-tap window, so yesterday's filter is asked until half an hour past midnight.
    this.droppedYesterday = this.dropped
    this.dropped = null
  }
}

function remember(e: PhoneDay, tagId: number, id: number, at: number): void {
  const i = e.recent.findIndex((r) => r.tagId === tagId)
  if (i >= 0) e.recent.splice(i, 1)
  e.recent.push({ tagId, id, at })
}

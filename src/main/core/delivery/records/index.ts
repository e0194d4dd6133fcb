import type { Logger } from 'pino'
import type { DeliveryRepo, NewTap, TimelineEvent, TransferRecord } from '../../../db/repos/delivery'
import type { TransferStatus } from '../../../../shared/contract/transfers'
import type { TransferPhase } from '../../../../shared/contract/transfers'
import { TransferBook, type LiveTransfer } from './book'
import { countsForQuota, DayCounts, reusable, REUSE_WINDOW_MS, type PhoneDay } from './counts'
import { directWriter, type BatchWriter } from './writer'

export type { LiveTransfer } from './book'
export { ENDED_SHOWN_MS, IDLE_KEPT_MS } from './book'

/** How often memory is swept (ended transfers leave two minutes after they end, so a few seconds late is fine). */
const SWEEP_EVERY_MS = 5_000

export interface DeliveryRecordsDeps {
  repo: DeliveryRepo
  logger: Logger
  /** Every change of a transfer the console may show (progress throttled to ~4/s per transfer). */
  onChange: (t: LiveTransfer, phase: TransferPhase) => void
  now?: () => number
  /** Keys the in-memory counts hold at most (see DayCounts); tests make it small. */
  maxKeys?: number
  /** How long a transfer's link works (transferTtlHours). */
  linkMs?: () => number
}

/**
 * The one owner of taps and transfers as records: what is in flight in memory (the book), what goes to SQLite and
 * when (batches, written by a thread of their own), and the counts the tap path needs — "including what is not
 * written yet" is answered here and nowhere else. Nothing on the tap or media path waits for SQLite: new taps and
 * transfers get their ids here and are written within ~50 ms, bytes are saved once a second, a tag's rotate
 * cursor rides with the same batches. A crash loses at most that last moment; what SQLite holds is always whole.
 */
export class DeliveryRecords {
  private readonly book: TransferBook
  private readonly counts: DayCounts
  /** Per tag, deliveries per video over all time (least-delivered pools), loaded on first use. */
  private readonly perVideo = new Map<number, Map<number, number>>()
  /** Rotate cursors moved since start (fresher than the tag rows, which are written behind). */
  private readonly cursors = new Map<number, number>()
  private readonly now: () => number
  private sweepTimer: NodeJS.Timeout | null = null

  constructor(private readonly d: DeliveryRecordsDeps) {
    this.now = d.now ?? Date.now
    this.counts = new DayCounts((deviceId, day, since) => this.restorePhone(deviceId, day, since), d.maxKeys)
    this.book = new TransferBook(
      d.repo,
      {
        changed: d.onChange,
        status: (t, was) => this.counts.statusChanged(t.record, was),
      },
      d.logger,
      this.now,
      d.linkMs,
    )
  }

  /**
   * After a restart nothing is being sent any more (transfers cut off mid-way stay resumable; those waiting in line
   * expire); the counts are rebuilt from SQLite; batches go to `writer` from now on.
   */
  start(writer: BatchWriter = directWriter(this.d.repo)): void {
    this.book.start(writer)
    const now = this.now()
    const limit = this.d.maxKeys ?? 100_000
    const phones = this.d.repo.phonesSince(this.counts.today(now), limit)
    const recent = this.d.repo.reusableSince(now - REUSE_WINDOW_MS, limit)
    this.counts.load(now, {
      phones,
      tags: this.d.repo.tagsSince(this.counts.today(now)),
      recent,
      allPhones: phones.length < limit,
      allRecent: recent.length < limit,
    })
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_EVERY_MS)
    this.sweepTimer.unref()
  }

  /** Lets go of what is no longer needed in memory: ended transfers, re-tap entries past their window. */
  sweep(): void {
    this.book.evict()
    this.counts.sweep(this.now())
  }

  /** Writes everything held and closes the writer. */
  stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer)
    return this.book.stop()
  }

  /** Returns once SQLite holds every tap, transfer and byte count so far (readers of SQLite call this first). */
  flush(): void {
    this.book.flush()
  }

  // ── recording ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Records a tap (written with the next batch); returns its id. */
  addTap(tap: NewTap): number {
    return this.book.addTap(tap)
  }

  /** The id the next transfer will get: admission places a transfer in line before it is made. */
  nextId(): number {
    return this.book.nextId()
  }

  /**
   * A new transfer (its `id` from `nextId()`): its row goes with the next batch; it counts at once. `newPhone`:
   * its device id was made by this very tap, so nothing is known of the phone yet.
   */
  create(record: TransferRecord, newPhone = false): LiveTransfer {
    const t = this.book.create(record)
    this.counts.created(t.record, newPhone)
    if (t.record.tagId !== null && t.record.videoId !== null) {
      const videos = this.perVideo.get(t.record.tagId)
      if (videos) videos.set(t.record.videoId, (videos.get(t.record.videoId) ?? 0) + 1)
    }
    return t
  }

  setStatus(t: LiveTransfer, status: TransferStatus, error: string | null, phase?: TransferPhase): void {
    this.book.setStatus(t, status, error, phase)
  }

  /** Adds a step to the transfer's timeline. */
  step(
    t: LiveTransfer,
    kind: TimelineEvent['kind'],
    extra?: Partial<Pick<TimelineEvent, 'at' | 'rangeStart' | 'rangeEnd' | 'bytes' | 'note'>>,
  ): void {
    this.book.step(t, kind, extra)
  }

  streamStarted(t: LiveTransfer, at?: number, start?: number): void {
    this.book.streamStarted(t, at, start)
  }

  sent(t: LiveTransfer, offset: number, length: number): void {
    this.book.sent(t, offset, length)
  }

  streamEnded(t: LiveTransfer, cut: boolean, unconfirmed?: { from: number; to: number }): void {
    this.book.streamEnded(t, cut, unconfirmed)
  }

  // ── look-ups ───────────────────────────────────────────────────────────────────────────────────────────────

  /** A transfer by its media token, from memory or SQLite. */
  byToken(token: string): LiveTransfer | null {
    return this.book.byTokenOrLoad(token)
  }

  /** A transfer by id, from memory or SQLite. */
  byId(id: number): LiveTransfer | null {
    return this.book.byId(id)
  }

  /** A transfer by id if it is in memory (live: fresher than its row). */
  held(id: number): LiveTransfer | undefined {
    return this.book.get(id)
  }

  /** Every transfer in memory (the live views filter them). */
  inMemory(): LiveTransfer[] {
    return this.book.liveTransfers()
  }

  // ── the counts of the tap path (including what is not written yet) ──────────────────────────────────────

  /** This phone's transfers today at this tier that use up its quota. */
  usedToday(deviceId: string, tier: TransferRecord['tier']): number {
    return this.counts.usedByPhone(deviceId, tier, this.now())
  }

  /** Transfers this tag handed out today. */
  givenToday(tagId: number): number {
    return this.counts.givenByTag(tagId, this.now())
  }

  /** This phone's latest transfer from this tag in the re-tap window that can still be continued, if any. */
  latestFor(deviceId: string, tagId: number): LiveTransfer | null {
    const id = this.counts.latest(deviceId, tagId, this.now())
    const t = id === undefined ? null : this.book.byId(id)
    return t && reusable(t.record) ? t : null
  }

  /**
   * A phone the counts let go of, as SQLite has it plus the transfers SQLite did not have at that read (above the
   * newest id it saw), each in its freshest state (memory before SQLite).
   */
  private restorePhone(deviceId: string, day: number, since: number): PhoneDay {
    const from = Math.min(day, since)
    const saved = this.d.repo.ofDeviceSince(deviceId, from)
    const rows: Array<Pick<TransferRecord, 'id' | 'tier' | 'tagId' | 'status' | 'createdAt'>> =
      saved.rows.map((r) => this.book.get(r.id)?.record ?? r)
    for (const { record: r } of this.book.unwritten())
      if (r.id > saved.top && r.deviceId === deviceId && r.createdAt >= from) rows.push(r)
    const phone: PhoneDay = { day, used: { normal: 0, vip: 0 }, recent: [] }
    for (const r of rows) {
      if (r.createdAt >= day && countsForQuota(r)) phone.used[r.tier]++
      if (r.tagId !== null && r.createdAt >= since && reusable(r)) {
        phone.recent = phone.recent.filter((x) => x.tagId !== r.tagId)
        phone.recent.push({ tagId: r.tagId, id: r.id, at: r.createdAt })
      }
    }
    return phone
  }

  /** Deliveries per video of this tag, over all time (what `least-delivered` evens out). */
  deliveredPerVideo(tagId: number): ReadonlyMap<number, number> {
    let videos = this.perVideo.get(tagId)
    if (!videos) {
      // Once per tag and run: SQLite (with everything written) is the start, new transfers add to it.
      this.flush()
      videos = this.d.repo.deliveriesPerVideo(tagId)
      this.perVideo.set(tagId, videos)
    }
    return videos
  }

  /** A deleted tag: what is kept by its id goes, since the next new tag may get that id (SQLite reuses it). */
  forgetTag(tagId: number): void {
    this.perVideo.delete(tagId)
    this.cursors.delete(tagId)
    this.counts.forgetTag(tagId)
  }

  /** A tag's rotate cursor: the last one moved here, else the one its row holds. */
  cursor(tagId: number, stored: number): number {
    return this.cursors.get(tagId) ?? stored
  }

  setCursor(tagId: number, cursor: number): void {
    this.cursors.set(tagId, cursor)
    this.book.setCursor(tagId, cursor)
  }

  /** Sizes of what is held in memory (tests and diagnostics). */
  get memory(): { transfers: number; phones: number; tags: number } {
    return { transfers: this.book.size, ...this.counts.size }
  }
}

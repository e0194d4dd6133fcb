import type { Logger } from 'pino'
import {
  batchOps,
  type DeliveryRepo,
  type NewTap,
  type TimelineEvent,
  type TransferRecord,
} from '../../../db/repos/delivery'
import type { TransferStatus } from '../../../../shared/contract/transfers'
import type { TransferPhase } from '../../../../shared/contract/transfers'
import { Coverage } from './coverage'
import { directWriter, type BatchWriter } from './writer'

export interface LiveTransfer {
  record: TransferRecord
  coverage: Coverage
  openStreams: number
  lastEmit: number
  /** Bytes of the last cut response that went out unconfirmed (see streamEnded); memory only. */
  unconfirmed?: { from: number; to: number }
}

export interface BookListener {
  /** Every change the console may show (throttled for progress). */
  changed(t: LiveTransfer, phase: TransferPhase): void
  /** A status change, before `changed` (the day counts follow it). */
  status(t: LiveTransfer, was: TransferStatus): void
}

/** Ended transfers stay in memory this long: the console's live views show what ended in the last two minutes. */
export const ENDED_SHOWN_MS = 2 * 60_000
/** A transfer admitted but left alone (no download, no change) for this long leaves memory; SQLite has it. */
export const IDLE_KEPT_MS = 10 * 60_000

const FINISHED: ReadonlySet<TransferStatus> = new Set(['completed', 'failed', 'expired'])

/**
 * Taps and transfers in flight. Nothing on the tap or media path waits for SQLite: new taps and transfers get
 * their ids here and are written in one transaction within ~50 ms; bytes are counted in memory as they go out and
 * saved once a second (at once when a transfer ends). A crash loses at most that last moment; what SQLite holds
 * is always whole. Batches go to a BatchWriter (in the hub: a thread of its own), one at a time and in order.
 */
export class TransferBook {
  private readonly live = new Map<number, LiveTransfer>()
  private readonly byToken = new Map<string, number>()
  private readonly dirty = new Set<number>()
  private pendingTaps: Array<NewTap & { id: number }> = []
  private created: LiveTransfer[] = []
  private events: TimelineEvent[] = []
  /** Rotate cursors to save (tag id → cursor), written with the next batch like the rest. */
  private cursors = new Map<number, number>()
  /** The batch the writer has and has not settled yet; the next waits for it, so batches commit in order. */
  private inFlight: InFlight | null = null
  private writeAgain = false
  private nextTapId = 1
  private nextTransferId = 1
  private timer: NodeJS.Timeout | null = null
  private flushSoon: NodeJS.Immediate | null = null
  private flushShortly: NodeJS.Timeout | null = null
  /** Batches failed since the last one saved (a full disk fails one a second), and when that was last logged. */
  private failures = { count: 0, since: 0, loggedAt: 0 }

  constructor(
    private readonly repo: DeliveryRepo,
    private readonly listener: BookListener,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    /** How long a transfer's link works: a cut download may come back for its rest until then. */
    private readonly linkMs: () => number = () => 24 * 3_600_000,
  ) {
    this.writer = directWriter(repo)
  }

  private writer: BatchWriter

  /**
   * After a restart, nothing is being sent any more: transfers cut off mid-way can still be resumed. Batches go to
   * `writer` from now on (the start-up fixes are written here, before it has anything).
   */
  start(writer?: BatchWriter): void {
    const fixed: TransferRecord[] = []
    for (const r of this.repo.unfinished()) {
      const status: TransferStatus =
        r.status === 'queued' ? 'expired' : r.status === 'active' ? 'aborted' : r.status
      if (status !== r.status)
        fixed.push({
          ...r,
          status,
          finishedAt: status === 'expired' ? this.now() : r.finishedAt,
          updatedAt: this.now(),
        })
    }
    if (fixed.length) this.repo.writeBatch({ taps: [], created: [], updated: fixed })
    const ids = this.repo.maxIds()
    this.nextTapId = ids.taps + 1
    this.nextTransferId = ids.transfers + 1
    if (writer) this.writer = writer
    this.timer = setInterval(() => this.write(), 1000)
    this.timer.unref()
  }

  /** Writes everything held; resolves once the writer has let go of the database. */
  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    if (this.flushSoon) clearImmediate(this.flushSoon)
    if (this.flushShortly) clearTimeout(this.flushShortly)
    this.flush()
    return this.writer.close()
  }

  /** Records a tap (written with the next batch); returns its id. */
  addTap(tap: NewTap): number {
    const id = this.nextTapId++
    this.pendingTaps.push({ ...tap, id })
    this.soon()
    return id
  }

  /** The id the next transfer gets (so admission can place it before its record is made). */
  nextId(): number {
    return this.nextTransferId
  }

  /** A new transfer, with the id `nextId()` gave: in memory now, its row with the next batch. */
  create(record: TransferRecord): LiveTransfer {
    if (record.id !== this.nextTransferId)
      throw new Error(`transfer ${record.id} is not the next (${this.nextTransferId})`)
    this.nextTransferId++
    const t = this.add(record)
    this.created.push(t)
    this.soon()
    return t
  }

  add(record: TransferRecord): LiveTransfer {
    const t: LiveTransfer = { record, coverage: new Coverage(record.coverage), openStreams: 0, lastEmit: 0 }
    this.live.set(record.id, t)
    this.byToken.set(record.token, record.id)
    return t
  }

  /** Transfers created and not yet committed (waiting for the next batch, or in the batch with the writer). */
  *unwritten(): Iterable<LiveTransfer> {
    if (this.inFlight) yield* this.inFlight.created
    yield* this.created
  }

  /** Saves a tag's rotate cursor with the next batch (the tap that moved it does not wait for SQLite). */
  setCursor(tagId: number, cursor: number): void {
    this.cursors.set(tagId, cursor)
    this.soon()
  }

  /** Whether anything is waiting to be written or is with the writer (tests, and start-up checks). */
  get idle(): boolean {
    return (
      this.inFlight === null &&
      this.pendingTaps.length === 0 &&
      this.created.length === 0 &&
      this.events.length === 0 &&
      this.cursors.size === 0 &&
      this.dirty.size === 0
    )
  }

  private soon(): void {
    if (this.pendingTaps.length + this.created.length >= 500) return this.urgent()
    this.flushShortly ??= setTimeout(() => {
      this.flushShortly = null
      this.write()
    }, 50)
  }

  byTokenOrLoad(token: string): LiveTransfer | null {
    const id = this.byToken.get(token)
    if (id !== undefined) return this.live.get(id) ?? null
    const r = this.repo.findByToken(token)
    return r ? this.add(r) : null
  }

  byId(id: number): LiveTransfer | null {
    const t = this.live.get(id)
    if (t) return t
    const r = this.repo.findById(id)
    return r ? this.add(r) : null
  }

  get(id: number): LiveTransfer | undefined {
    return this.live.get(id)
  }

  liveTransfers(): LiveTransfer[] {
    return [...this.live.values()]
  }

  /** Adds a step to the transfer's timeline (written with the next batch). */
  step(
    t: LiveTransfer,
    kind: TimelineEvent['kind'],
    extra: Partial<Pick<TimelineEvent, 'at' | 'rangeStart' | 'rangeEnd' | 'bytes' | 'note'>> = {},
  ): void {
    this.events.push({
      transferId: t.record.id,
      at: extra.at ?? this.now(),
      kind,
      rangeStart: extra.rangeStart ?? null,
      rangeEnd: extra.rangeEnd ?? null,
      bytes: extra.bytes ?? null,
      note: extra.note ?? null,
    })
    // No write of its own: steps ride with the next regular (≤ 1 s) or urgent write.
  }

  /**
   * A response of media bytes begins (`at`: when its request came in, so the timeline lines up with it; `start`:
   * the first byte it asks for).
   */
  streamStarted(t: LiveTransfer, at?: number, start?: number): void {
    t.openStreams++
    t.record.requests++
    const r = t.record
    if (r.status === 'aborted') this.step(t, 'resumed', { at: at ?? this.now() })
    const first = r.status !== 'active' && r.status !== 'completed'
    if (first && r.status !== 'failed' && r.status !== 'expired') {
      const was = r.status
      r.status = 'active'
      this.listener.status(t, was)
      r.startedAt ??= this.now()
      r.finishedAt = null
    }
    this.touch(t)
    if (first) this.listener.changed(t, 'started')
    // A resume that starts inside what the last cut response left unconfirmed: the phone asks from there because
    // it holds what came before, and only that response could have brought it. Without this credit the
    // transfer would stay a few KB short of completed for good, as nothing would send those bytes again.
    const u = t.unconfirmed
    if (u && start !== undefined && start > u.from && start <= u.to) {
      t.unconfirmed = undefined
      this.sent(t, u.from, start - u.from)
    }
  }

  /** `length` bytes starting at `offset` of the file went out on the wire. */
  sent(t: LiveTransfer, offset: number, length: number): void {
    const r = t.record
    r.wireBytes += length
    t.coverage.add(offset, offset + length)
    r.bytesSent = t.coverage.bytes
    this.touch(t)
    if (r.status !== 'completed' && t.coverage.covers(r.bytesTotal)) {
      const was = r.status
      r.status = 'completed'
      this.listener.status(t, was)
      r.finishedAt = this.now()
      r.coverage = t.coverage.toJSON()
      this.step(t, 'completed')
      this.urgent()
      this.listener.changed(t, 'completed')
      return
    }
    const n = this.now()
    if (n - t.lastEmit >= 250) {
      t.lastEmit = n
      this.listener.changed(t, 'progress')
    }
  }

  /**
   * A response ended; `cut` when the phone went away before it was all sent. `unconfirmed`: bytes that response
   * handed to the network without learning whether they arrived (the stream path; see streamStarted).
   */
  streamEnded(t: LiveTransfer, cut: boolean, unconfirmed?: { from: number; to: number }): void {
    if (unconfirmed) t.unconfirmed = unconfirmed
    t.openStreams = Math.max(0, t.openStreams - 1)
    if (cut && t.openStreams === 0 && t.record.status === 'active') this.setStatus(t, 'aborted', null)
    else this.touch(t)
  }

  setStatus(
    t: LiveTransfer,
    status: TransferStatus,
    error: string | null,
    phase: TransferPhase = status as TransferPhase,
  ): void {
    const r = t.record
    const was = r.status
    r.status = status
    r.error = error
    if (was !== status) this.listener.status(t, was)
    if (status === 'queued' || status === 'aborted' || status === 'failed' || status === 'expired')
      this.step(t, status, { note: error })
    // A phone coming back for the rest of a cut-off download is let in again: that is its resume.
    else if (phase === 'admitted') this.step(t, was === 'aborted' ? 'resumed' : 'admitted')
    if (FINISHED.has(status) || status === 'aborted') r.finishedAt = this.now()
    if (status === 'pending' && !r.admittedAt) r.admittedAt = this.now()
    this.touch(t)
    // Final states are saved at once; waiting and admission changes ride with the next regular write.
    if (FINISHED.has(status) || status === 'aborted') this.urgent()
    else this.soon()
    this.listener.changed(t, phase)
  }

  private touch(t: LiveTransfer): void {
    t.record.updatedAt = this.now()
    this.dirty.add(t.record.id)
  }

  private urgent(): void {
    this.flushSoon ??= setImmediate(() => {
      this.flushSoon = null
      this.write()
    })
  }

  /** Returns once SQLite holds every tap, transfer and byte count so far (readers call this first). */
  flush(): void {
    this.writer.drain()
    this.write()
    this.writer.drain()
  }

  /** Hands what is pending to the writer, unless a batch is still with it (then once that one settles). */
  private write(): void {
    if (this.inFlight) {
      this.writeAgain = true
      return
    }
    if (this.idle) return
    const batch: InFlight = {
      taps: this.pendingTaps,
      created: this.created,
      events: this.events,
      cursors: this.cursors,
      dirty: new Set(this.dirty),
    }
    const createdIds = new Set(batch.created.map((t) => t.record.id))
    const updated: TransferRecord[] = []
    for (const t of batch.created) t.record.coverage = t.coverage.toJSON()
    for (const id of batch.dirty) {
      const t = this.live.get(id)
      if (!t || createdIds.has(id)) continue
      t.record.coverage = t.coverage.toJSON()
      updated.push(t.record)
    }
    this.pendingTaps = []
    this.created = []
    this.events = []
    this.cursors = new Map()
    this.dirty.clear()
    this.inFlight = batch
    // batchOps copies every row now: what the writer gets is this moment's state, whatever changes next.
    const ops = batchOps({
      taps: batch.taps,
      created: batch.created.map((t) => t.record),
      updated,
      events: batch.events,
      cursors: [...batch.cursors].map(([tagId, cursor]) => ({ tagId, cursor })),
    })
    this.writer.write(ops, (error) => this.settled(batch, error))
  }

  private settled(batch: InFlight, error: string | null): void {
    this.inFlight = null
    const again = this.writeAgain
    this.writeAgain = false
    if (error) {
      // Nothing is lost: the same rows go into the next attempt (the regular write a second later).
      this.pendingTaps = [...batch.taps, ...this.pendingTaps]
      this.created = [...batch.created, ...this.created]
      this.events = [...batch.events, ...this.events]
      // A cursor moved again meanwhile keeps its newer value.
      for (const [tagId, cursor] of batch.cursors)
        if (!this.cursors.has(tagId)) this.cursors.set(tagId, cursor)
      for (const id of batch.dirty) this.dirty.add(id)
      // One line at the first failure and then one a minute: a full disk fails a batch every second for as long
      // as it stays full, and the log file is on that disk too.
      const now = this.now()
      if (this.failures.count++ === 0) this.failures.since = now
      if (now - this.failures.loggedAt >= 60_000) {
        this.failures.loggedAt = now
        this.logger.error(
          {
            error,
            failedBatches: this.failures.count,
            waitingTaps: this.pendingTaps.length,
            waitingTransfers: this.created.length,
          },
          'saving taps and transfers failed; will retry',
        )
      }
      return
    }
    if (this.failures.count > 0) {
      this.logger.warn(
        {
          failedBatches: this.failures.count,
          seconds: Math.round((this.now() - this.failures.since) / 1000),
        },
        'taps and transfers saved again',
      )
      this.failures = { count: 0, since: 0, loggedAt: 0 }
    }
    if (again) this.write()
  }

  /**
   * Keeps memory flat however many phones tapped: a transfer leaves the book once SQLite has all of it and nobody
   * is downloading it — two minutes after it ended (the live views show those), or after ten minutes without any
   * change (admitted, never downloaded). A later look-up by token or id loads it again from SQLite. Transfers
   * waiting in line stay: admission holds them until they start or expire.
   */
  evict(): void {
    const now = this.now()
    const unwritten = new Set<number>()
    for (const t of this.created) unwritten.add(t.record.id)
    if (this.inFlight) {
      for (const t of this.inFlight.created) unwritten.add(t.record.id)
      for (const id of this.inFlight.dirty) unwritten.add(id)
    }
    for (const [id, t] of this.live) {
      const r = t.record
      if (t.openStreams > 0 || this.dirty.has(id) || unwritten.has(id) || r.status === 'queued') continue
      // A download cut while bytes were on their way keeps what only memory knows (`unconfirmed`, see
      // streamStarted) for as long as the phone may resume it: without it the transfer could never complete.
      if (t.unconfirmed && r.status === 'aborted' && r.createdAt > now - this.linkMs()) continue
      const ended = FINISHED.has(r.status) || r.status === 'aborted'
      if (ended ? (r.finishedAt ?? r.updatedAt) < now - ENDED_SHOWN_MS : r.updatedAt < now - IDLE_KEPT_MS) {
        this.live.delete(id)
        this.byToken.delete(r.token)
      }
    }
  }

  /** How many transfers the book holds in memory (tests and diagnostics). */
  get size(): number {
    return this.live.size
  }
}

interface InFlight {
  taps: Array<NewTap & { id: number }>
  created: LiveTransfer[]
  events: TimelineEvent[]
  cursors: Map<number, number>
  dirty: Set<number>
}

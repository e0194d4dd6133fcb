import type { DeliveryStatus } from '../../../shared/contract/transfers'
import type { EventBus } from '../events/bus'
import type { Admission } from './admission'
import type { DeliveryRecords, LiveTransfer } from './records'

export type QueueListener = (update: { position: number; status: string }) => void

/** Open queue channels per transfer (see watch). */
const MAX_WATCHERS = 4

/**
 * Who is told where they stand in line: the pages of waiting phones (their queue channel, /q/<token>) on every
 * move, and the console at most four times a second (only while one listens).
 */
export class QueueChannel {
  private readonly watchers = new Map<number, Set<QueueListener>>()
  private lastEmit = 0
  private emitTimer: NodeJS.Timeout | null = null

  constructor(
    private readonly d: {
      records: DeliveryRecords
      admission: Admission
      events: EventBus
      now: () => number
      /** Asks for a download slot (0 = go ahead, N = place in line). */
      admit: (t: LiveTransfer) => number
    },
  ) {}

  stop(): void {
    if (this.emitTimer) clearTimeout(this.emitTimer)
    this.emitTimer = null
  }

  /** Live place in line for the page of a waiting phone; asks for a slot if it has none (e.g. after a pause). */
  watch(token: string, listener: QueueListener): (() => void) | null | 'full' {
    const t = this.d.records.byToken(token)
    if (!t || t.record.status === 'expired' || t.record.status === 'failed') return null
    const id = t.record.id
    // A phone has one page open, two or three at most; every queue change is sent to every listener, so one
    // token must not be able to open thousands.
    if ((this.watchers.get(id)?.size ?? 0) >= MAX_WATCHERS) return 'full'
    const set = this.watchers.get(id) ?? new Set()
    set.add(listener)
    this.watchers.set(id, set)
    if (t.record.status !== 'completed') this.d.admit(t)
    listener({ position: Math.max(0, this.d.admission.positionOf(id)), status: t.record.status })
    return () => {
      set.delete(listener)
      if (set.size === 0) this.watchers.delete(id)
    }
  }

  /** Tells the pages watching this transfer where it stands now. */
  notify(id: number): void {
    const set = this.watchers.get(id)
    if (!set) return
    const update = {
      position: Math.max(0, this.d.admission.positionOf(id)),
      status: this.d.records.held(id)?.record.status ?? 'unknown',
    }
    for (const l of set) l(update)
  }

  /** The line moved: everyone waiting may have moved up a place. */
  changed(): void {
    for (const id of this.watchers.keys()) this.notify(id)
    // A console that opens later gets the queue in its first message.
    if (!this.d.events.wants('queue')) return
    const wait = 250 - (this.d.now() - this.lastEmit)
    if (wait <= 0) this.emit()
    else this.emitTimer ??= setTimeout(() => this.emit(), wait)
  }

  status(): DeliveryStatus {
    const s = this.d.admission.snapshot(100)
    return {
      maxStreams: s.maxStreams,
      active: s.active,
      waitingTotal: s.waitingTotal,
      waiting: s.waiting.map((w) => ({
        transferId: w.transferId,
        tier: w.tier,
        bytesTotal: w.bytesTotal,
        position: w.position,
      })),
    }
  }

  private emit(): void {
    this.emitTimer = null
    this.lastEmit = this.d.now()
    if (this.d.events.wants('queue')) this.d.events.emit({ type: 'queue', status: this.status() })
  }
}

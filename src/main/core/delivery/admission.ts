import type { Tier } from '../../../shared/contract/tags'

export interface Candidate {
  transferId: number
  tier: Tier
  bytesTotal: number
  arrivedAt: number
}

export interface AdmissionEvents {
  admitted(transferId: number): void
  /** Waited longer than allowed: the phone is asked to tap again later. */
  expired(transferId: number): void
  /** A slot held without any download for too long is given back. */
  idle(transferId: number): void
  changed(): void
}

/**
 * Admission to download: at most `maxStreams` transfers hold a slot at once. The others wait in order: VIP before
 * normal, then the smaller file, then whoever came first. A slot is held from admission until the transfer
 * completes, or until nothing has been downloaded on it for `idleMs` (a phone put away mid-video).
 */
export class Admission {
  private readonly holders = new Map<number, { lastActive: number; streams: number }>()
  private waiting: Candidate[] = []
  private readonly waitingById = new Map<number, Candidate>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly opts: {
      maxStreams: () => number
      maxWaitMs: () => number
      idleMs: number
      now?: () => number
    },
    private readonly events: AdmissionEvents,
  ) {}

  private get now(): number {
    return (this.opts.now ?? Date.now)()
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), 1000)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }

  /** Admits now if a slot is free (and nobody waits ahead), else queues. Returns the position (0 = admitted). */
  request(c: Candidate): number {
    if (this.holders.has(c.transferId)) return 0
    if (this.waitingById.has(c.transferId)) return this.positionOf(c.transferId)
    if (this.holders.size < this.opts.maxStreams() && this.waiting.length === 0) {
      this.holders.set(c.transferId, { lastActive: this.now, streams: 0 })
      this.events.changed()
      return 0
    }
    // The line stays sorted: most arrivals go to its end (same tier and size, later), the rest by binary insertion.
    const last = this.waiting[this.waiting.length - 1]
    if (!last || order(last, c) < 0) this.waiting.push(c)
    else this.waiting.splice(this.lowerBound(c), 0, c)
    this.waitingById.set(c.transferId, c)
    this.events.changed()
    this.promote()
    return this.positionOf(c.transferId)
  }

  holds(transferId: number): boolean {
    return this.holders.has(transferId)
  }

  /** 1-based place in line, or 0 when admitted, or -1 when unknown. */
  positionOf(transferId: number): number {
    if (this.holders.has(transferId)) return 0
    const c = this.waitingById.get(transferId)
    return c ? this.lowerBound(c) + 1 : -1
  }

  /** Index of the first waiting candidate not before `c` (the order is total: ties end on the transfer id). */
  private lowerBound(c: Candidate): number {
    let lo = 0
    let hi = this.waiting.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (order(this.waiting[mid]!, c) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  streamOpened(transferId: number): void {
    const h = this.holders.get(transferId)
    if (!h) return
    h.streams++
    h.lastActive = this.now
  }

  streamClosed(transferId: number): void {
    const h = this.holders.get(transferId)
    if (!h) return
    h.streams = Math.max(0, h.streams - 1)
    h.lastActive = this.now
  }

  activity(transferId: number): void {
    const h = this.holders.get(transferId)
    if (h) h.lastActive = this.now
  }

  /** The transfer is done (completed, failed, gone): its slot goes to the next in line. */
  release(transferId: number): void {
    const had = this.holders.delete(transferId)
    const c = this.waitingById.get(transferId)
    if (c) {
      this.waiting.splice(this.lowerBound(c), 1)
      this.waitingById.delete(transferId)
    }
    if (had || c) {
      this.promote()
      this.events.changed()
    }
  }

  /** The first `limit` in line (a flood of taps can queue thousands; nobody reads past the first page). */
  snapshot(limit: number): {
    maxStreams: number
    active: number
    waitingTotal: number
    waiting: Array<Candidate & { position: number }>
  } {
    return {
      maxStreams: this.opts.maxStreams(),
      active: this.holders.size,
      waitingTotal: this.waiting.length,
      waiting: this.waiting.slice(0, limit).map((w, i) => ({ ...w, position: i + 1 })),
    }
  }

  private promote(): void {
    let moved = false
    while (this.holders.size < this.opts.maxStreams() && this.waiting.length > 0) {
      const next = this.waiting.shift()!
      this.waitingById.delete(next.transferId)
      this.holders.set(next.transferId, { lastActive: this.now, streams: 0 })
      this.events.admitted(next.transferId)
      moved = true
    }
    if (moved) this.events.changed()
  }

  /** Expires waits that ran too long; reclaims slots nobody downloads on. */
  sweep(): void {
    const now = this.now
    const maxWait = this.opts.maxWaitMs()
    const late = this.waiting.filter((w) => now - w.arrivedAt > maxWait)
    if (late.length) {
      this.waiting = this.waiting.filter((w) => now - w.arrivedAt <= maxWait)
      for (const w of late) {
        this.waitingById.delete(w.transferId)
        this.events.expired(w.transferId)
      }
    }
    for (const [id, h] of [...this.holders]) {
      if (h.streams === 0 && now - h.lastActive > this.opts.idleMs) {
        this.holders.delete(id)
        this.events.idle(id)
      }
    }
    this.promote()
    if (late.length) this.events.changed()
  }
}

function order(a: Candidate, b: Candidate): number {
  if (a.tier !== b.tier) return a.tier === 'vip' ? -1 : 1
  if (a.bytesTotal !== b.bytesTotal) return a.bytesTotal - b.bytesTotal
  return a.arrivedAt - b.arrivedAt || a.transferId - b.transferId
}

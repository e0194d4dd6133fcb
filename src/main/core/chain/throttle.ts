/**
 * A bandwidth limit shared by every download of a store: one token bucket, whose `take(bytes)` each download awaits
 * before it writes a chunk (download.ts's `throttle`). The rate is read at every call, so a changed setting takes
 * effect at once; 0 means no limit. A chunk larger than the bucket is let through and paid for by waiting, so the
 * average over any second stays at the rate whatever the chunk sizes; several downloads at once share it, each
 * waiting in turn for the debt the others ran up.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    /** Bytes per second; 0 or less: no limit. */
    private readonly rate: () => number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.last = this.now()
    this.tokens = 0
  }

  /** A burst of a fifth of a second's worth (at least 64 KiB): smooth enough for the phones, few wake-ups. */
  private burst(rate: number): number {
    return Math.max(64 * 1024, rate / 5)
  }

  /** A limit is set now (the rate is read at every call). */
  limited(): boolean {
    return this.rate() > 0
  }

  /** Null when the chunk may go now (no await on the common path: a download takes once per network chunk). */
  take(bytes: number): Promise<void> | null {
    const rate = this.rate()
    const t = this.now()
    if (rate <= 0) {
      this.last = t
      this.tokens = 0
      return null
    }
    this.tokens = Math.min(this.burst(rate), this.tokens + ((t - this.last) / 1000) * rate)
    this.last = t
    this.tokens -= bytes
    return this.tokens < 0 ? this.sleep((-this.tokens / rate) * 1000) : null
  }
}

/** Megabits per second (the setting) → bytes per second. */
export const mbpsToBytes = (mbps: number): number => (mbps * 1_000_000) / 8

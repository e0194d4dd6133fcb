/**
 * A token bucket per key (client address): `perMinute` requests a minute on average, bursts up to a quarter of
 * that. Bounded in memory: idle buckets are dropped as new ones arrive.
 */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly perMinute: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the request may go ahead. */
  take(key: string): boolean {
    const rate = this.perMinute()
    if (rate <= 0) return true
    const burst = Math.max(5, Math.ceil(rate / 4))
    const t = this.now()
    const b = this.buckets.get(key) ?? { tokens: burst, at: t }
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 60_000) * rate)
    b.at = t
    const ok = b.tokens >= 1
    if (ok) b.tokens -= 1
    this.buckets.delete(key)
    this.buckets.set(key, b)
    if (this.buckets.size > 50_000) this.buckets.delete(this.buckets.keys().next().value!)
    return ok
  }
}

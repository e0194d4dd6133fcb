export interface ThrottleOptions {
  /** Failures per account inside the window before it is locked. */
  accountLimit: number
  /** Failures per client address inside the window before it is locked (guessing many accounts). */
  clientLimit: number
  windowMs: number
  /** First lock; doubles with each further failure, up to maxLockMs. */
  baseLockMs: number
  maxLockMs: number
  now: () => number
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  accountLimit: 5,
  clientLimit: 20,
  windowMs: 15 * 60_000,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  now: Date.now,
}

interface Entry {
  failures: number[]
  lockedUntil: number
}

/**
 * Slows password guessing per account and per client. While locked, even a correct password is refused, or the
 * lock would only slow an attacker down for the wrong guesses. Kept in memory: a restart is not an attacker's tool.
 */
export class LoginThrottle {
  private accounts = new Map<string, Entry>()
  private clients = new Map<string, Entry>()
  private readonly opts: ThrottleOptions

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.opts = { ...DEFAULT_THROTTLE, ...options }
  }

  /** Milliseconds until another attempt is allowed, or 0. */
  retryAfterMs(account: string, client: string): number {
    const now = this.opts.now()
    const a = this.accounts.get(account)?.lockedUntil ?? 0
    const c = this.clients.get(client)?.lockedUntil ?? 0
    return Math.max(0, a - now, c - now)
  }

  fail(account: string, client: string): void {
    this.bump(this.accounts, account, this.opts.accountLimit)
    this.bump(this.clients, client, this.opts.clientLimit)
  }

  succeed(account: string): void {
    this.accounts.delete(account)
  }

  private bump(map: Map<string, Entry>, key: string, limit: number): void {
    const now = this.opts.now()
    const entry = map.get(key) ?? { failures: [], lockedUntil: 0 }
    entry.failures = entry.failures.filter((t) => now - t < this.opts.windowMs)
    entry.failures.push(now)
    if (entry.failures.length >= limit) {
      const over = entry.failures.length - limit
      entry.lockedUntil = now + Math.min(this.opts.baseLockMs * 2 ** over, this.opts.maxLockMs)
    }
    map.set(key, entry)
    // Bound memory against a flood of random usernames: forget the oldest entries.
    if (map.size > 10_000) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
  }
}

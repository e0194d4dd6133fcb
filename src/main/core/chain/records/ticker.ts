import type { ConfigStore } from '../../config/store'

/**
 * Runs one pass at a time, again after `interval()` (or `retry()` after a failed pass); `kick()` runs one soon. The
 * records outbox and ingest each have one: a pass never overlaps another, and stop() waits for the one running.
 */
export class Ticker {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = true

  constructor(
    private readonly pass: () => Promise<'ok' | 'failed'>,
    private readonly interval: () => number,
    private readonly retry: (failures: number) => number,
  ) {}

  private failures = 0

  start(firstInMs = 500): void {
    this.stopped = false
    this.schedule(firstInMs)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  kick(ms = 0): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.schedule(ms)
  }

  /** Resolves after a pass that started after this call. */
  async runNow(): Promise<void> {
    while (this.running) await this.running
    if (this.timer) clearTimeout(this.timer)
    await this.run()
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.run(), ms)
    this.timer.unref()
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.timer = null
    this.running = this.pass()
      .catch(() => 'failed' as const)
      .then((r) => {
        this.failures = r === 'failed' ? this.failures + 1 : 0
      })
      .finally(() => {
        this.running = null
        if (this.stopped) return
        if (this.again) {
          this.again = false
          this.schedule(0)
        } else this.schedule(this.failures ? this.retry(this.failures) : this.interval())
      })
    await this.running
  }
}

/**
 * The records' ticker: a pass every `chainRecordsSeconds`; after failures, 5 s doubling up to that interval (a store
 * or HQ that lost the object store tries again soon, then no more often than it would anyway).
 */
export function recordsTicker(pass: () => Promise<'ok' | 'failed'>, config: ConfigStore): Ticker {
  const interval = () => config.values.chainRecordsSeconds * 1000
  return new Ticker(pass, interval, (n) => Math.min(5000 * 2 ** Math.min(n - 1, 10), interval()))
}

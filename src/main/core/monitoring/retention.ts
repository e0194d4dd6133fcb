import type { Logger } from 'pino'
import type { Repos } from '../../db/repos'
import { addDays, dayKey, startOfDay } from '../time/days'

/** Deleted per step: each step is one short transaction, so taps and downloads never wait long for the database. */
const PRUNE_STEP = 2000

/**
 * Daily roll-ups and retention. Every finished local day (ended at least an hour ago, so late progress is in) is
 * summed into `daily_tags` / `daily_videos` and `daily_funnel` once (a funnel step reported later for a rolled day
 * is added to its roll-up as it is written); raw taps, transfers, their timelines and funnel steps older than the
 * retention period are then deleted in small steps. Runs at start and every hour, one day or one step per tick of the event
 * loop, so years of backlog never block the hub.
 */
export class Retention {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private stopped = false

  constructor(
    private readonly d: {
      repos: Repos
      logger: Logger
      retentionDays: () => number
      /**
       * A chain store's rows headquarters has not received yet (issue 21): rows after these ids are never deleted,
       * however old. Null (or absent): the hub ships nothing, retention is what it always was.
       */
      keepAfter?: () => { taps: number; transfers: number; funnel: number } | null
      /** Retention kept rows back for headquarters: staff are told (they use disk space meanwhile). */
      notifyHeld?: (params: Record<string, string | number>) => void
      now?: () => number
    },
  ) {}

  private now(): number {
    return (this.d.now ?? Date.now)()
  }

  start(): void {
    this.stopped = false
    void this.run()
    this.timer = setInterval(() => void this.run(), 3_600_000)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    await this.running
  }

  /** One full pass (roll up every finished day, then prune); concurrent calls share the pass in progress. */
  run(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = null))
    return this.running
  }

  private async pass(): Promise<void> {
    const { rollups, funnel } = this.d.repos
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve))
    try {
      const now = this.now()
      const oldest = rollups.oldest()
      // Empty days are marked too (back to 90 days, the longest chart window), so windows read no raw rows for them.
      const from = Math.min(oldest ?? now, addDays(now, -90))
      let rolled = 0
      for (let day = startOfDay(from); addDays(day, 1) + 3_600_000 <= now; day = addDays(day, 1)) {
        if (this.stopped) return
        const q = { day: dayKey(day), from: day, to: addDays(day, 1), now }
        // The funnel's roll-up keeps its own marks: days rolled before it existed are rolled for it too.
        const did = [rollups.rollDay(q), funnel.rollDay(q)]
        if (did.some(Boolean)) {
          rolled++
          await tick()
        }
      }
      const cutoff = addDays(now, -this.d.retentionDays())
      let pruned = 0
      const keep = this.d.keepAfter?.() ?? null
      // Only rolled-up days are pruned: the cutoff day is at least 7 days back, long finished and rolled.
      for (;;) {
        if (this.stopped) return
        const n =
          rollups.prune(cutoff, PRUNE_STEP, keep) +
          funnel.prune(cutoff, PRUNE_STEP, keep?.funnel ?? undefined)
        pruned += n
        if (n === 0) break
        await tick()
      }
      rollups.pruneNotifications(addDays(now, -Math.max(90, this.d.retentionDays())))
      if (rolled || pruned)
        this.d.logger.info({ rolled, pruned, cutoff: dayKey(cutoff) }, 'roll-up and retention')
      const held = keep ? this.d.repos.records.heldBack(cutoff) : 0
      if (held > 0) {
        this.d.logger.warn(
          { held, cutoff: dayKey(cutoff) },
          'rows older than the retention period kept: headquarters has not received them yet',
        )
        this.d.notifyHeld?.({ count: held, cutoff: dayKey(cutoff) })
      }
    } catch (err) {
      this.d.logger.error({ err }, 'roll-up or retention failed; will try again')
    }
  }
}

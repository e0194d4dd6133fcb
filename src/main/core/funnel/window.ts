import type { FunnelCountRow } from '../../db/repos/funnel'
import { emptyFunnel, FUNNEL_COUNT_FIELD, type FunnelCounts } from '../../../shared/contract/funnel'
import { addDays, dayKey, startOfDay } from '../time/days'

/** Where a period splits: whole local days read from roll-ups, the rest (edges, days not rolled) from raw rows. */
export interface FunnelSplit {
  days: string[]
  raw: Array<{ from: number; to: number }>
}

/**
 * Splits [since, until) by local day: a day wholly inside the period and rolled up is read from its roll-up, every
 * other part from raw rows (adjacent parts merged), so no step is counted twice or missed.
 */
export function splitPeriod(since: number, until: number, rolled: ReadonlySet<string>): FunnelSplit {
  const out: FunnelSplit = { days: [], raw: [] }
  for (let day = startOfDay(since); day < until; day = addDays(day, 1)) {
    const next = addDays(day, 1)
    const from = Math.max(day, since)
    const to = Math.min(next, until)
    if (from === day && to === next && rolled.has(dayKey(day))) {
      out.days.push(dayKey(day))
      continue
    }
    const last = out.raw.at(-1)
    if (last && last.to === from) last.to = to
    else out.raw.push({ from, to })
  }
  return out
}

/** Adds count rows into funnels, one per group (0 = not grouped). */
export function addCounts(into: Map<number, FunnelCounts>, rows: readonly FunnelCountRow[]): void {
  for (const r of rows) {
    let c = into.get(r.group)
    if (!c) into.set(r.group, (c = emptyFunnel()))
    if (r.step === 'platform-chosen' && r.platform !== '') c.publishChosen[r.platform] += r.n
    else if (r.platform === '') c[FUNNEL_COUNT_FIELD[r.step]] += r.n
  }
}

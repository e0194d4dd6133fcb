import type { FunnelCounts, FunnelStep } from '../contract/funnel'

type StageCount = Exclude<keyof FunnelCounts, 'publishChosen'>

/**
 * The funnel as the console's dashboard and `tapdrop funnel` show it, in order: each stage a count of FunnelCounts
 * and the step whose label names it (`LABELS[lang].funnelStep`). "Saved" is a save that received every byte, and
 * "publish chosen" a transfer where at least one platform's button was pressed (per platform: `publishChosen`).
 */
export const FUNNEL_STAGES = [
  { count: 'taps', step: 'tap' },
  { count: 'played', step: 'played' },
  { count: 'saved', step: 'save-completed' },
  { count: 'copied', step: 'caption-copied' },
  { count: 'publishedAny', step: 'platform-chosen' },
] as const satisfies ReadonlyArray<{ count: StageCount; step: FunnelStep }>

export type FunnelStage = (typeof FUNNEL_STAGES)[number]

/** `n` as a share of `of` (0–1), or null when there is nothing to divide by. */
export function shareOf(n: number, of: number): number | null {
  return of > 0 ? n / of : null
}

/**
 * A tag's (or the store's) publish rate: transfers where a platform was chosen, per tap that got a video (the tags
 * list's column, the CLI's `publishRate`). Null without taps.
 */
export function publishRate(c: Pick<FunnelCounts, 'taps' | 'publishedAny'>): number | null {
  return shareOf(c.publishedAny, c.taps)
}

/** A share for people: `64%`, one decimal below 10 (`4.5%`, `0.8%`), `—` for none. */
export function formatShare(share: number | null): string {
  if (share === null) return '—'
  const pct = share * 100
  if (pct === 0 || pct >= 10) return `${Math.round(pct)}%`
  return `${Number(pct.toFixed(1))}%`
}

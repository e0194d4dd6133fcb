import type { CaptionStrategy } from '../../../shared/contract/publish'

/** What the choice looks at for each caption of a set, in the set's order (oldest caption first). */
export interface Drawable {
  id: number
  uses: number
  lastUsedAt: number | null
}

export interface DrawMemory {
  /** Where `rotate` goes on in this set; null = not known yet (a start, or the set changed). */
  cursor: number | null
  /** The caption this set gave last (`random` avoids giving it twice in a row). */
  previous: number | null
  random: () => number
}

/**
 * Which caption of a set a tap gets, by the tag's strategy:
 * - `rotate` goes round the set in order; after a restart it goes on after the caption used last.
 * - `random` picks any, but not the one it gave last while there is another.
 * - `least-used` picks one with the fewest uses (ties: the one used longest ago, then the oldest), so none is
 *   drawn again before every other has been drawn as often.
 * Returns the index in the set and where `rotate` goes on; null for an empty set.
 */
export function pickCaption(
  strategy: CaptionStrategy,
  set: readonly Drawable[],
  memory: DrawMemory,
): { index: number; cursor: number | null } | null {
  const n = set.length
  if (n === 0) return null
  switch (strategy) {
    case 'rotate': {
      const i = (memory.cursor ?? lastUsed(set) + 1) % n
      return { index: i, cursor: i + 1 }
    }
    case 'random': {
      const prev = set.findIndex((c) => c.id === memory.previous)
      if (n === 1 || prev < 0) return { index: Math.floor(memory.random() * n), cursor: memory.cursor }
      const i = Math.floor(memory.random() * (n - 1))
      return { index: i >= prev ? i + 1 : i, cursor: memory.cursor }
    }
    case 'least-used': {
      let best = 0
      for (let i = 1; i < n; i++) if (fewer(set[i]!, set[best]!)) best = i
      return { index: best, cursor: memory.cursor }
    }
  }
}

/** The index of the caption used last, -1 when none was. */
function lastUsed(set: readonly Drawable[]): number {
  let last = -1
  for (let i = 0; i < set.length; i++) {
    const at = set[i]!.lastUsedAt
    if (at !== null && (last < 0 || at >= set[last]!.lastUsedAt!)) last = i
  }
  return last
}

/** Whether `a` goes before `b` under least-used. */
function fewer(a: Drawable, b: Drawable): boolean {
  if (a.uses !== b.uses) return a.uses < b.uses
  return (a.lastUsedAt ?? -1) < (b.lastUsedAt ?? -1)
}

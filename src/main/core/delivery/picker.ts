import type { Strategy } from '../../../shared/contract/tags'

/**
 * Which video of a tag's pool to deliver. Only ready videos count; `fixed` takes the first ready one in pool order,
 * `rotate` goes round the pool, `random` picks any, `least-delivered` the one this tag has delivered least.
 */
export function pickVideo(
  strategy: Strategy,
  pool: number[],
  ready: ReadonlySet<number>,
  state: { cursor: number; delivered: () => ReadonlyMap<number, number>; random: () => number },
): { videoId: number | null; cursor: number } {
  const candidates = pool.filter((id) => ready.has(id))
  if (candidates.length === 0) return { videoId: null, cursor: state.cursor }
  switch (strategy) {
    case 'fixed':
      return { videoId: candidates[0]!, cursor: state.cursor }
    case 'rotate': {
      const i = state.cursor % candidates.length
      return { videoId: candidates[i]!, cursor: i + 1 }
    }
    case 'random':
      return { videoId: candidates[Math.floor(state.random() * candidates.length)]!, cursor: state.cursor }
    case 'least-delivered': {
      const counts = state.delivered()
      let best = candidates[0]!
      for (const id of candidates) if ((counts.get(id) ?? 0) < (counts.get(best) ?? 0)) best = id
      return { videoId: best, cursor: state.cursor }
    }
  }
}

/** The largest rendition whose short side is not above the target (e.g. 720 for a phone), else the smallest. */
export function pickRendition<R extends { label: string; width: number; height: number }>(
  renditions: R[],
  target: string,
): R | null {
  if (renditions.length === 0) return null
  const limit = Number.parseInt(target, 10)
  const sorted = [...renditions].sort((a, b) => Math.min(b.width, b.height) - Math.min(a.width, a.height))
  return sorted.find((r) => Math.min(r.width, r.height) <= limit) ?? sorted[sorted.length - 1]!
}

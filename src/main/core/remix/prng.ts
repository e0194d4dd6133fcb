/**
 * The variant's dice: mulberry32, a 32-bit generator that is the same on every machine and Node version, so a
 * recorded seed renders the same variant again. Math.random cannot be seeded.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A value in [min, max) from the next draw. */
export function between(random: () => number, min: number, max: number): number {
  return min + (max - min) * random()
}

/** A new seed (0 … 2³²−1) for a variant. */
export function newSeed(random: () => number = Math.random): number {
  return Math.floor(random() * 0x1_0000_0000) >>> 0
}

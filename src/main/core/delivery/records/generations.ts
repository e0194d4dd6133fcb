/**
 * A map of at most `2 × half` keys, kept in two generations: new keys go into the young one; when it holds `half`
 * keys it becomes the old one, and the old one is dropped whole. Each operation is O(1): evicting key by key from the
 * head of one large Map makes every eviction scan the entries deleted before it (V8 compacts a Map only when it
 * rehashes), which made a flood of taps slower the longer it went on.
 */
export class Generations<V> {
  private young = new Map<string, V>()
  private old = new Map<string, V>()

  /** `dropped` is told of each generation let go of to stay within the bound. */
  constructor(
    private readonly half: number,
    private readonly dropped: (generation: ReadonlyMap<string, V>) => void = () => {},
  ) {}

  get(key: string): V | undefined {
    const v = this.young.get(key)
    return v !== undefined ? v : this.old.get(key)
  }

  /** Sets a key in the young generation (moving it there from the old one). */
  set(key: string, value: V): void {
    if (!this.young.has(key)) {
      this.old.delete(key)
      if (this.young.size >= this.half) {
        if (this.old.size > 0) this.dropped(this.old)
        this.old = this.young
        this.young = new Map()
      }
    }
    this.young.set(key, value)
  }

  delete(key: string): void {
    if (!this.young.delete(key)) this.old.delete(key)
  }

  clear(): void {
    this.young = new Map()
    this.old = new Map()
  }

  /** Drops the old generation, then the young one too, while `stale` says every key in it can go. */
  dropWhile(stale: (generation: ReadonlyMap<string, V>) => boolean): void {
    if (this.old.size > 0 && !stale(this.old)) return
    this.old = new Map()
    if (this.young.size > 0 && stale(this.young)) this.young = new Map()
  }

  forEach(visit: (value: V, key: string) => void): void {
    this.old.forEach(visit)
    this.young.forEach(visit)
  }

  get size(): number {
    return this.young.size + this.old.size
  }
}

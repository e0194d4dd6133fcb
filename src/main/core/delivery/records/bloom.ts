/**
 * A Bloom filter over strings: "certainly not added" or "maybe added", in a fixed amount of memory. The in-memory
 * counts put here the keys they drop to stay within their bound, so a key they do not hold needs a look in SQLite
 * only when it may have been dropped — not for every phone never seen (a flood of new phones drops keys, and the
 * phones coming back after it must not each cost a query).
 */
export class BloomFilter {
  private readonly bits: Uint32Array
  private readonly mask: number

  /** `log2Bits` bits of memory (23: 1 MiB, ~0.1% false "maybe" at 500,000 keys with 5 hashes). */
  constructor(
    log2Bits = 23,
    private readonly hashes = 5,
  ) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5))
    this.mask = 2 ** log2Bits - 1
  }

  add(key: string): void {
    const [a, b] = hashPair(key)
    for (let i = 0; i < this.hashes; i++) {
      const bit = (a + i * b) & this.mask
      this.bits[bit >>> 5]! |= 1 << (bit & 31)
    }
  }

  mayHave(key: string): boolean {
    const [a, b] = hashPair(key)
    for (let i = 0; i < this.hashes; i++) {
      const bit = (a + i * b) & this.mask
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false
    }
    return true
  }
}

/** Two independent 32-bit hashes (FNV-1a with two offsets), combined by double hashing. */
function hashPair(key: string): [number, number] {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ 0x5bd1e995
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
  }
  // An odd step visits every bit position of a power-of-two table.
  return [a >>> 0, (b | 1) >>> 0]
}

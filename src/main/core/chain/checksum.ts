import { createHash, type Hash } from 'node:crypto'
import { linuxIo, type Blake3Hasher } from '../fsutil/linux-io'

/**
 * Which checksum a store checks a synced file against, in one place. A catalog names every file by its SHA-256 (the
 * bucket's keys are content-addressed by it) and, when headquarters had our addon, by its BLAKE3 as well. Both are
 * cryptographic hashes; BLAKE3 costs a store about a quarter of the CPU (6.6 GB/s on one core of the test VM against
 * SHA-256's 1.8 GB/s with the CPU's SHA instructions), which is most of what a sync spends beyond a plain download
 * loop (bench:chain). A store without the addon (Windows, macOS, `TAPDROP_LINUX_IO=0`) checks the SHA-256.
 */
export type ChecksumKind = 'sha256' | 'blake3'

export const CHECKSUM_NAMES: Record<ChecksumKind, string> = { sha256: 'SHA-256', blake3: 'BLAKE3' }

/**
 * BLAKE3 is computed here, fast: our addon is loaded and the CPU is x86-64 (its SIMD code is built there only; on
 * ARM the portable code would be slower than SHA-256 with the CPU's SHA instructions).
 */
export const blake3Here = (): boolean => process.arch === 'x64' && typeof linuxIo()?.blake3New === 'function'

/** The checksum to check a file named with these digests against. */
export function checksumFor(ref: { blake3?: string }): ChecksumKind {
  return ref.blake3 !== undefined && blake3Here() ? 'blake3' : 'sha256'
}

/** One pass over bytes in memory for several digests (headquarters names each file by SHA-256 and BLAKE3). */
export class Digests {
  private readonly sha: Hash | null
  private readonly b3: Blake3Hasher | null

  constructor(kinds: readonly ChecksumKind[]) {
    this.sha = kinds.includes('sha256') ? createHash('sha256') : null
    this.b3 = kinds.includes('blake3') ? linuxIo()!.blake3New() : null
  }

  update(bytes: Buffer): void {
    this.sha?.update(bytes)
    if (this.b3) linuxIo()!.blake3Update(this.b3, bytes)
  }

  /**
   * Reads `length` bytes of `fd` from `offset` and hashes them in the addon, without a JavaScript buffer: the bytes
   * hashed (fewer when the file ends first) or -errno. Null unless BLAKE3 alone was asked for: then use `update`.
   */
  updateFromFile(fd: number, offset: number, length: number): number | null {
    return this.b3 && !this.sha ? linuxIo()!.blake3UpdateFromFile(this.b3, fd, offset, length) : null
  }

  /** The hex digests asked for at construction. */
  digest(): { sha256?: string; blake3?: string } {
    return {
      ...(this.sha ? { sha256: this.sha.digest('hex') } : {}),
      ...(this.b3 ? { blake3: linuxIo()!.blake3Hex(this.b3) } : {}),
    }
  }
}

/** A file's names as headquarters gives them: its SHA-256 (its key in the bucket) and, with our addon, its BLAKE3. */
export function namingDigests(): {
  update(bytes: Buffer): void
  names(): { sha256: string; blake3?: string }
} {
  const d = new Digests(blake3Here() ? ['sha256', 'blake3'] : ['sha256'])
  return {
    update: (bytes) => d.update(bytes),
    names: () => {
      const { sha256, blake3 } = d.digest()
      return { sha256: sha256!, ...(blake3 ? { blake3 } : {}) }
    },
  }
}

import { closeSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Digests } from '../../src/main/core/chain/checksum'
import { linuxIo } from '../../src/main/core/fsutil/linux-io'
import { tempDir } from '../helpers/tmp'

/**
 * The addon's BLAKE3 (native/linux-io/hash.c over the vendored C implementation, with its SIMD code) against the
 * official test vectors' inputs (byte i is i % 251), digests computed by Debian's `b3sum` (the Rust implementation):
 * lengths on and around the 1 KiB chunk and the SIMD batch boundaries, and several MiB.
 */
const VECTORS: [number, string][] = [
  [0, 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262'],
  [1, '2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213'],
  [1023, '10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11'],
  [1024, '42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7'],
  [1025, 'd00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444'],
  [2048, 'e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a'],
  [2049, '5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030'],
  [3072, 'b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2'],
  [4097, '9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995'],
  [8193, 'bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b'],
  [16384, 'f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4'],
  [31744, '62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47'],
  [102400, 'bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085'],
  [1048593, '3d54bb0bda4e08dd512d5a9b0651535ebd69de2aec4216ff1ce9dda252184296'],
  [4194311, '9c1461e3de2a470b93d5ad72d82c75c5b2ea158518b4c671cce056fd22a5e3fd'],
]

const input = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i % 251))

const files = tempDir('tapdrop-blake3-')
afterAll(() => files.cleanup())

describe.runIf(process.platform === 'linux' && linuxIo() !== null)('BLAKE3 in the addon', () => {
  const io = linuxIo()!

  it('matches the reference digests, in memory and in pieces', () => {
    for (const [n, want] of VECTORS) {
      const data = input(n)
      const whole = io.blake3New()
      io.blake3Update(whole, data)
      expect(io.blake3Hex(whole), `${n} bytes`).toBe(want)
      // In uneven pieces, as a download's chunks arrive.
      const pieces = io.blake3New()
      for (let at = 0; at < n; at += 65_537) io.blake3Update(pieces, data.subarray(at, at + 65_537))
      expect(io.blake3Hex(pieces), `${n} bytes in pieces`).toBe(want)
    }
  })

  it('reads a file from an offset, says where it ended, and reports errors', () => {
    const [n, want] = VECTORS.at(-1)!
    const path = join(files.path, 'v.bin')
    writeFileSync(path, input(n))
    const fd = openSync(path, 'r')
    try {
      const h = io.blake3New()
      expect(io.blake3UpdateFromFile(h, fd, 0, 1_000_000)).toBe(1_000_000)
      expect(io.blake3UpdateFromFile(h, fd, 1_000_000, n)).toBe(n - 1_000_000) // the file ends first
      expect(io.blake3Hex(h)).toBe(want)
    } finally {
      closeSync(fd)
    }
    expect(io.blake3UpdateFromFile(io.blake3New(), fd, 0, 10)).toBe(-9) // EBADF: closed
    expect(() => io.blake3UpdateFromFile(io.blake3New(), -1, 0, 10)).toThrow(/blake3UpdateFromFile/)
    expect(() => io.blake3Update({} as never, Buffer.alloc(1))).toThrow(/blake3Update/)
    // A handle of another kind is refused, not written through (the receive's cancel takes only its own).
    expect(() => io.cancelReceive(io.blake3New() as never)).toThrow(/cancelReceive/)
  })

  it('gives headquarters both digests in one pass', () => {
    const [n, want] = VECTORS[13]!
    const d = new Digests(['sha256', 'blake3'])
    d.update(input(n))
    expect(d.digest()).toEqual({
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      blake3: want,
    })
  })
})

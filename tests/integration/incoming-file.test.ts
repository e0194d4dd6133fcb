import { createHash } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { incomingFile } from '../../src/main/core/videos/storage'
import { linuxIo, replaceLinuxIo } from '../../src/main/core/fsutil/linux-io'

const dir = mkdtempSync(join(tmpdir(), 'tapdrop-incoming-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** 100 MiB in chunks of odd sizes, as a socket delivers them: three 32 MiB writeback steps start on the way. */
async function receive(path: string): Promise<{ bytes: number; sha256: string }> {
  const out = incomingFile(path)
  const expected = createHash('sha256')
  let seed = 1
  let bytes = 0
  while (bytes < 100 << 20) {
    const chunk = Buffer.alloc(65_521 + (seed % 7) * 4099, seed++ & 0xff)
    expected.update(chunk)
    bytes += chunk.length
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r))
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  )
  return { bytes, sha256: expected.digest('hex') }
}

function digest(path: string): { bytes: number; sha256: string } {
  const written = readFileSync(path)
  return { bytes: written.length, sha256: createHash('sha256').update(written).digest('hex') }
}

describe('writing an upload to disk', () => {
  it('stores every byte of a file larger than several writeback steps, in order', async () => {
    const path = join(dir, 'big.bin')
    const expected = await receive(path)
    expect(digest(path)).toEqual(expected)
  })

  it('stores every byte the same way without the addon (Windows, macOS: fdatasync steps)', async () => {
    replaceLinuxIo(null)
    try {
      const path = join(dir, 'portable.bin')
      const expected = await receive(path)
      expect(digest(path)).toEqual(expected)
    } finally {
      replaceLinuxIo(undefined)
    }
  })

  it.runIf(process.platform === 'linux')(
    'starts writeback in order, from the first byte, in steps of at least 32 MiB while bytes arrive',
    async () => {
      const real = linuxIo()!
      const steps: Array<[number, number]> = []
      replaceLinuxIo({
        ...real,
        startWriteback: (fd, offset, length, cb) => {
          steps.push([offset, length])
          real.startWriteback(fd, offset, length, cb)
        },
      })
      try {
        const path = join(dir, 'steps.bin')
        const expected = await receive(path)
        expect(digest(path)).toEqual(expected)
        expect(steps.length).toBeGreaterThanOrEqual(2)
        let next = 0
        for (const [offset, length] of steps) {
          expect(offset).toBe(next) // no gap, no overlap
          expect(length).toBeGreaterThanOrEqual(32 << 20)
          next = offset + length
        }
        // The tail is left to the caller's fdatasync (the durable point), never beyond the file.
        expect(next).toBeLessThanOrEqual(expected.bytes)
      } finally {
        replaceLinuxIo(undefined)
      }
    },
  )

  it.runIf(process.platform === 'linux')(
    'starts writeback through the addon on Linux, and reports bad descriptors',
    async () => {
      const io = linuxIo()
      // npm ci builds the addon on Linux; without it uploads fall back to fdatasync steps and this must not hide it.
      expect(io).not.toBeNull()
      const path = join(dir, 'range.bin')
      const fd = openSync(path, 'w')
      writeSync(fd, Buffer.alloc(4 << 20, 7))
      const status = await new Promise<number>((r) => io!.startWriteback(fd, 0, 4 << 20, r))
      closeSync(fd)
      expect(status).toBe(0)
      const closed = await new Promise<number>((r) => io!.startWriteback(fd, 0, 4096, r))
      expect(closed).toBeLessThan(0) // -EBADF: the descriptor is closed
      expect(() => io!.startWriteback(-1, 0, 1, () => {})).toThrow(TypeError)
    },
  )
})

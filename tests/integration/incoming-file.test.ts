import { createHash } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { incomingFile } from '../../src/main/core/videos/storage'
import { linuxIo } from '../../src/main/core/fsutil/linux-io'

const dir = mkdtempSync(join(tmpdir(), 'tapdrop-incoming-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('writing an upload to disk', () => {
  it('stores every byte of a file larger than several writeback steps, in order', async () => {
    // 100 MiB in chunks of odd sizes: three 32 MiB writeback steps start while bytes still arrive.
    const path = join(dir, 'big.bin')
    const out = incomingFile(path)
    const expected = createHash('sha256')
    let seed = 1
    let total = 0
    while (total < 100 << 20) {
      const chunk = Buffer.alloc(65_521 + (seed % 7) * 4099, seed++ & 0xff)
      expected.update(chunk)
      total += chunk.length
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r))
    }
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    )
    const written = readFileSync(path)
    expect(written.length).toBe(total)
    expect(createHash('sha256').update(written).digest('hex')).toBe(expected.digest('hex'))
  })

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

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { downloadToFile, partPath } from '../../src/main/core/chain/download'
import { HashPool } from '../../src/main/core/chain/file-hasher'
import { silentLogger } from '../../src/main/core/logger'
import { MemoryStore } from '../helpers/memory-store'
import { tempDir } from '../helpers/tmp'

/**
 * How a download's bytes reach its partial file (part-writer.ts: one write in flight, the stream paused while a
 * chunk waits, writeback started on the way): whatever the pace of the network, the disk or the bandwidth limit,
 * the file is the object's bytes in order, and a disk that fills up ends the download with the disk's own error.
 */
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

let files: ReturnType<typeof tempDir>
let pool: HashPool

beforeAll(() => {
  files = tempDir('tapdrop-chain-write-')
  pool = new HashPool({ logger: silentLogger(), threads: 1 })
})

afterAll(async () => {
  await pool.close()
  files?.cleanup()
})

describe('a download written to its partial file', () => {
  it('keeps the bytes in order when a bandwidth limit holds every chunk back', async () => {
    const store = new MemoryStore()
    // 40 MB: several writebacks (one per 8 MiB) and hash steps (one per 4 MiB) on the way.
    const data = randomBytes(40 * 1024 * 1024 + 123)
    await store.put('t/limited', data)
    const dest = join(files.path, 'limited.bin')
    let waits = 0
    const r = await downloadToFile(store, 't/limited', dest, {
      hasher: pool,
      // Every third chunk must wait for the limit (a timer): the stream pauses and resumes each time.
      throttle: () => (++waits % 3 === 0 ? new Promise((resolve) => setTimeout(resolve, 0)) : null),
    })
    expect(waits).toBeGreaterThan(600)
    expect(r).toMatchObject({ size: data.length, sha256: sha256(data), fetched: data.length })
    expect(sha256(readFileSync(dest))).toBe(sha256(data))
  })

  it('keeps the bytes in order when the network is faster than the disk (chunks arrive during every write)', async () => {
    const store = new MemoryStore()
    const data = randomBytes(24 * 1024 * 1024)
    await store.put('t/fast', data)
    const dest = join(files.path, 'fast.bin')
    const progress: number[] = []
    const r = await downloadToFile(store, 't/fast', dest, {
      hasher: pool,
      onProgress: (received) => progress.push(received),
    })
    expect(r.sha256).toBe(sha256(data))
    expect(readFileSync(dest).equals(data)).toBe(true)
    // Progress only goes forward, chunk by chunk, to the last byte.
    expect(progress.every((n, i) => i === 0 || n > progress[i - 1]!)).toBe(true)
    expect(progress.at(-1)).toBe(data.length)
  })
})

// A real full disk: a 4 MiB tmpfs (mounting needs root, which this machine and its CI have).
describe.runIf(process.getuid?.() === 0)('a download on a disk that fills up', () => {
  let mount: ReturnType<typeof tempDir> | null = null

  afterAll(() => {
    if (!mount) return
    execFileSync('umount', [mount.path])
    mount.cleanup()
  })

  it('ends with the disk’s own error, without a file or a hang, and leaves the partial bytes it could write', async () => {
    mount = tempDir('tapdrop-chain-full-')
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount.path])
    const store = new MemoryStore()
    const data = randomBytes(6 * 1024 * 1024)
    await store.put('t/big', data)
    const dest = join(mount.path, 'big.bin')
    const started = Date.now()
    const err = await downloadToFile(store, 't/big', dest, { hasher: pool }).then(
      () => null,
      (e: unknown) => e as NodeJS.ErrnoException,
    )
    expect(err?.code).toBe('ENOSPC')
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(existsSync(dest)).toBe(false)
    // What was written is a prefix of the object: the next try (after space is freed) may continue from it.
    const kept = readFileSync(partPath(dest))
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(data.length)
    expect(kept.equals(data.subarray(0, kept.length))).toBe(true)
    expect(statSync(partPath(dest)).size).toBe(kept.length)
  })
})

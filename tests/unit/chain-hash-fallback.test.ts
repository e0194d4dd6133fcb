import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { downloadToFile, partPath } from '../../src/main/core/chain/download'
import { HashPool } from '../../src/main/core/chain/file-hasher'
import { ObjectStoreError } from '../../src/main/core/chain/object-store'
import { silentLogger } from '../../src/main/core/logger'
import { MemoryStore } from '../helpers/memory-store'
import { tempDir } from '../helpers/tmp'

// The hashing thread's file missing (a broken install), or a thread that dies as it starts: downloads are still
// checked, on the event loop, and the hub says so once.
const thread = vi.hoisted(() => ({ mode: 'missing' as 'missing' | 'dies', dyingFile: '' }))
vi.mock('../../src/main/db/threads/spawn', () => ({
  startThreadFile: () => {
    if (thread.mode === 'missing')
      throw new Error('the thread chain-file-hash.js is missing (looked for chain-file-hash.js)')
    return new Worker(thread.dyingFile)
  },
}))

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
let files: ReturnType<typeof tempDir>

beforeAll(() => {
  files = tempDir('tapdrop-chain-hash-fallback-')
  thread.dyingFile = join(files.path, 'dying-thread.cjs')
  writeFileSync(thread.dyingFile, "throw new Error('this thread cannot load its code')\n")
})

afterAll(() => files?.cleanup())

function watched(): { pool: HashPool; warnings: string[] } {
  const warnings: string[] = []
  const logger = silentLogger()
  logger.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof logger.warn
  return { pool: new HashPool({ logger, threads: 2 }), warnings }
}

async function downloads(pool: HashPool, name: string) {
  const store = new MemoryStore()
  const data = randomBytes(3 * 1024 * 1024 + 5)
  await store.put('t/good', data)
  const good = randomBytes(1024 * 1024)
  const bad = Buffer.from(good)
  bad[99] = bad[99]! ^ 1
  store.objects.set('t/rotten', { body: bad, sha256: sha256(good), etag: '"x"' })

  const dest = join(files.path, `${name}-good.bin`)
  const stop = new AbortController()
  // Interrupted, then resumed: the whole file is still checked.
  await expect(
    downloadToFile(store, 't/good', dest, {
      hasher: pool,
      signal: stop.signal,
      onProgress: (n) => n > 1024 * 1024 && stop.abort(),
    }),
  ).rejects.toThrow()
  const r = await downloadToFile(store, 't/good', dest, { hasher: pool })
  expect(r.resumedFrom).toBeGreaterThan(1024 * 1024)
  expect(r.sha256).toBe(sha256(data))
  expect(readFileSync(dest).equals(data)).toBe(true)

  const rotten = join(files.path, `${name}-rotten.bin`)
  const err = await downloadToFile(store, 't/rotten', rotten, { hasher: pool }).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(ObjectStoreError)
  expect((err as ObjectStoreError).reason).toBe('checksum')
  expect(existsSync(rotten) || existsSync(partPath(rotten))).toBe(false)
}

describe('the hashing thread, unavailable', () => {
  it('checks every download on the event loop when its file is missing, and logs it once', async () => {
    thread.mode = 'missing'
    const { pool, warnings } = watched()
    await downloads(pool, 'missing')
    expect(pool.threaded).toBe(false)
    expect(warnings).toEqual([
      'the file hashing thread is not available; downloads are checked on the main thread',
    ])
    await pool.close()
  })

  it('checks every download on the event loop when the thread dies as it starts, and logs it once', async () => {
    thread.mode = 'dies'
    const { pool, warnings } = watched()
    await downloads(pool, 'dies')
    expect(pool.threaded).toBe(false)
    expect(warnings).toEqual([
      'the file hashing thread is not available; downloads are checked on the main thread',
    ])
    await pool.close()
  })
})

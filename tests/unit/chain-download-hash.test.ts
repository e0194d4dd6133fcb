import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { downloadToFile, partPath } from '../../src/main/core/chain/download'
import { HashPool } from '../../src/main/core/chain/file-hasher'
import { linuxIo, replaceLinuxIo } from '../../src/main/core/fsutil/linux-io'
import { ObjectStoreError } from '../../src/main/core/chain/object-store'
import { silentLogger } from '../../src/main/core/logger'
import { MemoryStore } from '../helpers/memory-store'
import { tempDir } from '../helpers/tmp'

/**
 * downloadToFile with its checksum on the hashing thread (file-hasher.ts, the store's sync's way): what it refuses
 * and what it keeps are the same as on the event loop. The thread runs from its TypeScript source here.
 */
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')
const blake3 = (b: Buffer) => {
  const io = linuxIo()!
  const h = io.blake3New()
  io.blake3Update(h, b)
  return io.blake3Hex(h)
}

let files: ReturnType<typeof tempDir>
let pool: HashPool
const warnings: unknown[] = []

beforeAll(() => {
  files = tempDir('tapdrop-chain-hash-')
  const logger = silentLogger()
  logger.warn = ((...args: unknown[]) => void warnings.push(args)) as typeof logger.warn
  pool = new HashPool({ logger, threads: 2 })
})

afterAll(async () => {
  await pool.close()
  files?.cleanup()
})

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof ObjectStoreError) return err.reason
    throw err
  }
  throw new Error('expected the download to fail')
}

/** Downloads until `bytes` have arrived, then stops it: the partial file stays, as after a cut. */
async function interrupted(store: MemoryStore, key: string, dest: string, bytes: number): Promise<number> {
  const stop = new AbortController()
  await expect(
    downloadToFile(store, key, dest, {
      hasher: pool,
      signal: stop.signal,
      onProgress: (received) => received >= bytes && stop.abort(),
    }),
  ).rejects.toThrow()
  return statSync(partPath(dest)).size
}

describe('downloads checked on the hashing thread', () => {
  it('keeps a good file, with its SHA-256, and reports progress to the last byte', async () => {
    const store = new MemoryStore()
    const data = randomBytes(3 * 1024 * 1024 + 17)
    await store.put('t/good', data)
    const dest = join(files.path, 'good.bin')
    const seen: number[] = []
    const r = await downloadToFile(store, 't/good', dest, {
      hasher: pool,
      onProgress: (received) => seen.push(received),
    })
    expect(r).toMatchObject({ size: data.length, sha256: sha256(data), resumedFrom: 0, fetched: data.length })
    expect(seen.at(-1)).toBe(data.length)
    expect(readFileSync(dest).equals(data)).toBe(true)
    expect(existsSync(partPath(dest))).toBe(false)
    expect(pool.threaded).toBe(true)
  })

  it('refuses a corrupted object: neither the file nor its partial bytes are kept', async () => {
    const store = new MemoryStore()
    const good = randomBytes(2 * 1024 * 1024)
    const bad = Buffer.from(good)
    bad[1_500_000] = bad[1_500_000]! ^ 1
    store.objects.set('t/rotten', { body: bad, sha256: sha256(good), etag: `"${md5(good)}"` })
    const dest = join(files.path, 'rotten.bin')
    expect(await reason(downloadToFile(store, 't/rotten', dest, { hasher: pool }))).toBe('checksum')
    expect(existsSync(dest)).toBe(false)
    expect(existsSync(partPath(dest))).toBe(false)
    // The catalog's SHA-256 decides too, whatever the object's own metadata says.
    await store.put('t/other', bad)
    expect(await reason(downloadToFile(store, 't/other', dest, { hasher: pool, sha256: sha256(good) }))).toBe(
      'checksum',
    )
    expect(existsSync(dest)).toBe(false)
    expect(pool.threaded).toBe(true)
  })

  it('refuses a foreign object whose bytes differ from its single-part ETag (the MD5 hashed on the thread)', async () => {
    const store = new MemoryStore()
    const good = randomBytes(1024 * 1024)
    const bad = Buffer.from(good)
    bad[10] = bad[10]! ^ 1
    store.objects.set('t/foreign', { body: bad, sha256: '', etag: `"${md5(good)}"` })
    const dest = join(files.path, 'foreign.bin')
    expect(await reason(downloadToFile(store, 't/foreign', dest, { hasher: pool }))).toBe('checksum')
    expect(existsSync(dest)).toBe(false)
    store.objects.set('t/foreign', { body: good, sha256: '', etag: `"${md5(good)}"` })
    const r = await downloadToFile(store, 't/foreign', dest, { hasher: pool })
    expect(r.sha256).toBe(sha256(good))
  })

  it('checks a resumed file over all its bytes: a kept byte damaged on the disk is caught', async () => {
    const store = new MemoryStore()
    const data = randomBytes(6 * 1024 * 1024)
    await store.put('t/resume', data)
    const dest = join(files.path, 'resume.bin')

    // A clean resume: only the missing bytes are fetched, and the file is whole.
    const kept = await interrupted(store, 't/resume', dest, 2 * 1024 * 1024)
    expect(kept).toBeGreaterThanOrEqual(2 * 1024 * 1024)
    expect(existsSync(dest)).toBe(false)
    const r = await downloadToFile(store, 't/resume', dest, { hasher: pool })
    expect(r).toMatchObject({ resumedFrom: kept, fetched: data.length - kept, sha256: sha256(data) })
    expect(readFileSync(dest).equals(data)).toBe(true)

    // The kept bytes rot before the resume: the bytes fetched now are right, the file is not, and it is refused.
    const dest2 = join(files.path, 'resume-rot.bin')
    const kept2 = await interrupted(store, 't/resume', dest2, 3 * 1024 * 1024)
    const partial = readFileSync(partPath(dest2))
    partial[1000] = partial[1000]! ^ 1
    writeFileSync(partPath(dest2), partial)
    expect(await reason(downloadToFile(store, 't/resume', dest2, { hasher: pool }))).toBe('checksum')
    expect(kept2).toBeGreaterThan(1000)
    expect(existsSync(dest2)).toBe(false)
    expect(existsSync(partPath(dest2))).toBe(false)
    // The next try starts clean and succeeds.
    const again = await downloadToFile(store, 't/resume', dest2, { hasher: pool })
    expect(again).toMatchObject({ resumedFrom: 0, sha256: sha256(data) })
    expect(pool.threaded).toBe(true)
    expect(warnings).toEqual([])
  })

  it('shares its threads between many downloads at once', async () => {
    const store = new MemoryStore()
    const bodies = Array.from({ length: 8 }, (_, i) => randomBytes(512 * 1024 + i))
    for (const [i, b] of bodies.entries()) await store.put(`t/many/${i}`, b)
    const results = await Promise.all(
      bodies.map((_, i) =>
        downloadToFile(store, `t/many/${i}`, join(files.path, `many-${i}.bin`), { hasher: pool }),
      ),
    )
    expect(results.map((r) => r.sha256)).toEqual(bodies.map(sha256))
  })
})

describe.runIf(linuxIo() !== null)('downloads a catalog names by BLAKE3 as well (checksum.ts)', () => {
  it('checks the BLAKE3, on the thread, and keeps the file', async () => {
    const store = new MemoryStore()
    const data = randomBytes(5 * 1024 * 1024 + 3)
    await store.put('t/b3', data)
    const dest = join(files.path, 'b3.bin')
    const r = await downloadToFile(store, 't/b3', dest, {
      hasher: pool,
      sha256: sha256(data),
      blake3: blake3(data),
    })
    expect(r).toMatchObject({ checked: 'blake3', sha256: sha256(data), size: data.length })
    expect(readFileSync(dest).equals(data)).toBe(true)
    expect(pool.threaded).toBe(true)
  })

  it('refuses bytes that do not match the BLAKE3, even when the SHA-256 named beside it does', async () => {
    const store = new MemoryStore()
    const data = randomBytes(1024 * 1024)
    await store.put('t/b3-wrong', data)
    const dest = join(files.path, 'b3-wrong.bin')
    const other = blake3(Buffer.concat([data, Buffer.from([1])]))
    const refused = downloadToFile(store, 't/b3-wrong', dest, {
      hasher: pool,
      sha256: sha256(data),
      blake3: other,
    })
    await expect(refused).rejects.toThrow(`BLAKE3 ${blake3(data)} instead of ${other}`)
    expect(existsSync(dest)).toBe(false)
    expect(existsSync(partPath(dest))).toBe(false)
  })

  it('catches a damaged byte in the part kept from before a resume', async () => {
    const store = new MemoryStore()
    const data = randomBytes(6 * 1024 * 1024)
    await store.put('t/b3-resume', data)
    const dest = join(files.path, 'b3-resume.bin')
    const names = { sha256: sha256(data), blake3: blake3(data) }
    const stop = new AbortController()
    await expect(
      downloadToFile(store, 't/b3-resume', dest, {
        ...names,
        hasher: pool,
        signal: stop.signal,
        onProgress: (received) => received >= 3 * 1024 * 1024 && stop.abort(),
      }),
    ).rejects.toThrow()
    const partial = readFileSync(partPath(dest))
    partial[1000] = partial[1000]! ^ 1
    writeFileSync(partPath(dest), partial)
    expect(await reason(downloadToFile(store, 't/b3-resume', dest, { ...names, hasher: pool }))).toBe(
      'checksum',
    )
    expect(existsSync(partPath(dest))).toBe(false)
    const again = await downloadToFile(store, 't/b3-resume', dest, { ...names, hasher: pool })
    expect(again).toMatchObject({ checked: 'blake3', resumedFrom: 0 })
    expect(readFileSync(dest).equals(data)).toBe(true)
  })

  it('checks the SHA-256 where the addon is not loaded (Windows, macOS, TAPDROP_LINUX_IO=0)', async () => {
    const store = new MemoryStore()
    const data = randomBytes(1024 * 1024)
    await store.put('t/b3-none', data)
    const names = { sha256: sha256(data), blake3: blake3(data) }
    replaceLinuxIo(null)
    try {
      const r = await downloadToFile(store, 't/b3-none', join(files.path, 'b3-none.bin'), {
        ...names,
        hasher: pool,
      })
      expect(r).toMatchObject({ checked: 'sha256', sha256: sha256(data) })
      // And refuses by it: the BLAKE3 named cannot be checked here, the SHA-256 can.
      const bad = await reason(
        downloadToFile(store, 't/b3-none', join(files.path, 'b3-none-2.bin'), {
          sha256: sha256(Buffer.from('other')),
          blake3: names.blake3,
          hasher: pool,
        }),
      )
      expect(bad).toBe('checksum')
    } finally {
      replaceLinuxIo(undefined)
    }
  })
})

import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { createServer as createTlsServer } from 'node:tls'
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { S3ObjectStore, type S3StoreOptions } from '../../src/main/chain/s3-store'
import { downloadToFile, partPath } from '../../src/main/core/chain/download'
import { HashPool } from '../../src/main/core/chain/file-hasher'
import { listAll } from '../../src/main/core/chain/listing'
import { linuxIo, replaceLinuxIo } from '../../src/main/core/fsutil/linux-io'
import { ObjectStoreError, type ObjectStoreFailure } from '../../src/main/core/chain/object-store'
import { readPointed, readPointer, writeThenPoint } from '../../src/main/core/chain/pointer'
import { silentLogger } from '../../src/main/core/logger'
import { startTestCluster, type TestCluster } from '../helpers/ceph'
import { CutProxy } from '../helpers/cut-proxy'
import { TamperProxy } from '../helpers/tamper-proxy'
import { tempDir } from '../helpers/tmp'

/**
 * The object-store port (core/chain/object-store.ts) on its S3 implementation against a real Ceph RGW started by
 * this file: every operation, integrity on the way in and out, resume, paging, and the typed errors.
 */
const BUCKET = 'chain-store-test'
let ceph: TestCluster
let files: ReturnType<typeof tempDir>
const opened: S3ObjectStore[] = []
/** The store sync's way of checking downloads: on a thread of its own (the other downloads here use the default). */
const hashing = new HashPool({ logger: silentLogger() })

function store(over: Partial<S3StoreOptions> = {}): S3ObjectStore {
  const s = new S3ObjectStore({
    endpoint: ceph.cluster.info.endpoint,
    region: ceph.cluster.info.region,
    bucket: BUCKET,
    accessKeyId: ceph.cluster.info.accessKeyId,
    secretAccessKey: ceph.cluster.info.secretAccessKey,
    pathStyle: true,
    caFile: null,
    retryBaseMs: 50,
    ...over,
  })
  opened.push(s)
  return s
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function failure(p: Promise<unknown>): Promise<ObjectStoreError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ObjectStoreError) return err
    throw err
  }
  throw new Error('expected the call to fail')
}

async function expectReason(p: Promise<unknown>, reason: ObjectStoreFailure): Promise<ObjectStoreError> {
  const err = await failure(p)
  expect(err.reason, err.message).toBe(reason)
  return err
}

beforeAll(async () => {
  ceph = await startTestCluster()
  files = tempDir('tapdrop-chain-files-')
  await ceph.client().send(new CreateBucketCommand({ Bucket: BUCKET }))
})

afterAll(async () => {
  for (const s of opened) s.close()
  await hashing.close()
  await ceph?.stop()
  files?.cleanup()
})

describe('object store port on Ceph RGW', () => {
  it('puts, heads, gets and deletes a small object, with its SHA-256 recorded and checked', async () => {
    const s = store()
    const body = Buffer.from('{"catalog":1}')
    const put = await s.put('t/small.json', body, {
      contentType: 'application/json',
      metadata: { origin: 'hq' },
    })
    expect(put.sha256).toBe(sha256(body))
    expect(put.etag).toMatch(/^"[0-9a-f]{32}"$/)

    const info = await s.head('t/small.json')
    expect(info).toMatchObject({
      size: body.length,
      etag: put.etag,
      sha256: sha256(body),
      contentType: 'application/json',
    })
    expect(info!.metadata.origin).toBe('hq')

    const got = await s.get('t/small.json')
    expect(got.status).toBe('ok')
    if (got.status === 'ok') expect(got.body.equals(body)).toBe(true)

    await s.delete('t/small.json')
    expect(await s.head('t/small.json')).toBeNull()
    await expectReason(s.get('t/small.json'), 'not-found')
    // Deleting what is not there is not an error.
    await s.delete('t/small.json')
  })

  it('answers a conditional get with not-modified until the object changes', async () => {
    const s = store()
    const first = await s.put('t/pointer', 'v1')
    expect(await s.get('t/pointer', { ifNoneMatch: first.etag })).toEqual({
      status: 'not-modified',
      etag: first.etag,
    })
    const second = await s.put('t/pointer', 'v2')
    const got = await s.get('t/pointer', { ifNoneMatch: first.etag })
    expect(got.status).toBe('ok')
    if (got.status === 'ok') {
      expect(got.info.etag).toBe(second.etag)
      expect(got.body.toString()).toBe('v2')
    }
  })

  it('refuses an upload whose bytes were damaged on the way (the store checks Content-MD5), without retrying it', async () => {
    const proxy = new TamperProxy({ host: '127.0.0.1', port: ceph.cluster.info.rgwPort })
    await proxy.start()
    try {
      const s = store({ endpoint: proxy.url })
      proxy.damageNextBody()
      const err = await expectReason(s.put('t/damaged', randomBytes(4096)), 'checksum')
      expect(err.code).toBe('chain-checksum')
      // RGW checks the signed payload hash before Content-MD5; either way the store said the bytes were wrong.
      expect(err.details).toMatchObject({ status: 400 })
      expect(['BadDigest', 'XAmzContentSHA256Mismatch']).toContain(err.details!.storeCode)
      expect(proxy.damaged).toBe(1)
      // Nothing was kept under the key.
      expect(await store().head('t/damaged')).toBeNull()
      // The same upload undamaged goes through the same proxy.
      await s.put('t/damaged', randomBytes(4096))
      expect(await store().head('t/damaged')).not.toBeNull()
    } finally {
      await proxy.stop()
    }
  })

  it('sends Content-MD5 with every upload and with DeleteObjects, and none of the checksum headers some stores refuse', async () => {
    const proxy = new TamperProxy({ host: '127.0.0.1', port: ceph.cluster.info.rgwPort })
    await proxy.start()
    try {
      const s = store({ endpoint: proxy.url })
      await s.put('t/md5/a', 'a')
      await s.put('t/md5/b', 'b')
      await s.deleteMany(['t/md5/a', 't/md5/b'])
      const puts = proxy.requests.filter((r) => r.startsWith('PUT '))
      const deletes = proxy.requests.filter(
        (r) => r.startsWith('POST ') && /\?delete/.test(r.split('\r\n')[0]!),
      )
      expect(puts).toHaveLength(2)
      expect(deletes).toHaveLength(1)
      for (const r of [...puts, ...deletes]) {
        expect(r).toMatch(/\r\ncontent-md5: /i)
        expect(r).not.toMatch(/\r\nx-amz-checksum-/i)
        expect(r).not.toMatch(/aws-chunked/i)
      }
      expect(await store().head('t/md5/a')).toBeNull()
    } finally {
      await proxy.stop()
    }
  })

  it('refuses to hand out an object whose bytes differ from their recorded SHA-256', async () => {
    // Planted by another writer: the metadata says one thing, the bytes another (bit rot, a bad copy).
    const good = randomBytes(10_000)
    const bad = Buffer.from(good)
    bad[5000] = bad[5000]! ^ 1
    await ceph.client().send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 't/rotten',
        Body: bad,
        Metadata: { sha256: sha256(good) },
      }),
    )
    const s = store()
    await expectReason(s.get('t/rotten'), 'checksum')
    const dest = join(files.path, 'rotten.bin')
    await expectReason(downloadToFile(s, 't/rotten', dest), 'checksum')
    // Neither the file nor its partial bytes are left to be served or resumed.
    expect(existsSync(dest)).toBe(false)
    expect(existsSync(partPath(dest))).toBe(false)
    // The same when the hash is taken on the hashing thread.
    await expectReason(downloadToFile(s, 't/rotten', dest, { hasher: hashing }), 'checksum')
    expect(hashing.threaded).toBe(true)
    expect(existsSync(dest)).toBe(false)
    expect(existsSync(partPath(dest))).toBe(false)
  })

  it('uploads a large file in parts (each checked by the store) and downloads it back equal', async () => {
    const data = randomBytes(13 * 1024 * 1024 + 123)
    const src = join(files.path, 'big.bin')
    writeFileSync(src, data)
    const s = store({ multipartThresholdBytes: 5 * 1024 * 1024, partBytes: 5 * 1024 * 1024 })
    const progress: number[] = []
    const put = await s.putFile('t/big.bin', src, { onProgress: (sent) => progress.push(sent) })
    expect(put.etag).toMatch(/-3"$/)
    expect(put.sha256).toBe(sha256(data))
    expect(progress.at(-1)).toBe(data.length)
    const info = await s.head('t/big.bin')
    expect(info).toMatchObject({ size: data.length, sha256: sha256(data), etag: put.etag })

    const dest = join(files.path, 'big.copy')
    const r = await downloadToFile(s, 't/big.bin', dest)
    expect(r).toMatchObject({ size: data.length, sha256: sha256(data), resumedFrom: 0, fetched: data.length })
    expect(readFileSync(dest).equals(data)).toBe(true)
    expect(existsSync(partPath(dest))).toBe(false)
  })

  it('refuses a damaged part of a multipart upload', async () => {
    const proxy = new TamperProxy({ host: '127.0.0.1', port: ceph.cluster.info.rgwPort })
    await proxy.start()
    try {
      const src = join(files.path, 'parts.bin')
      writeFileSync(src, randomBytes(11 * 1024 * 1024))
      const s = store({
        endpoint: proxy.url,
        multipartThresholdBytes: 5 * 1024 * 1024,
        partBytes: 5 * 1024 * 1024,
        partConcurrency: 1,
      })
      // CreateMultipartUpload has no body; the first body is part 1.
      proxy.damageNextBody()
      await expectReason(s.putFile('t/parts.bin', src), 'checksum')
      expect(await store().head('t/parts.bin')).toBeNull()
    } finally {
      await proxy.stop()
    }
  })

  it('resumes an interrupted download from the bytes it has, and never shows a partial file', async () => {
    const data = randomBytes(6 * 1024 * 1024)
    const s = store()
    await s.put('t/resume.bin', data)
    const dest = join(files.path, 'resume.bin')
    const stop = new AbortController()
    let seen = 0
    await expect(
      downloadToFile(s, 't/resume.bin', dest, {
        signal: stop.signal,
        onProgress: (received) => {
          seen = received
          if (received > 1024 * 1024) stop.abort()
        },
      }),
    ).rejects.toThrow()
    expect(existsSync(dest)).toBe(false)
    const partial = statSync(partPath(dest)).size
    expect(partial).toBeGreaterThan(1024 * 1024)
    expect(partial).toBe(seen)

    // Resumed with the hash on the hashing thread: it covers the kept bytes too.
    const r = await downloadToFile(s, 't/resume.bin', dest, { hasher: hashing })
    expect(r.resumedFrom).toBe(partial)
    expect(r.fetched).toBe(data.length - partial)
    expect(r.sha256).toBe(sha256(data))
    expect(readFileSync(dest).equals(data)).toBe(true)
  })

  it('does not splice a replaced object onto the partial bytes of the old one', async () => {
    const s = store()
    const dest = join(files.path, 'replaced.bin')
    const v1 = randomBytes(3 * 1024 * 1024)
    const put1 = await s.put('t/replaced.bin', v1)
    const stop = new AbortController()
    await expect(
      downloadToFile(s, 't/replaced.bin', dest, {
        signal: stop.signal,
        onProgress: (n) => n > 512 * 1024 && stop.abort(),
      }),
    ).rejects.toThrow()
    const v2 = randomBytes(3 * 1024 * 1024)
    await s.put('t/replaced.bin', v2)

    // Asked for the old version by its ETag: refused as changed, nothing written.
    await expectReason(downloadToFile(s, 't/replaced.bin', dest, { etag: put1.etag }), 'changed')
    expect(existsSync(dest)).toBe(false)
    // Asked for whatever is there: starts over on the new one.
    const r = await downloadToFile(s, 't/replaced.bin', dest)
    expect(r.resumedFrom).toBe(0)
    expect(readFileSync(dest).equals(v2)).toBe(true)
  })

  it('lists by prefix page by page', async () => {
    const s = store()
    const keys = Array.from({ length: 23 }, (_, i) => `t/list/${String(i).padStart(3, '0')}`)
    for (const k of keys) await s.put(k, k)
    await s.put('t/listing-not-me', 'x')
    const first = await s.list('t/list/', { pageSize: 10 })
    expect(first.objects.map((o) => o.key)).toEqual(keys.slice(0, 10))
    expect(first.next).not.toBeNull()
    const second = await s.list('t/list/', { pageSize: 10, continuation: first.next! })
    expect(second.objects.map((o) => o.key)).toEqual(keys.slice(10, 20))
    const third = await s.list('t/list/', { pageSize: 10, continuation: second.next! })
    expect(third.objects.map((o) => o.key)).toEqual(keys.slice(20))
    expect(third.next).toBeNull()
    expect(third.objects[0]).toMatchObject({ size: keys[20]!.length, etag: expect.stringMatching(/^"/) })

    const all: string[] = []
    for await (const o of listAll(s, 't/list/', { pageSize: 7 })) all.push(o.key)
    expect(all).toEqual(keys)

    await s.deleteMany([...keys, 't/list/never-there'])
    expect((await s.list('t/list/')).objects).toEqual([])
  })

  it('writes an object, then a pointer to it; readers see the new object whole, or not-modified', async () => {
    const s = store()
    const w1 = await writeThenPoint(
      s,
      't/catalog/current',
      { key: 't/catalog/v1.json', body: '{"v":1}' },
      { expect: null },
    )
    const r1 = await readPointer(s, 't/catalog/current')
    expect(r1.status).toBe('ok')
    if (r1.status !== 'ok') return
    expect(r1.pointer).toMatchObject({ key: 't/catalog/v1.json', size: 7 })
    expect((await readPointed(s, r1.pointer)).toString()).toBe('{"v":1}')
    expect(await readPointer(s, 't/catalog/current', { ifNoneMatch: r1.etag })).toMatchObject({
      status: 'not-modified',
    })

    // Two writers read the same pointer; the second one's compare-and-swap loses.
    const w2 = await writeThenPoint(
      s,
      't/catalog/current',
      { key: 't/catalog/v2.json', body: '{"v":2}' },
      { expect: w1.pointerEtag },
    )
    await expectReason(
      writeThenPoint(
        s,
        't/catalog/current',
        { key: 't/catalog/v2b.json', body: '{"v":"2b"}' },
        { expect: w1.pointerEtag },
      ),
      'changed',
    )
    const r2 = await readPointer(s, 't/catalog/current', { ifNoneMatch: r1.etag })
    expect(r2.status === 'ok' && r2.pointer.key).toBe('t/catalog/v2.json')
    expect(r2.status === 'ok' && r2.etag).toBe(w2.pointerEtag)
    expect(await readPointer(s, 't/catalog/none')).toEqual({ status: 'missing' })

    await s.put('t/catalog/broken', 'not json')
    await expectReason(readPointer(s, 't/catalog/broken'), 'invalid')
  })

  it('says wrong keys, a missing bucket and a skewed clock with their own reasons, and does not retry them', async () => {
    const wrongSecret = store({ secretAccessKey: 'not-the-secret', retryBaseMs: 2000 })
    const t0 = Date.now()
    const e1 = await expectReason(wrongSecret.get('t/anything'), 'credentials')
    expect(Date.now() - t0).toBeLessThan(1500)
    expect(e1.code).toBe('chain-credentials')
    expect(e1.message).toMatch(/chainAccessKey and chainSecretKey/)
    await expectReason(store({ accessKeyId: 'NOSUCHKEYID0000000', retryBaseMs: 2000 }).probe(), 'credentials')

    const noBucket = store({ bucket: 'no-such-bucket-here' })
    for (const call of [
      () => noBucket.probe(),
      () => noBucket.get('k'),
      () => noBucket.put('k', 'x'),
      () => noBucket.head('k'),
      () => noBucket.list(''),
    ]) {
      const e = await expectReason(call(), 'no-bucket')
      expect(e.message).toMatch(/bucket no-such-bucket-here does not exist/)
    }

    const skewed = store({ clockOffsetMs: 2 * 3600_000 })
    const e3 = await expectReason(skewed.probe(), 'clock-skew')
    expect(e3.message).toMatch(/clock/)
    // HEAD answers a bare 403: the reason is still the key, not a missing permission.
    await expectReason(store({ secretAccessKey: 'not-the-secret' }).head('t/anything'), 'credentials')
  })

  it('keeps the key pair out of its errors', async () => {
    const secret = 'a-very-secret-value-123'
    const s = store({ secretAccessKey: secret })
    const err = await failure(s.get('t/x'))
    const text = JSON.stringify({ message: err.message, body: err.toBody(), stack: err.stack })
    expect(text).not.toContain(secret)
    expect(text).not.toContain(ceph.cluster.info.accessKeyId)
  })

  it('trusts a store whose certificate comes from a private CA only with that CA file', async () => {
    // The store behind HTTPS with a certificate no public CA signed (a self-signed one is its own CA).
    const cert = join(files.path, 'store.crt')
    const key = join(files.path, 'store.key')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
      ].concat([
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=store.test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]),
      { stdio: 'ignore' },
    )
    const sockets = new Set<{ destroy(): void }>()
    const tls = createTlsServer({ cert: readFileSync(cert), key: readFileSync(key) }, (client) => {
      const upstream = connect(ceph.cluster.info.rgwPort, '127.0.0.1')
      sockets.add(client).add(upstream)
      client.pipe(upstream).pipe(client)
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    })
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r))
    const endpoint = `https://127.0.0.1:${(tls.address() as { port: number }).port}`
    try {
      const untrusted = await expectReason(store({ endpoint }).probe(), 'tls')
      expect(untrusted.code).toBe('chain-tls')
      expect(untrusted.message).toMatch(/not trusted .*set chainCaFile/)

      const trusted = store({ endpoint, caFile: cert })
      await trusted.probe()
      await trusted.put('t/over-tls', 'secure')
      const got = await trusted.get('t/over-tls')
      expect(got.status === 'ok' && got.body.toString()).toBe('secure')

      expect(() => store({ endpoint, caFile: join(files.path, 'missing.pem') })).toThrow(
        /cannot read chainCaFile/,
      )
    } finally {
      // The client keeps its connections alive: close() would wait for them.
      for (const sock of sockets) sock.destroy()
      await new Promise((r) => tls.close(r))
    }
  })

  it('retries a refused connection with back-off, then says it cannot reach the store', async () => {
    // A port nothing listens on.
    const s = store({ endpoint: 'http://127.0.0.1:9', attempts: 3, retryBaseMs: 100 })
    const t0 = Date.now()
    const err = await expectReason(s.probe(), 'network')
    // Two pauses: ~100 ms and ~200 ms (±20 %).
    expect(Date.now() - t0).toBeGreaterThanOrEqual(230)
    expect(err.code).toBe('chain-unreachable')
    expect(err.message).toMatch(/cannot reach the object store at http:\/\/127\.0\.0\.1:9/)
  })

  it('resumes a download when the store goes away mid-way and comes back, without fetching bytes twice', async () => {
    const data = randomBytes(24 * 1024 * 1024)
    const s = store({ attempts: 10, retryBaseMs: 200, maxRetryMs: 1000 })
    await s.put('t/outage.bin', data)
    const dest = join(files.path, 'outage.bin')
    let stopped: Promise<void> | null = null
    // ~8 MiB/s, so the gateway stops while most of the file is still to come.
    let last = Date.now()
    const throttle = async (bytes: number) => {
      const due = last + (bytes / (8 * 1024 * 1024)) * 1000
      last = Math.max(due, Date.now())
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()))
    }
    const download = downloadToFile(s, 't/outage.bin', dest, {
      throttle,
      onProgress: (received) => {
        if (!stopped && received > 4 * 1024 * 1024)
          stopped = (async () => {
            await ceph.cluster.stopGateway()
            await new Promise((r) => setTimeout(r, 1000))
            await ceph.cluster.startGateway()
          })()
      },
    })
    const r = await download
    await stopped
    expect(r.reopened).toBeGreaterThanOrEqual(1)
    expect(r.fetched).toBe(data.length)
    expect(r.sha256).toBe(sha256(data))
    expect(readFileSync(dest).equals(data)).toBe(true)
  })

  it('keeps the partial bytes when the store stays away, and the next try continues from them', async () => {
    const data = randomBytes(12 * 1024 * 1024)
    const s = store({ attempts: 2, retryBaseMs: 50 })
    await s.put('t/away.bin', data)
    const dest = join(files.path, 'away.bin')
    let stopped: Promise<void> | null = null
    const slow = async () => new Promise<void>((r) => setTimeout(r, 2))
    const err = await failure(
      downloadToFile(s, 't/away.bin', dest, {
        throttle: slow,
        onProgress: (received) => {
          if (!stopped && received > 2 * 1024 * 1024) stopped = ceph.cluster.stopGateway()
        },
      }),
    )
    await stopped
    expect(err.reason).toBe('network')
    expect(existsSync(dest)).toBe(false)
    const kept = statSync(partPath(dest)).size
    expect(kept).toBeGreaterThan(2 * 1024 * 1024)

    await ceph.cluster.startGateway()
    const r = await downloadToFile(s, 't/away.bin', dest)
    expect(r.resumedFrom).toBe(kept)
    expect(r.fetched).toBe(data.length - kept)
    expect(readFileSync(dest).equals(data)).toBe(true)
  })
})

describe.runIf(process.platform === 'linux' && linuxIo() !== null)(
  'downloads read by the addon (direct-download.ts)',
  () => {
    it('receives the body straight into the file: every byte, the ones Node had read first included', async () => {
      const s = store()
      for (const size of [1, 70_000, 24 * 1024 * 1024 + 5]) {
        const data = randomBytes(size)
        await s.put(`t/direct-${size}.bin`, data)
        const dest = join(files.path, `direct-${size}.bin`)
        const r = await downloadToFile(s, `t/direct-${size}.bin`, dest, { direct: true, hasher: hashing })
        expect(r, `${size} bytes`).toMatchObject({ size, fetched: size, reopened: 0, checked: 'sha256' })
        expect(readFileSync(dest).equals(data), `${size} bytes`).toBe(true)
      }
      // A 1-byte body is all in Node's hands already; a large one mostly in the addon's.
      const big = await downloadToFile(s, 't/direct-25165829.bin', join(files.path, 'direct-again.bin'), {
        direct: true,
      })
      expect(big.direct).toBe(true)
    })

    it('goes on through Node when the addon cannot take the body, and ends the download when a listener throws', async () => {
      const s = store()
      const data = randomBytes(12 * 1024 * 1024)
      await s.put('t/direct-fallback.bin', data)
      const real = linuxIo()!
      replaceLinuxIo({
        ...real,
        receive: () => {
          throw new Error('receive: the receiving thread could not start')
        },
      })
      try {
        const dest = join(files.path, 'direct-fallback.bin')
        const r = await downloadToFile(s, 't/direct-fallback.bin', dest, { direct: true })
        expect(r).toMatchObject({ direct: false, reopened: 1, fetched: data.length })
        expect(readFileSync(dest).equals(data)).toBe(true)
      } finally {
        replaceLinuxIo(undefined)
      }
      // A progress listener that throws fails this download (as on the stream path), not the process.
      const thrown = downloadToFile(s, 't/direct-fallback.bin', join(files.path, 'direct-throws.bin'), {
        direct: true,
        onProgress: (received) => {
          if (received >= 4 * 1024 * 1024) throw new Error('the listener broke')
        },
      })
      await expect(thrown).rejects.toThrow('the listener broke')
    })

    it('continues after the connection is cut mid-body, from the byte it reached, and counts no byte twice', async () => {
      const data = randomBytes(32 * 1024 * 1024)
      const proxy = new CutProxy({ host: '127.0.0.1', port: ceph.cluster.info.rgwPort })
      await proxy.start()
      try {
        const s = store({ endpoint: proxy.url })
        await s.put('t/direct-cut.bin', data)
        const dest = join(files.path, 'direct-cut.bin')
        let cut = false
        const r = await downloadToFile(s, 't/direct-cut.bin', dest, {
          direct: true,
          hasher: hashing,
          onProgress: (received) => {
            // Drops the connection open now; the next one passes.
            if (!cut && received >= 8 * 1024 * 1024) {
              cut = true
              proxy.set('pass')
            }
          },
        })
        expect(cut).toBe(true)
        expect(r).toMatchObject({ direct: true, fetched: data.length, size: data.length })
        expect(r.reopened).toBeGreaterThanOrEqual(1)
        expect(readFileSync(dest).equals(data)).toBe(true)
      } finally {
        await proxy.stop()
      }
    })

    it.runIf(process.getuid?.() === 0)(
      'says the disk is full as the file system does (ENOSPC), and frees nothing it should keep',
      async () => {
        // A real full disk: the download's folder on an 8 MiB tmpfs (mounting needs root, as disk-full.test.ts).
        const mount = tempDir('tapdrop-chain-full-')
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount.path])
        try {
          const s = store()
          const data = randomBytes(24 * 1024 * 1024)
          await s.put('t/direct-full.bin', data)
          const dest = join(mount.path, 'direct-full.bin')
          const err = (await downloadToFile(s, 't/direct-full.bin', dest, { direct: true }).then(
            () => null,
            (e: unknown) => e,
          )) as NodeJS.ErrnoException | null
          expect(err?.code).toBe('ENOSPC')
          expect(existsSync(dest)).toBe(false)
          // What fitted is kept for a try once there is room (the sync's own reserve check frees or refuses first).
          expect(statSync(partPath(dest)).size).toBeGreaterThan(4 * 1024 * 1024)
        } finally {
          execFileSync('umount', [mount.path])
          mount.cleanup()
        }
      },
    )

    it('stops when aborted, and gives up on a silent connection, keeping the bytes it has for the next try', async () => {
      const data = randomBytes(32 * 1024 * 1024)
      const proxy = new CutProxy({ host: '127.0.0.1', port: ceph.cluster.info.rgwPort })
      await proxy.start()
      try {
        const s = store({ endpoint: proxy.url, idleTimeoutMs: 400 })
        await s.put('t/direct-stall.bin', data)
        const dest = join(files.path, 'direct-stall.bin')
        // Each connection brings ~6 MiB of the answer, then falls silent (stays open).
        proxy.stallAfter = 6 * 1024 * 1024
        proxy.set('pass')
        const stop = new AbortController()
        let at = 0
        const aborted = downloadToFile(s, 't/direct-stall.bin', dest, {
          direct: true,
          signal: stop.signal,
          onProgress: (received) => {
            at = received
            if (received >= 4 * 1024 * 1024)
              setTimeout(() => stop.abort(new Error('the sync was stopped')), 100)
          },
        })
        await expect(aborted).rejects.toThrow('the sync was stopped')
        const kept = statSync(partPath(dest)).size
        expect(kept).toBeGreaterThanOrEqual(4 * 1024 * 1024)
        expect(kept).toBeLessThan(data.length)

        // Silent connections: each is given up after the store's idle limit (400 ms here, not Node's timer, which
        // sees none of the addon's bytes) and the next goes on from the byte reached.
        proxy.set('pass')
        const t0 = Date.now()
        const r = await downloadToFile(s, 't/direct-stall.bin', dest, { direct: true })
        const silences = Math.ceil((data.length - kept) / (6 * 1024 * 1024)) - 1
        expect(r).toMatchObject({ direct: true, resumedFrom: kept, fetched: data.length - kept })
        expect(r.reopened).toBe(silences)
        expect(Date.now() - t0).toBeGreaterThanOrEqual(silences * 400)
        expect(Date.now() - t0).toBeLessThan(silences * 400 + 10_000)
        expect(readFileSync(dest).equals(data)).toBe(true)
        expect(at).toBeGreaterThan(0)
      } finally {
        await proxy.stop()
      }
    })
  },
)

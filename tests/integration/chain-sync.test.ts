import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, type Invoke } from '../../src/shared/api-client'
import type { ChainHq, ChainJob, ChainStatus, ChainStore, ChainSync } from '../../src/shared/contract/chain'
import type { Video } from '../../src/shared/contract/videos'
import { startTestCluster, type TestCluster } from '../helpers/ceph'
import { runCli, spawnHub, type SpawnedHub } from '../helpers/cli'
import { chainEnv, cliJson, hubApi, spawnStore, stopHub, until } from '../helpers/chain'
import { clip } from '../helpers/corpus'
import { Phone, PHONE_UA } from '../helpers/phone'
import { TamperProxy } from '../helpers/tamper-proxy'
import { tempDir } from '../helpers/tmp'

/**
 * A chain of stores against a real Ceph RGW: headquarters (`tapdrop hq`) publishes, three store hubs sync — each its
 * own process and data directory — and their tags deliver the chain's videos to phones, byte for byte what HQ made.
 * Then the faults: the object store going away mid-sync, a store killed mid-download, a damaged object, the uplink
 * cut, catalogs that do not parse or name absent files, wrong keys, a missing bucket, two HQ consoles at once.
 */
const BUCKET = 'chain-sync-test'
const BIG = 24 * 1024 * 1024

let ceph: TestCluster
const dirs: Array<{ path: string; cleanup(): void }> = []
const procs: SpawnedHub[] = []
let hq: SpawnedHub
let hqDir: string
const stores: Record<string, { dir: string; hub: SpawnedHub }> = {}
let videoA: Video
let videoB: Video

function dir(): string {
  const d = tempDir('tapdrop-chain-')
  dirs.push(d)
  return d.path
}

function day(offset: number): string {
  const d = new Date(Date.now() + offset * 86_400_000)
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function startStore(id: string, extra: Record<string, string> = {}, dataDir = dir()): Promise<string> {
  const hub = await spawnStore(ceph.cluster, BUCKET, dataDir, id, {
    TAPDROP_CHAIN_POLL_SECONDS: '3600',
    ...extra,
  })
  procs.push(hub)
  stores[id] = { dir: dataDir, hub }
  return dataDir
}

const api = (dataDir: string): Invoke => hubApi(dataDir)

async function syncWait(dataDir: string): Promise<{ code: number | null; out: ChainSync }> {
  return cliJson<ChainSync>(dataDir, ['chain', 'sync', '--wait', '--timeout', '120'], 150_000)
}

async function importVideo(dataDir: string, file: string, title: string): Promise<Video> {
  const r = await cliJson<{ id: number; status: string }>(dataDir, [
    'video',
    'add',
    file,
    '--title',
    title,
    '--wait',
  ])
  expect(r.out.status).toBe('ready')
  return api(dataDir)('video-get', { id: r.out.id })
}

async function publish(dataDir: string, args: string[]): Promise<ChainJob> {
  const r = await cliJson<ChainJob>(dataDir, ['chain', 'publish', ...args], 180_000)
  expect(r.out, r.stderr).toMatchObject({ status: 'done' })
  expect(r.code).toBe(0)
  return r.out
}

/** What a phone tapping the tag gets: the transfer's bytes (a new phone each time: no quota in the way). */
async function tapAndDownload(dataDir: string, code: string): Promise<{ title: string; bytes: Buffer }> {
  const lan = JSON.parse(readFileSync(join(dataDir, 'run', 'hub.json'), 'utf8')).lanUrl as string
  const phone = new Phone(lan, PHONE_UA.iphone)
  const tap = await phone.tap(code)
  expect(tap.status, tap.html.slice(0, 300)).toBe(200)
  const title = /<h1>([^<]*)<\/h1>/.exec(tap.html)?.[1] ?? ''
  const got = await phone.download(tap.token!)
  expect(got.status).toBe(200)
  return { title, bytes: got.bytes }
}

/** The bytes of one of HQ's renditions of a video, by the size the phone got. */
function hqRendition(v: Video, size: number): Buffer {
  const r = v.renditions.find((x) => x.sizeBytes === size)
  expect(r, `HQ has no rendition of ${size} bytes for “${v.title}”`).toBeDefined()
  return readFileSync(join(hqDir, r!.path))
}

async function chainVideos(dataDir: string): Promise<Video[]> {
  return (await api(dataDir)('video-list', {})).filter((v) => v.origin === 'chain')
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

/** HQ's current pointer bytes (to put back after a test planted a bad catalog). */
async function pointerBytes(): Promise<Buffer> {
  const got = await ceph.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'catalog/current' }))
  return Buffer.from(await got.Body!.transformToByteArray())
}

async function putRaw(key: string, body: Buffer | string, metadata?: Record<string, string>): Promise<void> {
  await ceph.client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: metadata }))
}

/** Points `catalog/current` at a catalog body of our own making (as a broken or hostile writer would). */
async function plantCatalog(body: string, version: number): Promise<void> {
  const key = `catalog/${String(version).padStart(10, '0')}-planted.json`
  const bytes = Buffer.from(body)
  await putRaw(key, bytes, { sha256: sha(bytes) })
  const pointer = {
    v: 1,
    key,
    size: bytes.length,
    sha256: sha(bytes),
    etag: '"x"',
    writtenAt: new Date().toISOString(),
    extra: { version },
  }
  await putRaw('catalog/current', JSON.stringify(pointer))
}

function chainFiles(dataDir: string): string[] {
  try {
    return readdirSync(join(dataDir, 'media', 'chain'))
  } catch {
    return []
  }
}

/** A video of HQ whose one rendition is swapped for `bytes` random bytes (delivery and sync do not look inside). */
function bigVideo(v: Video, bytes: number): Buffer {
  const data = randomBytes(bytes)
  const r = v.renditions[0]!
  writeFileSync(join(hqDir, r.path), data)
  const db = new Database(join(hqDir, 'tapdrop.db'))
  db.pragma('busy_timeout = 5000')
  db.prepare('UPDATE renditions SET size_bytes = ? WHERE video_id = ? AND label = ?').run(
    bytes,
    v.id,
    r.label,
  )
  db.close()
  return data
}

beforeAll(async () => {
  ceph = await startTestCluster()
  await ceph.client().send(new CreateBucketCommand({ Bucket: BUCKET }))
  hqDir = dir()
  hq = await spawnHub(hqDir, [], chainEnv(ceph.cluster, BUCKET, { TAPDROP_STORE_NAME: '总部' }), 'hq')
  procs.push(hq)
  videoA = await importVideo(hqDir, clip('chain-a.mp4'), '新品 A')
  videoB = await importVideo(hqDir, clip('chain-b.mp4'), '双十二 B')
  await Promise.all([
    startStore('sh-01', { TAPDROP_CHAIN_DOWNLOAD_MBPS: '16' }),
    startStore('sh-02'),
    startStore('sh-03'),
  ])
}, 240_000)

afterAll(async () => {
  if (ceph) await ceph.cluster.startGateway().catch(() => {})
  await Promise.all(procs.map((p) => stopHub(p)))
  await ceph?.stop()
  for (const d of dirs) d.cleanup()
}, 120_000)

describe('a chain of stores on a real Ceph RGW', () => {
  it('HQ publishes two videos and a campaign binding; the catalog is written last, in versions', async () => {
    const a = await publish(hqDir, [String(videoA.id)])
    expect(a).toMatchObject({ kind: 'publish', videoId: videoA.id, catalogVersion: 1, percent: 100 })
    const b = await publish(hqDir, [
      String(videoB.id),
      '--label',
      '收银台',
      '--from',
      day(-1),
      '--to',
      day(30),
    ])
    expect(b.catalogVersion).toBe(2)
    const view = (await cliJson<ChainHq>(hqDir, ['chain', 'catalog'])).out
    expect(view.catalogVersion).toBe(2)
    expect(view.videos.map((v) => v.title).sort()).toEqual(['双十二 B', '新品 A'])
    expect(view.bindings).toHaveLength(1)
    expect(view.bindings[0]).toMatchObject({ label: '收银台', stores: ['*'], from: day(-1), to: day(30) })
    // The same again changes nothing: no new version, nothing sent twice.
    await publish(hqDir, [String(videoA.id)])
    expect((await cliJson<ChainHq>(hqDir, ['chain', 'catalog'])).out.catalogVersion).toBe(2)
    // A video still being made, or none at all, is refused with the reason, before any job.
    const missing = await runCli(['chain', 'publish', '999', '--data-dir', hqDir, '--json'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/no video with id 999/)
    // A published video cannot be deleted at HQ, even by force, until it is unpublished: deleting it left the
    // stores a catalog entry that `chain unpublish <id>` could no longer name.
    const kept = await refusal(api(hqDir)('video-delete', { id: videoA.id, force: true }))
    expect(kept.code).toBe('video-in-use')
    expect(kept.message).toContain(`tapdrop chain unpublish ${videoA.id}`)
    expect((await api(hqDir)('video-list', {})).map((v) => v.id)).toContain(videoA.id)
  })

  it('three store hubs sync it; their tags deliver the chain’s video, byte for byte HQ’s rendition', async () => {
    const results = await Promise.all(Object.values(stores).map((s) => syncWait(s.dir)))
    for (const r of results) {
      expect(r.code).toBe(0)
      expect(r.out).toMatchObject({ state: 'idle', catalogVersion: 2, error: null, videos: 2, pending: 0 })
    }
    for (const [id, s] of Object.entries(stores)) {
      const chain = await chainVideos(s.dir)
      expect(chain.map((v) => v.title).sort()).toEqual(['双十二 B', '新品 A'])
      const a = chain.find((v) => v.title === '新品 A')!
      // The store's tag at 收银台 has its own video (A); the campaign binding plays B there these days.
      const tag = await api(s.dir)('tag-create', {
        videoIds: [a.id],
        label: '收银台',
        tier: 'normal',
        dailyCap: null,
      })
      const got = await tapAndDownload(s.dir, tag.code)
      expect(got.title, id).toBe('双十二 B')
      expect(got.bytes.equals(hqRendition(videoB, got.bytes.length))).toBe(true)
      // A tag elsewhere plays the chain video it was given.
      const door = await api(s.dir)('tag-create', {
        videoIds: [a.id],
        label: '门口',
        tier: 'normal',
        dailyCap: null,
      })
      const own = await tapAndDownload(s.dir, door.code)
      expect(own.title).toBe('新品 A')
      expect(own.bytes.equals(hqRendition(videoA, own.bytes.length))).toBe(true)
      const state = await api(s.dir)('chain-sync-state', {})
      expect(state.bindings).toEqual([
        expect.objectContaining({ label: '收银台', active: true, tags: [{ id: tag.id, label: '收银台' }] }),
      ])
      // The tags list says what the tag plays today (it showed only its own video, A).
      const listed = await api(s.dir)('tag-list', {})
      expect(listed.find((x) => x.id === tag.id)!.chainCampaign).toEqual({
        videos: [{ id: chain.find((v) => v.title === '双十二 B')!.id, title: '双十二 B' }],
      })
      expect(listed.find((x) => x.id === door.id)!.chainCampaign).toBeNull()
    }
  })

  it('keeps a store’s own videos and tags working beside the chain’s; a chain video is read-only there', async () => {
    const s = stores['sh-01']!
    const own = await importVideo(s.dir, clip('chain-own.mp4'), '本店自己的')
    expect(own.origin).toBe('local')
    const tag = await api(s.dir)('tag-create', {
      videoIds: [own.id],
      label: '3号桌',
      tier: 'normal',
      dailyCap: null,
    })
    const got = await tapAndDownload(s.dir, tag.code)
    expect(got.title).toBe('本店自己的')
    expect(got.bytes.equals(readFileSync(join(s.dir, own.renditions[0]!.path)))).toBe(true)
    const chain = (await chainVideos(s.dir))[0]!
    const edit = await refusal(api(s.dir)('video-update', { id: chain.id, title: 'mine now' }))
    expect(edit.code).toBe('chain-read-only')
    expect(edit.message).toMatch(/came from headquarters/)
    expect((await refusal(api(s.dir)('video-delete', { id: chain.id, force: true }))).code).toBe(
      'chain-read-only',
    )
    const caption = await refusal(
      api(s.dir)('caption-create', {
        videoId: chain.id,
        tagId: null,
        text: '改一下',
        hashtags: [],
        mentions: [],
        poi: null,
      }),
    )
    expect(caption.code).toBe('chain-read-only')
  })

  it('HQ sees every store: last seen, the catalog applied, disk; `chain status --json` at both ends', async () => {
    let seen: unknown = null
    const list = await until(
      'three stores reporting version 2',
      async () => {
        const r = (await cliJson<ChainStore[]>(hqDir, ['chain', 'stores'])).out
        seen = r
        return r.length === 3 && r.every((x) => x.catalogVersion === 2) ? r : null
      },
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; HQ listed ${JSON.stringify(seen)}`)
    })
    expect(list.map((x) => x.storeId)).toEqual(['sh-01', 'sh-02', 'sh-03'])
    for (const x of list) {
      expect(Date.now() - Date.parse(x.lastSeenAt!)).toBeLessThan(120_000)
      expect(x.disk!.freeBytes).toBeGreaterThan(0)
      expect(x).toMatchObject({ state: 'idle', error: null, videos: 2, problem: null })
    }
    const atHq = (await cliJson<ChainStatus>(hqDir, ['chain', 'status'])).out
    expect(atHq).toMatchObject({
      role: 'hq',
      reachable: true,
      catalogVersion: 2,
      videos: 2,
      pending: 0,
      sync: null,
    })
    expect(atHq.stores!.map((x) => [x.storeId, x.catalogVersion, typeof x.lastSeenAt])).toEqual([
      ['sh-01', 2, 'string'],
      ['sh-02', 2, 'string'],
      ['sh-03', 2, 'string'],
    ])
    const atStore = (await cliJson<ChainStatus>(stores['sh-02']!.dir, ['chain', 'status'])).out
    expect(atStore).toMatchObject({
      role: 'store',
      storeId: 'sh-02',
      configured: true,
      reachable: true,
      catalogVersion: 2,
      syncing: false,
      videos: 2,
      pending: 0,
      stores: null,
    })
    expect(Date.now() - Date.parse(atStore.lastSyncAt!)).toBeLessThan(120_000)
  })

  let videoD: Video
  let bigD: Buffer

  it('the object store stopped mid-sync and started again: the sync resumes and completes without fetching a byte twice', async () => {
    videoD = await importVideo(hqDir, clip('chain-d.mp4'), '大片 D')
    bigD = bigVideo(videoD, BIG)
    videoD = await api(hqDir)('video-get', { id: videoD.id })
    await publish(hqDir, [String(videoD.id)])
    const s = stores['sh-01']! // 16 Mbit/s: 2 MB/s, so 24 MB take 12 s
    await api(s.dir)('chain-sync-now', {})
    await until('a quarter of the big file', async () => {
      const st = await api(s.dir)('chain-sync-state', {})
      return st.progress && st.progress.bytesDone > BIG / 4 ? st : null
    })
    await ceph.cluster.stopGateway()
    const failed = await until(
      'the sync to give up for now',
      async () => {
        const st = await api(s.dir)('chain-sync-state', {})
        return st.state === 'waiting' && st.error ? st : null
      },
      60_000,
    )
    expect(failed.error!.code).toBe('chain-unreachable')
    expect(failed.catalogVersion).toBe(2)
    // HQ, its bucket away, still says what it last knew: the catalog, the stores (each saying it is not current).
    // It said "nothing published yet", "no store has reported" and no job waiting.
    const atHq = (await cliJson<ChainStatus>(hqDir, ['chain', 'status'])).out
    expect(atHq).toMatchObject({ role: 'hq', reachable: false })
    // The version it published last (the one this store was fetching), not null.
    expect(atHq.catalogVersion).toBe(failed.catalogVersion! + 1)
    expect(atHq.videos).toBeGreaterThan(0)
    expect(atHq.stores!.map((x) => x.storeId).sort()).toEqual(Object.keys(stores).sort())
    for (const x of atHq.stores!) expect(x.problem).toMatch(/^as last read; now: /)
    // `chain sync --wait` says so as every command does: exit 1 and one line on stderr (it was silent there).
    const cli = await cliJson<ChainSync>(s.dir, ['chain', 'sync', '--wait', '--timeout', '60'], 90_000)
    expect(cli.code).toBe(1)
    expect(cli.out.error!.code).toBe('chain-unreachable')
    expect(cli.stderr).toMatch(/^tapdrop: the sync failed: [^\n]+\n$/)
    // Nothing half-downloaded is served: the partial file is not a video, the old catalog stays applied.
    expect(chainFiles(s.dir).some((f) => f.endsWith('.part'))).toBe(true)
    expect((await chainVideos(s.dir)).map((v) => v.title)).not.toContain('大片 D')
    const had = failed.progress!.bytesDone
    expect(had).toBeGreaterThan(BIG / 4)

    await ceph.cluster.startGateway()
    const done = await syncWait(s.dir)
    expect(done.code).toBe(0)
    expect(done.out).toMatchObject({ state: 'idle', catalogVersion: 3, error: null })
    const run = done.out.lastRun!
    expect(run.resumedBytes).toBeGreaterThan(0)
    expect(run.fetchedBytes + run.resumedBytes).toBe(run.bytes)
    // What was there before the outage was not fetched again.
    expect(run.fetchedBytes).toBeLessThanOrEqual(BIG + 2 * 1024 * 1024 - had)
    expect(chainFiles(s.dir).filter((f) => f.includes('.part'))).toEqual([])
    const d = (await chainVideos(s.dir)).find((v) => v.title === '大片 D')!
    const tag = await api(s.dir)('tag-create', {
      videoIds: [d.id],
      label: '大屏',
      tier: 'normal',
      dailyCap: null,
    })
    const got = await tapAndDownload(s.dir, tag.code)
    expect(got.bytes.length).toBe(BIG)
    expect(got.bytes.equals(bigD)).toBe(true)
  }, 180_000)

  it('a store killed (kill -9) mid-download resumes after its restart, serving the old catalog meanwhile', async () => {
    const s = stores['sh-02']!
    await api(s.dir)('chain-sync-now', {})
    await until('a fifth of the big file', async () => {
      const st = await api(s.dir)('chain-sync-state', {})
      return st.progress && st.progress.bytesDone > BIG / 5 ? st : null
    })
    s.hub.child.kill('SIGKILL')
    await s.hub.exited()
    expect(chainFiles(s.dir).some((f) => f.endsWith('.part'))).toBe(true)
    const hub = await spawnStore(ceph.cluster, BUCKET, s.dir, 'sh-02', { TAPDROP_CHAIN_POLL_SECONDS: '3600' })
    procs.push(hub)
    s.hub = hub
    // Right after the restart: the old catalog is applied and its tags serve; D is not a video yet.
    const tags = await api(s.dir)('tag-list', {})
    const cashier = tags.find((t) => t.label === '收银台')!
    const got = await tapAndDownload(s.dir, cashier.code)
    expect(got.title).toBe('双十二 B')
    const started = Date.now()
    const done = await syncWait(s.dir)
    expect(done.out).toMatchObject({ state: 'idle', catalogVersion: 3, error: null })
    const run = done.out.lastRun!
    expect(run.resumedBytes).toBeGreaterThan(BIG / 5 - 1024 * 1024)
    expect(run.fetchedBytes + run.resumedBytes).toBe(run.bytes)
    // The default limit, 20 Mbit/s (2.5 MB/s), held the download back.
    expect((Date.now() - started) / 1000).toBeGreaterThanOrEqual((run.fetchedBytes / 2_500_000) * 0.85)
    expect((await chainVideos(s.dir)).map((v) => v.title)).toContain('大片 D')
  }, 180_000)

  it('a damaged object is refused, is not fetched again while unchanged, and a new publish mends it', async () => {
    const s = stores['sh-03']!
    expect((await syncWait(s.dir)).out.catalogVersion).toBe(3)
    const videoE = await importVideo(hqDir, clip('chain-e.mp4'), '坏了 E')
    const job = await publish(hqDir, [String(videoE.id), '--stores', 'sh-03'])
    // Damage the rendition in the bucket (as a bad disk or a hand-edit would): same size, other bytes.
    const catalog = await readCatalog()
    const entry = catalog.videos.find((v: { id: string }) => v.id === job.chainId)
    const m = JSON.parse((await getRaw(entry.meta.key)).toString())
    const key = m.renditions[0].file.key as string
    const size = m.renditions[0].file.size as number
    await putRaw(key, randomBytes(size))

    const refused = await syncWait(s.dir)
    expect(refused.code).toBe(1)
    expect(refused.out.state).toBe('waiting')
    expect(refused.out.error).toMatchObject({ code: 'chain-checksum' })
    expect(refused.out.error!.message).toContain(key)
    expect(refused.out.error!.message).toMatch(/arrived damaged/)
    expect(refused.out.catalogVersion).toBe(3)
    expect(chainFiles(s.dir).filter((f) => f.includes('.part'))).toEqual([])
    expect((await chainVideos(s.dir)).map((v) => v.title)).not.toContain('坏了 E')
    const again = await syncWait(s.dir)
    expect(again.out.error!.message).toMatch(/still the damaged copy/)
    // The store kept serving meanwhile.
    const cashier = (await api(s.dir)('tag-list', {})).find((t) => t.label === '收银台')!
    expect((await tapAndDownload(s.dir, cashier.code)).title).toBe('双十二 B')

    // Publishing it again puts the right bytes back (an object without our SHA-256 is never taken as there).
    await publish(hqDir, [String(videoE.id), '--stores', 'sh-03'])
    const mended = await syncWait(s.dir)
    expect(mended.out).toMatchObject({ state: 'idle', catalogVersion: 4, error: null })
    expect((await chainVideos(s.dir)).map((v) => v.title)).toContain('坏了 E')
  }, 180_000)

  it('with its uplink cut, a store keeps serving taps and downloads from its copies, and says why it cannot sync', async () => {
    const s = stores['sh-03']!
    const cashier = (await api(s.dir)('tag-list', {})).find((t) => t.label === '收银台')!
    await ceph.cluster.stopGateway()
    try {
      const r = await syncWait(s.dir)
      expect(r.code).toBe(1)
      expect(r.out.error).toMatchObject({ code: 'chain-unreachable' })
      expect(r.out.catalogVersion).toBe(4)
      expect(r.out.failures).toBeGreaterThanOrEqual(1)
      // Tried again with back-off (5 s first), never later than the poll interval.
      const wait = Date.parse(r.out.nextAttemptAt!) - Date.now()
      expect(wait).toBeGreaterThan(0)
      expect(wait).toBeLessThanOrEqual(3600_000)
      for (let i = 0; i < 3; i++) {
        const got = await tapAndDownload(s.dir, cashier.code)
        expect(got.title).toBe('双十二 B')
        expect(got.bytes.equals(hqRendition(videoB, got.bytes.length))).toBe(true)
      }
      const status = (await cliJson<ChainStatus>(s.dir, ['chain', 'status'])).out
      expect(status).toMatchObject({
        reachable: false,
        catalogVersion: 4,
        error: { code: 'chain-unreachable' },
      })
    } finally {
      await ceph.cluster.startGateway()
    }
    expect((await syncWait(s.dir)).out).toMatchObject({ state: 'idle', error: null, failures: 0 })
  }, 120_000)

  it('refuses a catalog that does not parse, or names files that are not there; the last good one stays applied', async () => {
    const s = stores['sh-03']!
    const good = await pointerBytes()
    const current = await readCatalog()
    const cashier = (await api(s.dir)('tag-list', {})).find((t) => t.label === '收银台')!
    try {
      await plantCatalog('{"v":1,"version":"five"', 5)
      const garbled = await syncWait(s.dir)
      expect(garbled.out.error).toMatchObject({ code: 'chain-invalid' })
      expect(garbled.out.error!.message).toMatch(/is not JSON/)
      expect(garbled.out.catalogVersion).toBe(4)
      expect((await tapAndDownload(s.dir, cashier.code)).title).toBe('双十二 B')

      const absent = 'f'.repeat(64)
      current.version = 5
      current.videos.push({
        id: 'v-ffffffffffffffffffff',
        title: '不存在',
        meta: { key: `meta/${absent}.json`, sha256: absent, size: 100 },
        bytes: 100,
        stores: ['*'],
        publishedAt: new Date().toISOString(),
      })
      await plantCatalog(JSON.stringify(current), 5)
      const holes = await syncWait(s.dir)
      expect(holes.out.error).toMatchObject({ code: 'chain-not-found' })
      expect(holes.out.error!.message).toContain(`meta/${absent}.json`)
      expect(holes.out.error!.message).toMatch(/last good catalog stays applied/)
      expect(holes.out.catalogVersion).toBe(4)
      expect((await tapAndDownload(s.dir, cashier.code)).title).toBe('双十二 B')
    } finally {
      await putRaw('catalog/current', good)
    }
    expect((await syncWait(s.dir)).out).toMatchObject({ catalogVersion: 4, error: null })
  }, 120_000)

  it('says why a store cannot sync with wrong keys or a missing bucket', async () => {
    const d = await startStore('sh-09', { TAPDROP_CHAIN_SECRET_KEY: 'not-the-secret' })
    const wrong = await syncWait(d)
    expect(wrong.code).toBe(1)
    expect(wrong.out.error).toMatchObject({ code: 'chain-credentials' })
    expect(wrong.out.catalogVersion).toBeNull()
    await stopHub(stores['sh-09']!.hub)
    await startStore('sh-09', { TAPDROP_CHAIN_BUCKET: 'no-such-bucket' }, d)
    const none = await syncWait(d)
    expect(none.out.error).toMatchObject({ code: 'chain-no-bucket' })
    expect(none.out.error!.message).toMatch(/no-such-bucket does not exist/)
    await stopHub(stores['sh-09']!.hub)
    delete stores['sh-09']
  }, 120_000)

  it('two HQ consoles publishing at once both get their videos in: one wins each round, the other reads and tries again', async () => {
    const hq2Dir = dir()
    const hq2 = await spawnHub(
      hq2Dir,
      [],
      chainEnv(ceph.cluster, BUCKET, { TAPDROP_STORE_NAME: '总部二' }),
      'hq',
    )
    procs.push(hq2)
    const f = await importVideo(hq2Dir, clip('chain-f.mp4'), '二号台 F')
    const g = await importVideo(hqDir, clip('chain-g.mp4'), '一号台 G')
    const [one, two] = await Promise.all([
      publish(hqDir, [String(g.id), '--stores', 'sh-03', '--label', '入口']),
      publish(hq2Dir, [String(f.id), '--stores', 'sh-03', '--label', '入口']),
    ])
    expect(new Set([one.catalogVersion, two.catalogVersion]).size).toBe(2)
    const view = await api(hqDir)('chain-hq', {})
    expect(view.videos.map((v) => v.title)).toEqual(expect.arrayContaining(['一号台 G', '二号台 F']))
    expect(view.bindings.filter((b) => b.label === '入口')).toHaveLength(2)
    // HQ 2 sees the same catalog (the bucket is the truth), and the video HQ 1 published is not its own.
    const view2 = await api(hq2Dir)('chain-hq', {})
    expect(view2.catalogVersion).toBe(view.catalogVersion)
    expect(view2.videos.find((v) => v.title === '一号台 G')!.videoId).toBeNull()
    await stopHub(hq2)
  }, 180_000)

  it('unpublishing takes the binding away at once; the video leaves the store after the grace period', async () => {
    const s = stores['sh-02']!
    const job = await cliJson<ChainJob>(hqDir, ['chain', 'unpublish', String(videoB.id)])
    expect(job.out).toMatchObject({ kind: 'unpublish', status: 'done' })
    const view = await api(hqDir)('chain-hq', {})
    expect(view.bindings.filter((b) => b.label === '收银台')).toEqual([])
    const synced = await syncWait(s.dir)
    expect(synced.out.error).toBeNull()
    // The tag at 收银台 plays its own video again; B stays (read-only) for phones still downloading it.
    const cashier = (await api(s.dir)('tag-list', {})).find((t) => t.label === '收银台')!
    expect((await tapAndDownload(s.dir, cashier.code)).title).toBe('新品 A')
    const b = (await chainVideos(s.dir)).find((v) => v.title === '双十二 B')!
    expect(b.chainLeavesAt).not.toBeNull()
    expect(existsSync(join(s.dir, b.renditions[0]!.path))).toBe(true)
    // The grace period (chainGraceHours, an hour at least) has passed: as if B left 25 hours ago.
    const db = new Database(join(s.dir, 'tapdrop.db'))
    db.pragma('busy_timeout = 5000')
    db.prepare('UPDATE videos SET chain_leaving_at = ? WHERE id = ?').run(Date.now() - 25 * 3_600_000, b.id)
    db.close()
    await syncWait(s.dir)
    expect((await chainVideos(s.dir)).map((v) => v.title)).not.toContain('双十二 B')
    expect(existsSync(join(s.dir, b.renditions[0]!.path))).toBe(false)
  }, 120_000)

  it('an idle store costs one conditional request per poll: it writes its status only when something changed', async () => {
    // The store reaches the RGW through a proxy that notes every request (the chain's bill is per request).
    const rgw = new URL(ceph.cluster.info.endpoint)
    const proxy = new TamperProxy({ host: rgw.hostname, port: Number(rgw.port) })
    await proxy.start()
    try {
      const d = await startStore('sh-04', { TAPDROP_CHAIN_ENDPOINT: proxy.url })
      expect((await syncWait(d)).out).toMatchObject({ state: 'idle', error: null })
      // Its first status goes out after that sync; wait until nothing has passed for a second.
      await until('a quiet second', async () => {
        const n = proxy.requests.length
        await new Promise((r) => setTimeout(r, 1000))
        return proxy.requests.length === n
      })
      proxy.requests.length = 0
      for (let i = 0; i < 3; i++)
        expect((await syncWait(d)).out).toMatchObject({ state: 'idle', error: null })
      const lines = proxy.requests.map((h) =>
        h
          .split('\r\n')[0]!
          .replace(/\?\S*/, '')
          .replace(/ HTTP\/.*/, ''),
      )
      expect(lines).toEqual(Array(3).fill(`GET /${BUCKET}/catalog/current`))
      expect(proxy.requests.every((h) => /\r\nif-none-match: /i.test(h))).toBe(true)
    } finally {
      await stopHub(stores['sh-04']?.hub)
      delete stores['sh-04']
      await proxy.stop()
    }
  }, 120_000)
})

async function getRaw(key: string): Promise<Buffer> {
  const got = await ceph.client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
  return Buffer.from(await got.Body!.transformToByteArray())
}

/** The catalog the pointer names now, as JSON. */
async function readCatalog(): Promise<any> {
  const pointer = JSON.parse((await pointerBytes()).toString()) as { key: string }
  return JSON.parse((await getRaw(pointer.key)).toString())
}

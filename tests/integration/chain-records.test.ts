import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChainRecordsStore, ChainRecordsTrend, ChainStatus } from '../../src/shared/contract/chain'
import { emptyFunnel, type FunnelCounts } from '../../src/shared/contract/funnel'
import { PlatformSchema } from '../../src/shared/contract/publish'
import { sqlFunnel } from '../helpers/funnel'
import { startTestCluster, type TestCluster } from '../helpers/ceph'
import { spawnHub, type SpawnedHub } from '../helpers/cli'
import { chainEnv, cliJson, hubApi, spawnStore, stopHub, until } from '../helpers/chain'
import { clip } from '../helpers/corpus'
import { CutProxy } from '../helpers/cut-proxy'
import { Phone, PHONE_UA } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'

/**
 * Issue 21 against a real Ceph RGW: three store hubs (each its own process and database) deliver to phones and ship
 * their records; headquarters (`tapdrop hq`) ingests them. One store's uplink is cut for a while, another is
 * killed with kill -9 while a batch it put has reached the bucket but not its confirmation. Afterwards HQ's counts
 * equal each store's own SQLite counts exactly, and every batch was applied once.
 */
const BUCKET = 'chain-records-test'
const SALT = 'records-test-salt-0123456789'

let ceph: TestCluster
const dirs: Array<{ path: string; cleanup(): void }> = []
const procs: SpawnedHub[] = []
let hqDir: string
const proxies: CutProxy[] = []
const stores: Record<string, { dir: string; hub: SpawnedHub; code: string; proxy: CutProxy | null }> = {}

function dir(): string {
  const d = tempDir('tapdrop-records-')
  dirs.push(d)
  return d.path
}

const STORE_ENV = {
  TAPDROP_CHAIN_POLL_SECONDS: '3600',
  TAPDROP_CHAIN_RECORDS_SECONDS: '1',
  TAPDROP_CHAIN_RECORDS_SALT: SALT,
}

async function startStore(id: string, dataDir: string, proxy: CutProxy | null): Promise<SpawnedHub> {
  const hub = await spawnStore(ceph.cluster, BUCKET, dataDir, id, {
    ...STORE_ENV,
    ...(proxy ? { TAPDROP_CHAIN_ENDPOINT: proxy.url } : {}),
  })
  procs.push(hub)
  return hub
}

/** New phones tap the store's tag and download the whole video: one tap, one completed transfer each. */
async function traffic(id: string, phones: number): Promise<void> {
  const s = stores[id]!
  const lan = JSON.parse(readFileSync(join(s.dir, 'run', 'hub.json'), 'utf8')).lanUrl as string
  for (let i = 0; i < phones; i++) {
    const phone = new Phone(lan, i % 2 ? PHONE_UA.android : PHONE_UA.iphone)
    const tap = await phone.tap(s.code)
    expect(tap.status).toBe(200)
    const got = await phone.download(tap.token!)
    expect(got.status).toBe(200)
  }
}

/**
 * Customers who tap, save the video (a `?dl=1` request that gets every byte) and report steps from the page: played,
 * caption copied, and a platform chosen (Douyin, and Kuaishou too for every other one).
 */
async function customers(id: string, phones: number): Promise<void> {
  const s = stores[id]!
  const lan = JSON.parse(readFileSync(join(s.dir, 'run', 'hub.json'), 'utf8')).lanUrl as string
  for (let i = 0; i < phones; i++) {
    const phone = new Phone(lan, PHONE_UA.android)
    const tap = await phone.tap(s.code)
    expect(tap.status).toBe(200)
    const beacon = async (body: unknown) => {
      const res = await fetch(`${lan}/b/${tap.token}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: lan },
      })
      expect(res.status).toBe(204)
    }
    await beacon({ k: 'played' })
    await beacon({ k: 'caption-copied' })
    await beacon({ k: 'platform-chosen', p: 'douyin' })
    if (i % 2) await beacon({ k: 'platform-chosen', p: 'kuaishou' })
    const saved = await fetch(`${lan}/m/${tap.token}?dl=1`, { headers: phone.headers() })
    expect(saved.status).toBe(200)
    await saved.arrayBuffer()
  }
}

/** The funnel the store's own database holds for taps at or after `since`, counted from its raw rows. */
function storeFunnel(dataDir: string, since: number): FunnelCounts {
  const db = new Database(join(dataDir, 'tapdrop.db'), { readonly: true })
  try {
    return sqlFunnel(db, { since })
  } finally {
    db.close()
  }
}

function addFunnels(list: FunnelCounts[]): FunnelCounts {
  const c = emptyFunnel()
  for (const f of list) {
    for (const k of Object.keys(c) as Array<keyof FunnelCounts>) if (k !== 'publishChosen') c[k] += f[k]
    for (const p of PlatformSchema.options) c.publishChosen[p] += f.publishChosen[p]
  }
  return c
}

/** A local midnight `days` days from today (0 = today's). */
function midnight(days = 0): number {
  const d = new Date()
  d.setHours(0, 0, 0, 0)
  d.setDate(d.getDate() + days)
  return d.getTime()
}

/** What the store's own database holds (read-only, beside the running hub). */
function storeCounts(dataDir: string): {
  taps: number
  transfers: number
  completed: number
  failed: number
  expired: number
  final: number
} {
  const db = new Database(join(dataDir, 'tapdrop.db'), { readonly: true })
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n
    return {
      taps: n('SELECT count(*) AS n FROM taps'),
      transfers: n('SELECT count(*) AS n FROM transfers'),
      completed: n("SELECT count(*) AS n FROM transfers WHERE status = 'completed'"),
      failed: n("SELECT count(*) AS n FROM transfers WHERE status = 'failed'"),
      expired: n("SELECT count(*) AS n FROM transfers WHERE status = 'expired'"),
      final: n("SELECT count(*) AS n FROM transfers WHERE status IN ('completed', 'failed', 'expired')"),
    }
  } finally {
    db.close()
  }
}

function outboxUnshipped(dataDir: string): number {
  const db = new Database(join(dataDir, 'tapdrop.db'), { readonly: true })
  try {
    return (
      db.prepare('SELECT count(*) AS n FROM records_outbox WHERE shipped_at IS NULL').get() as { n: number }
    ).n
  } finally {
    db.close()
  }
}

async function bucketKeys(prefix: string): Promise<string[]> {
  return (await bucketObjects(prefix)).map((o) => o.key)
}

async function bucketObjects(prefix: string): Promise<Array<{ key: string; etag: string }>> {
  const out: Array<{ key: string; etag: string }> = []
  let token: string | undefined
  do {
    const page = await ceph
      .client()
      .send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }))
    out.push(...(page.Contents ?? []).map((o) => ({ key: o.Key!, etag: o.ETag! })))
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  return out
}

async function hqRecords(): Promise<ChainRecordsStore[]> {
  const r = await cliJson<ChainRecordsStore[]>(hqDir, ['chain', 'records', '--refresh'])
  expect(r.code, r.stderr).toBe(0)
  return r.out
}

async function status(dataDir: string): Promise<ChainStatus> {
  return (await cliJson<ChainStatus>(dataDir, ['chain', 'status'])).out
}

/** Waits until HQ's counts for every store equal the store's own, and returns both. */
async function converged(timeoutMs = 90_000) {
  return until(
    'HQ to hold every store’s records',
    async () => {
      const hq = await hqRecords()
      for (const [id, s] of Object.entries(stores)) {
        const own = storeCounts(s.dir)
        const got = hq.find((r) => r.store === id)
        if (!got || own.final !== own.transfers) return null
        if (got.taps !== own.taps || got.transfers !== own.transfers || got.completed !== own.completed)
          return null
      }
      return hq
    },
    timeoutMs,
  )
}

beforeAll(async () => {
  ceph = await startTestCluster()
  await ceph.client().send(new CreateBucketCommand({ Bucket: BUCKET }))
  const rgw = new URL(ceph.cluster.info.endpoint)
  hqDir = dir()
  const hq = await spawnHub(
    hqDir,
    [],
    chainEnv(ceph.cluster, BUCKET, { TAPDROP_CHAIN_RECORDS_SECONDS: '1' }),
    'hq',
  )
  procs.push(hq)
  const video = clip('records-a.mp4')
  await Promise.all(
    ['sh-a', 'sh-b', 'sh-c'].map(async (id) => {
      let proxy: CutProxy | null = null
      if (id !== 'sh-a') {
        proxy = new CutProxy({ host: rgw.hostname, port: Number(rgw.port) })
        await proxy.start()
        proxies.push(proxy)
      }
      const d = dir()
      const hub = await startStore(id, d, proxy)
      const v = await cliJson<{ id: number; status: string }>(d, [
        'video',
        'add',
        video,
        '--title',
        `门店 ${id}`,
        '--wait',
      ])
      expect(v.out.status).toBe('ready')
      const tag = await cliJson<{ code: string }>(d, [
        'tag',
        'create',
        '--video',
        String(v.out.id),
        '--label',
        '收银台',
      ])
      stores[id] = { dir: d, hub, code: tag.out.code, proxy }
    }),
  )
}, 240_000)

afterAll(async () => {
  await Promise.all(procs.map((p) => stopHub(p)))
  for (const p of proxies) await p.stop()
  await ceph?.stop()
  for (const d of dirs) d.cleanup()
}, 120_000)

describe('records of three stores reach headquarters exactly once (real Ceph RGW)', () => {
  it('ships what the stores deliver, and says at each store what is not shipped yet', async () => {
    await Promise.all(['sh-a', 'sh-b', 'sh-c'].map((id) => traffic(id, 4)))
    const hq = await converged()
    expect(hq.map((r) => r.store)).toEqual(['sh-a', 'sh-b', 'sh-c'])
    for (const r of hq) expect(r).toMatchObject({ taps: 4, transfers: 4, completed: 4, quarantined: 0 })
    expect(Date.parse(hq[0]!.lastRecordAt!)).toBeGreaterThan(Date.now() - 5 * 60_000)
    const st = await status(stores['sh-a']!.dir)
    expect(st).toMatchObject({ unshipped: 0, recordsError: null })
    expect(Date.parse(st.lastShippedAt!)).toBeGreaterThan(Date.now() - 5 * 60_000)
    // What left the store: a device hash, no address, no user agent.
    const one = await cliJson<ChainRecordsStore[]>(hqDir, ['chain', 'records', '--store', 'sh-b'])
    expect(one.out.map((r) => r.store)).toEqual(['sh-b'])
  }, 180_000)

  it('a store cut off keeps counting and ships it all when its line is back; one killed with -9 between its put and the confirmation ships that batch once', async () => {
    const b = stores['sh-b']!
    const c = stores['sh-c']!
    b.proxy!.set('cut')
    await traffic('sh-b', 6)
    const cut = await until('sh-b to say what waits', async () => {
      const s = await status(b.dir)
      return (s.unshipped ?? 0) >= 12 && s.recordsError ? s : null
    })
    expect(cut.recordsError!.code).toBe('chain-unreachable')

    // sh-c's answers are swallowed: its next batch lands in the bucket, the hub never hears so; then kill -9.
    const before = (await bucketKeys('records/sh-c/')).length
    c.proxy!.set('swallow')
    await traffic('sh-c', 5)
    await until('sh-c’s batch in the bucket without its confirmation', async () =>
      (await bucketKeys('records/sh-c/')).length > before && outboxUnshipped(c.dir) > 0 ? true : null,
    )
    c.hub.child.kill('SIGKILL')
    await c.hub.exited()
    expect(outboxUnshipped(c.dir)).toBe(1)
    const landed = await bucketObjects('records/sh-c/')

    // Both come back: sh-c restarts on the same data (its line restored), sh-b's line returns.
    c.proxy!.set('pass')
    c.hub = await startStore('sh-c', c.dir, c.proxy)
    b.proxy!.set('pass')
    await traffic('sh-a', 3)
    const hq = await converged()
    const byStore = Object.fromEntries(hq.map((r) => [r.store, r]))
    expect(byStore['sh-a']).toMatchObject({ taps: 7, transfers: 7, completed: 7 })
    expect(byStore['sh-b']).toMatchObject({ taps: 10, transfers: 10, completed: 10 })
    expect(byStore['sh-c']).toMatchObject({ taps: 9, transfers: 9, completed: 9 })
    const sum = (k: 'taps' | 'transfers' | 'completed') =>
      Object.values(stores).reduce((a, s) => a + storeCounts(s.dir)[k], 0)
    const total = (k: 'taps' | 'transfers' | 'completed') => hq.reduce((a, r) => a + r[k], 0)
    expect(total('taps')).toBe(sum('taps'))
    expect(total('transfers')).toBe(sum('transfers'))
    expect(total('completed')).toBe(sum('completed'))

    // The batch put before the kill was not put a second time under another key, nor changed: the same keys and
    // ETags (MD5s of the bytes) as before the kill, then any batches made after the restart.
    const after = await bucketObjects('records/sh-c/')
    expect(after.slice(0, landed.length)).toEqual(landed)
    for (const [id, s] of Object.entries(stores)) {
      const keys = await bucketKeys(`records/${id}/`)
      expect(byStore[id]!.batches, id).toBe(keys.length)
      expect(byStore[id]!.lastSeq, id).toBe(keys.length)
      expect((await status(s.dir)).unshipped, id).toBe(0)
    }
    // Nothing counted twice at HQ: its raw rows are as many as its roll-ups say.
    const db = new Database(join(hqDir, 'tapdrop.db'), { readonly: true })
    try {
      const raw = db
        .prepare('SELECT store_id, count(*) AS n FROM hq_taps GROUP BY store_id ORDER BY store_id')
        .all()
      expect(raw).toEqual(hq.map((r) => ({ store_id: r.store, n: r.taps })))
      const devices = db.prepare('SELECT device, ip FROM hq_taps').all() as Array<{
        device: string
        ip: null
      }>
      expect(devices.every((d) => /^[0-9a-f]{32}$/.test(d.device) && d.ip === null)).toBe(true)
    } finally {
      db.close()
    }
    // --since counts from the raw records.
    const later = await cliJson<ChainRecordsStore[]>(hqDir, [
      'chain',
      'records',
      '--since',
      new Date(Date.now() + 60_000).toISOString(),
    ])
    expect(later.out.every((r) => r.taps === 0 && r.transfers === 0)).toBe(true)
  }, 300_000)

  it('the chain dashboard: the trend per day and the funnel across stores are the stores’ own counts; a store and a period filter them; the CSV is the table', async () => {
    await Promise.all([customers('sh-a', 3), customers('sh-c', 2)])
    await converged()
    const hq = hubApi(hqDir)
    const today = new Date(midnight()).toISOString()
    const own = (id: string) => storeFunnel(stores[id]!.dir, midnight())
    // The funnel across stores: each step as the three stores' own SQLite count it, summed (beacons and a
    // download's end are written a second or so after they happen, then shipped: wait until the stores hold all five
    // customers' steps, and HQ the same — equal alone, both could still lack the last customer's download).
    const funnel = await until('HQ’s funnel to equal the stores’', async () => {
      const want = addFunnels(['sh-a', 'sh-b', 'sh-c'].map(own))
      if (want.played < 5 || want.copied < 5 || want.saved < 5 || want.publishedAny < 5) return null
      const got = (await hq('chain-records-funnel', { since: today })).counts
      return JSON.stringify(got) === JSON.stringify(want) ? got : null
    })
    expect(funnel).toMatchObject({ played: 5, copied: 5, saved: 5, publishedAny: 5 })
    expect(funnel.publishChosen).toMatchObject({ douyin: 5, kuaishou: 2 })
    expect(funnel.taps).toBe(Object.values(stores).reduce((a, s) => a + storeCounts(s.dir).transfers, 0))
    // One store's funnel is its own.
    expect((await hq('chain-records-funnel', { since: today, store: 'sh-c' })).counts).toEqual(own('sh-c'))
    expect((await hq('chain-records-funnel', { since: today, store: 'sh-b' })).counts.publishedAny).toBe(0)

    // The trend: the last seven local days, everything happened today; its numbers are the stores' own.
    const week = new Date(midnight(-6)).toISOString()
    const trend: ChainRecordsTrend = await hq('chain-records-trend', { since: week })
    expect(trend.days).toHaveLength(7)
    for (const d of trend.days.slice(0, 6))
      expect(d).toMatchObject({ taps: 0, transfers: 0, completed: 0, published: 0 })
    const sum = (k: 'taps' | 'transfers' | 'completed' | 'failed' | 'expired') =>
      Object.values(stores).reduce((a, s) => a + storeCounts(s.dir)[k], 0)
    expect(trend.days[6]).toEqual({
      day: trend.to,
      taps: sum('taps'),
      transfers: sum('transfers'),
      completed: sum('completed'),
      failed: sum('failed'),
      expired: sum('expired'),
      published: funnel.publishedAny,
    })
    const c = storeCounts(stores['sh-c']!.dir)
    const onlyC: ChainRecordsTrend = await hq('chain-records-trend', { since: week, store: 'sh-c' })
    expect(onlyC.days.at(-1)).toMatchObject({ taps: c.taps, transfers: c.transfers, completed: c.completed })
    // A period that starts tomorrow holds nothing yet.
    const tomorrow = new Date(midnight(1)).toISOString()
    expect((await hq('chain-records-funnel', { since: tomorrow })).counts.taps).toBe(0)
    expect((await hq('chain-records-trend', { since: tomorrow })).days).toEqual([])

    // The CSV of the table for the same period: the numbers the table shows, row by row (login required).
    const run = JSON.parse(readFileSync(join(hqDir, 'run', 'hub.json'), 'utf8')) as {
      adminUrl: string
      token: string
    }
    const csv = (q: string, auth = true) =>
      fetch(`${run.adminUrl}/chain-records.csv?${q}`, {
        headers: auth ? { Authorization: `Bearer ${run.token}` } : {},
      })
    expect((await csv(`what=stores&since=${encodeURIComponent(week)}`, false)).status).toBe(401)
    expect((await csv('what=everything')).status).toBe(400)
    const res = await csv(`what=stores&since=${encodeURIComponent(week)}&lang=en`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="tapdrop-chain-stores-\d{8}\.csv"/,
    )
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe(
      'Store ID,Store,Taps,Transfers,Completed,Completed share,Failed,Expired,Funnel steps,Newest record,Last received,Set aside',
    )
    const table: ChainRecordsStore[] = await hq('chain-records', { since: week })
    expect(
      lines.slice(1).map((l) => l.split(',').filter((_, i) => [0, 2, 3, 4, 6, 7, 8, 11].includes(i))),
    ).toEqual(
      table.map((r) =>
        [r.store, r.taps, r.transfers, r.completed, r.failed, r.expired, r.funnel, r.quarantined].map(String),
      ),
    )
    const days = await csv(`what=days&since=${encodeURIComponent(week)}&store=sh-c&lang=zh-CN`)
    const dayLines = (await days.text())
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
    expect(dayLines[0]).toBe('日期,碰一碰,传输,已完成,失败,已过期,选择发布平台')
    expect(dayLines.slice(1)).toEqual(
      onlyC.days.map((d) =>
        [d.day, d.taps, d.transfers, d.completed, d.failed, d.expired, d.published].join(','),
      ),
    )
  }, 180_000)
})

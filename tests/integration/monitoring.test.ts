import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { Phone, PHONE_UA } from '../helpers/phone'
import { clip } from '../helpers/corpus'
import type { Tag } from '../../src/shared/contract/tags'
import type { HubEvent } from '../../src/shared/events'
import type { Video } from '../../src/shared/contract/videos'

let t: TestHub
let owner: TestSession
let good: Video
let broken: Video
let counter: Tag
let door: Tag
let idle: Tag
let extra: Tag

/** SQLite as the hub left it, read on its own connection (as any other program could). */
function sql<T = Record<string, unknown>>(query: string, ...args: unknown[]): T {
  t.hub.services.delivery.flush()
  const d = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
  try {
    return d.prepare(query).get(...args) as T
  } finally {
    d.close()
  }
}
const midnight = () => new Date(new Date().setHours(0, 0, 0, 0)).getTime()

async function tapAndDownload(code: string, ua = PHONE_UA.iphone): Promise<number> {
  const phone = new Phone(t.lanUrl, ua)
  const r = await phone.tap(code)
  return (await phone.download(r.token!)).status
}

beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  await owner.invoke('settings-update', {
    maxStreams: 1000,
    quotaNormal: 2,
    alertFailedTransfers: 2,
    alertQuotaRefusals: 1,
  })
  good = await readyVideo(t, clip('monitor-good.mp4', 1, '854x480'), '春季新品')
  broken = await readyVideo(t, clip('monitor-broken.mp4', 1, '854x480'), '坏文件')
  counter = await owner.invoke('tag-create', { videoIds: [good.id], label: '收银台' })
  door = await owner.invoke('tag-create', { videoIds: [broken.id], label: '门口' })
  idle = await owner.invoke('tag-create', { videoIds: [good.id], label: '仓库角落' })
  extra = await owner.invoke('tag-create', { videoIds: [good.id], label: '试衣间' })
  // A tag placed ten days ago that nobody has tapped since.
  const d = new Database(join(t.dataDir, 'tapdrop.db'))
  d.prepare('UPDATE tags SET created_at = ? WHERE id = ?').run(Date.now() - 10 * 86_400_000, idle.id)
  d.close()
  // The broken video's files vanish (a disk problem): phones get a friendly error, the transfers fail.
  for (const r of broken.renditions) rmSync(join(t.dataDir, r.path))
  t.hub.services.delivery.invalidate()

  for (const ua of [PHONE_UA.iphone, PHONE_UA.android, PHONE_UA.wechat])
    expect(await tapAndDownload(counter.code, ua)).toBe(200)
  expect(await tapAndDownload(door.code, PHONE_UA.android)).toBe(410)
  expect(await tapAndDownload(door.code, PHONE_UA.ipad)).toBe(410)
  // One phone taps without downloading, then uses up its quota of two.
  const greedy = new Phone(t.lanUrl, PHONE_UA.desktop)
  const first = await greedy.tap(counter.code)
  const second = await greedy.tap(door.code)
  const third = await greedy.tap(extra.code)
  expect([first.status, second.status, third.status, greedy.cookie !== null]).toEqual([200, 200, 429, true])
  // A tap on a code that is no tag here, and one on a tag deleted since: taps, said apart on the tile.
  expect((await new Phone(t.lanUrl).tap('NoSuchCode12')).status).toBe(404)
  const gone = await owner.invoke('tag-create', { videoIds: [good.id], label: '临时' })
  expect((await new Phone(t.lanUrl, PHONE_UA.desktop).tap(gone.code)).status).toBe(200)
  t.hub.services.delivery.flush()
  await owner.invoke('tag-delete', { id: gone.id })
}, 300_000)
afterAll(() => t?.stop())

describe('dashboard', () => {
  it('shows exactly what SQLite holds: tiles, taps per hour, top lists, failures and idle tags', async () => {
    const d = await owner.invoke('dashboard-summary', { days: 7 })
    const today = midnight()
    const byStatus = (s: string) =>
      sql<{ n: number }>('SELECT count(*) AS n FROM transfers WHERE created_at >= ? AND status = ?', today, s)
        .n
    expect(d.tiles.tapsToday).toBe(
      sql<{ n: number }>('SELECT count(*) AS n FROM taps WHERE at >= ?', today).n,
    )
    expect(d.tiles.tapsToday).toBe(10)
    expect(d.tiles.unknownTapsToday).toBe(2)
    expect(d.tiles.transfersToday).toBe(
      sql<{ n: number }>('SELECT count(*) AS n FROM transfers WHERE created_at >= ?', today).n,
    )
    expect(d.tiles.completedToday).toBe(byStatus('completed'))
    expect(d.tiles.completedToday).toBe(3)
    expect(d.tiles.failedToday).toBe(byStatus('failed') + byStatus('expired'))
    expect(d.tiles.failedToday).toBe(2)
    expect(d.tiles.bytesToday).toBe(
      sql<{ b: number }>('SELECT sum(wire_bytes) AS b FROM transfers WHERE created_at >= ?', today).b,
    )
    expect(d.tiles.bytesToday).toBeGreaterThanOrEqual(
      3 * good.renditions.find((r) => r.label === '720p' || r.label === '480p')!.sizeBytes,
    )
    expect(d.tiles).toMatchObject({ active: 0, queued: 0, readersOnline: 0, nfcService: 'off' })
    expect(d.tiles.diskFreeBytes).toBeGreaterThan(0)
    expect(d.tapsPerHour.today.reduce((a, b) => a + b)).toBe(10)
    expect(d.tapsPerDay.at(-1)).toMatchObject({ taps: 10 })
    expect(d.tapsPerDay).toHaveLength(7)
    expect(d.topTags[0]).toMatchObject({ tagId: counter.id, label: '收银台', taps: 4, transfers: 4 })
    // The deleted tag's transfer still counts for its video (its tag is gone from the tags list).
    expect(d.topVideos[0]).toMatchObject({ videoId: good.id, title: '春季新品', transfers: 5, completed: 3 })
    expect(d.failures.reasons).toEqual([{ reason: 'the rendition file is missing', count: 2 }])
    expect(d.failures.recent.map((x) => x.tagLabel)).toEqual(['门口', '门口'])
    expect(d.idleTags.rows.map((x) => x.label)).toEqual(['仓库角落'])
    expect(d.idleTags.total).toBe(1)
  })

  it('refuses what is not a window of days', async () => {
    await expect(owner.invoke('dashboard-summary', { days: 0 })).rejects.toMatchObject({
      code: 'validation-failed',
    })
    await expect(owner.invoke('dashboard-summary', { days: 400 })).rejects.toMatchObject({
      code: 'validation-failed',
    })
  })
})

describe('transfers history', () => {
  it('filters, sorts and pages on the hub', async () => {
    const all = await owner.invoke('transfer-history', {})
    expect(all.total).toBe(sql<{ n: number }>('SELECT count(*) AS n FROM transfers').n)
    expect(all.rows.map((r) => r.id)).toEqual([...all.rows.map((r) => r.id)].sort((a, b) => b - a))
    const failed = await owner.invoke('transfer-history', { status: ['failed'] })
    expect(failed.total).toBe(2)
    expect(failed.rows.every((r) => r.status === 'failed' && r.tagLabel === '门口')).toBe(true)
    const byTag = await owner.invoke('transfer-history', { tagId: counter.id })
    expect(byTag.total).toBe(4)
    const byVideo = await owner.invoke('transfer-history', { videoId: broken.id })
    expect(byVideo.rows.map((r) => r.videoTitle)).toEqual(['坏文件', '坏文件', '坏文件'])
    const bySize = await owner.invoke('transfer-history', { sort: 'bytesTotal', order: 'asc', pageSize: 200 })
    const sizes = bySize.rows.map((r) => r.bytesTotal)
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b))
    const p1 = await owner.invoke('transfer-history', { pageSize: 2, page: 1 })
    const p2 = await owner.invoke('transfer-history', { pageSize: 2, page: 2 })
    expect(p2.total).toBe(all.total)
    expect([...p1.rows, ...p2.rows].map((r) => r.id)).toEqual(all.rows.slice(0, 4).map((r) => r.id))
    const future = new Date(Date.now() + 3_600_000).toISOString()
    expect((await owner.invoke('transfer-history', { from: future })).total).toBe(0)
    expect((await owner.invoke('transfer-history', { to: future })).total).toBe(all.total)
  })

  it('refuses bad filters with a clear reason', async () => {
    const now = new Date().toISOString()
    await expect(owner.invoke('transfer-history', { from: now, to: now })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/before its end/),
    })
    await expect(owner.invoke('transfer-history', { status: ['lost' as never] })).rejects.toMatchObject({
      code: 'validation-failed',
    })
    await expect(owner.invoke('transfer-history', { pageSize: 1000 })).rejects.toMatchObject({
      code: 'validation-failed',
    })
    await expect(owner.invoke('transfer-get', { id: 999_999 })).rejects.toMatchObject({
      code: 'transfer-not-found',
    })
  })

  it('exports the filtered history as CSV that Excel opens with Chinese intact', async () => {
    const get = (query: string, cookie = owner.cookie!) =>
      fetch(`${t.adminUrl}/transfers.csv${query}`, { headers: { Cookie: cookie } })
    const res = await get('')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="tapdrop-transfers-\d{8}\.csv"$/,
    )
    const bytes = Buffer.from(await res.arrayBuffer())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n')
    expect(lines[0]!.startsWith('编号,时间,标签,标签码,视频')).toBe(true)
    expect(lines).toHaveLength(1 + sql<{ n: number }>('SELECT count(*) AS n FROM transfers').n)
    expect(
      lines.filter((l) => l.includes(',收银台,') && l.includes(',春季新品,') && l.includes(',已完成,')),
    ).toHaveLength(3)
    const failed = Buffer.from(await (await get('?status=failed&lang=en')).arrayBuffer())
      .toString('utf8')
      .trimEnd()
      .split('\r\n')
    expect(failed[0]).toBe(
      '\uFEFFID,Time,Tag,Tag code,Video,Rendition,Tier,OS,Browser,IP,Device,Status,Size (bytes),Delivered (bytes),Sent on the wire (bytes),Requests,Started,Finished,Reason,' +
        'Played,Watched to the end,Save pressed,Saved,Shared,Caption copied,Platform chosen,Posted via Douyin share,Wi-Fi password copied,WeChat QR opened,Coupon claimed,Review link opened',
    )
    expect(
      // No customer steps: the funnel's twelve columns are empty.
      failed
        .slice(1)
        .every((l) => l.includes(',门口,') && l.endsWith(`,the rendition file is missing${','.repeat(12)}`)),
    ).toBe(true)
    expect(failed).toHaveLength(3)
    expect((await get('', 'td_session=nope')).status).toBe(401)
    const bad = await get('?status=lost')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation-failed')
  })
})

describe('live feed and notifications', () => {
  it('starts each connection with the live transfers, then pushes each change with its time', async () => {
    const phone = new Phone(t.lanUrl, PHONE_UA.android, 'en')
    const pending = await phone.tap(counter.code)
    const frames: HubEvent[] = []
    const ws = new WebSocket(`${t.adminUrl.replace('http', 'ws')}/api/events`, {
      headers: { Cookie: owner.cookie!, Origin: t.adminUrl },
    })
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no hello')), 5000)
        ws.on('message', (m) => {
          frames.push(JSON.parse(String(m)) as HubEvent)
          if (frames.length === 1) {
            clearTimeout(timer)
            resolve()
          }
        })
      })
      const hello = frames[0] as Extract<HubEvent, { type: 'hello' }>
      expect(hello.type).toBe('hello')
      const mine = hello.live.find((x) => x.status === 'pending' && x.device.browser.startsWith('Chrome'))
      expect(mine).toBeDefined()
      expect(hello.queue).toMatchObject({ waitingTotal: 0 })
      const before = Date.now()
      expect((await phone.download(pending.token!)).status).toBe(200)
      const deadline = Date.now() + 5000
      while (!frames.some((f) => f.type === 'transfer' && f.phase === 'completed') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20))
      const done = frames.find((f) => f.type === 'transfer' && f.phase === 'completed') as Extract<
        HubEvent,
        { type: 'transfer' }
      >
      expect(done.transfer).toMatchObject({ id: mine!.id, status: 'completed' })
      expect(done.transfer.bytesSent).toBe(done.transfer.bytesTotal)
      expect(done.at).toBeGreaterThanOrEqual(before)
      expect(done.at).toBeLessThanOrEqual(Date.now())
    } finally {
      ws.close()
    }
  })

  it('notified everyone of the spike of failed transfers; each person reads and mutes for themselves', async () => {
    const list = await owner.invoke('notification-list', {})
    const spike = list.items.find((n) => n.kind === 'transfer-failures')
    expect(spike).toMatchObject({ params: { count: 2, minutes: 10 } })
    // The greedy phone's refusal (threshold 1 here) raised its own notice.
    expect(list.items.find((n) => n.kind === 'quota-often')).toMatchObject({
      params: { count: 1, minutes: 60 },
    })
    expect(list.unread).toBeGreaterThanOrEqual(1)
    await owner.invoke('notification-seen', { upTo: list.items[0]!.id })
    expect((await owner.invoke('notification-list', {})).unread).toBe(0)
    await owner.invoke('notification-mute', { muted: ['transfer-failures'] })
    const muted = await owner.invoke('notification-list', {})
    expect(muted.items.some((n) => n.kind === 'transfer-failures')).toBe(false)
    expect(muted.muted).toEqual(['transfer-failures'])
    await owner.invoke('notification-mute', { muted: [] })
    await expect(owner.invoke('notification-mute', { muted: ['everything' as never] })).rejects.toMatchObject(
      {
        code: 'validation-failed',
      },
    )
  })
})

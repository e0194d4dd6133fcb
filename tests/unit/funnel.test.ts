import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { silentLogger } from '../../src/main/core/logger'
import { FunnelService, type PageTransfer } from '../../src/main/core/funnel/service'
import { splitPeriod } from '../../src/main/core/funnel/window'
import { Retention } from '../../src/main/core/monitoring/retention'
import { addDays, dayKey, startOfDay } from '../../src/main/core/time/days'
import { systemContext } from '../../src/main/core/auth/actor'
import { emptyFunnel, PhoneFunnelEventKindSchema } from '../../src/shared/contract/funnel'
import { PlatformSchema, type Platform } from '../../src/shared/contract/publish'
import { insertSynthetic, prng } from '../helpers/synthetic'
import { tempDir } from '../helpers/tmp'

let dir: ReturnType<typeof tempDir>
let repos: Repos
const logger = silentLogger()
const NOW = new Date(2026, 10, 24, 15, 30).getTime()
let clock = NOW
const OFFERED: Platform[] = ['douyin', 'kuaishou', 'xiaohongshu']
const signed = new Map<number, string[]>()

function transferOf(token: string): PageTransfer | null {
  const r = repos.db
    .prepare('SELECT id, tag_id, video_id, created_at FROM transfers WHERE token = ?')
    .get(token) as { id: number; tag_id: number; video_id: number; created_at: number } | undefined
  return r
    ? { id: r.id, tagId: r.tag_id, videoId: r.video_id, createdAt: r.created_at, platforms: OFFERED }
    : null
}

function service(o: { perAddress?: number; perTransfer?: number; onWritten?: () => void } = {}) {
  return new FunnelService({
    ...(o.onWritten ? { onWritten: o.onWritten } : {}),
    repos,
    logger,
    transfer: transferOf,
    flushDelivery: () => {},
    douyinShareIds: (id) => signed.get(id) ?? [],
    now: () => clock,
    perAddressPerMinute: () => o.perAddress ?? 0,
    perTransferPerMinute: () => o.perTransfer ?? 0,
  })
}

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'backups'), logger }).db,
  )
  clock = NOW
  signed.clear()
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

const n = (sql: string, ...args: unknown[]) => (repos.db.prepare(sql).get(...args) as { n: number }).n
const tokens = () =>
  repos.db.prepare('SELECT token, id FROM transfers ORDER BY id').all() as Array<{
    token: string
    id: number
  }>

describe('funnel beacons', () => {
  beforeEach(() => insertSynthetic(repos.db, { transfers: 20, days: 1, now: NOW, tags: 2, videos: 2 }))

  it('stores each step once per transfer (and platform); repeats, replays and late or early arrivals only count on', () => {
    const f = service()
    const [a, b] = tokens()
    for (const body of [
      { k: 'played' },
      { k: 'played' },
      { k: 'caption-copied' },
      { k: 'platform-chosen', p: 'douyin' },
      { k: 'platform-chosen', p: 'kuaishou' },
      { k: 'platform-chosen', p: 'douyin' },
    ])
      expect(f.record(a!.token, body, '10.0.0.2')).toBe('recorded')
    // played-to-end before played (beacons overtake each other, or one is lost): played is implied, once.
    expect(f.record(b!.token, { k: 'played-to-end' }, null)).toBe('recorded')
    expect(f.record(b!.token, { k: 'played' }, null)).toBe('recorded')
    f.flush()
    // The same again after a write (a replay, or the page reloaded): still one row each.
    expect(f.record(a!.token, { k: 'played' }, null)).toBe('recorded')
    f.flush()
    const rows = repos.db
      .prepare('SELECT transfer_id AS t, kind, platform, detail, count FROM funnel_events ORDER BY id')
      .all()
    expect(rows).toEqual([
      { t: a!.id, kind: 'played', platform: '', detail: null, count: 3 },
      { t: a!.id, kind: 'caption-copied', platform: '', detail: null, count: 1 },
      { t: a!.id, kind: 'platform-chosen', platform: '', detail: 'douyin', count: 3 },
      { t: a!.id, kind: 'platform-chosen', platform: 'douyin', detail: null, count: 2 },
      { t: a!.id, kind: 'platform-chosen', platform: 'kuaishou', detail: null, count: 1 },
      { t: b!.id, kind: 'played', platform: '', detail: null, count: 1 },
      { t: b!.id, kind: 'played-to-end', platform: '', detail: null, count: 1 },
    ])
    const c = f.counts(systemContext, { since: new Date(NOW - 86_400_000).toISOString() }).counts
    expect(c).toMatchObject({ taps: 20, played: 2, playedToEnd: 1, copied: 1, publishedAny: 1 })
    expect(c.publishChosen).toEqual({ douyin: 1, kuaishou: 1, xiaohongshu: 0, channels: 0, wechat: 0 })
  })

  it('says once per write that steps were written, and nothing when there was nothing to write', () => {
    let told = 0
    const f = service({ onWritten: () => told++ })
    const [a, b] = tokens()
    f.record(a!.token, { k: 'played' }, null)
    f.record(b!.token, { k: 'caption-copied' }, null)
    f.flush()
    expect(told).toBe(1)
    f.flush()
    f.counts(systemContext, {})
    expect(told).toBe(1)
  })

  it('refuses what it cannot trust and stores nothing of it', () => {
    const f = service()
    const [a] = tokens()
    signed.set(a!.id, ['7000000001'])
    const refused: Array<[string, unknown, string]> = [
      [a!.token, { k: 'liked' }, 'bad-input'],
      [a!.token, { k: 'save-completed' }, 'bad-input'],
      [a!.token, { k: 'coupon-claimed' }, 'bad-input'],
      [a!.token, { k: 'played', extra: 1 }, 'bad-input'],
      [a!.token, { k: 'platform-chosen' }, 'bad-input'],
      [a!.token, { k: 'platform-chosen', p: 'weibo' }, 'bad-input'],
      // Offered by the platform list, not by this tag.
      [a!.token, { k: 'platform-chosen', p: 'wechat' }, 'bad-input'],
      [a!.token, { k: 'douyin-share-id', i: '7000000002' }, 'bad-input'],
      [a!.token, { k: 'douyin-share-id', i: '<script>' }, 'bad-input'],
      [a!.token, 'played', 'bad-input'],
      [a!.token, null, 'bad-input'],
      ['AAAAAAAAAAAAAAAAAAAAAAAA', { k: 'played' }, 'unknown-transfer'],
    ]
    for (const [token, body, outcome] of refused) expect(f.record(token, body, null)).toBe(outcome)
    f.flush()
    expect(n('SELECT count(*) AS n FROM funnel_events')).toBe(0)
    expect(f.record(a!.token, { k: 'douyin-share-id', i: '7000000001' }, null)).toBe('recorded')
    f.flush()
    expect(repos.funnel.ofTransfer(a!.id)).toMatchObject([{ kind: 'douyin-share-id', detail: '7000000001' }])
  })

  it('takes a share id the hub signed before a restart from SQLite', () => {
    const f = service()
    const [a] = tokens()
    repos.douyinShares.insert({ shareId: 'td_abc', source: 'hub', transferId: a!.id, createdAt: NOW })
    expect(f.record(a!.token, { k: 'douyin-share-id', i: 'td_abc' }, null)).toBe('recorded')
  })

  it('limits one address and one transfer, and forged tokens count against their address', () => {
    const f = service({ perAddress: 40, perTransfer: 20 })
    const [a, b] = tokens()
    // Bursts of a quarter of a minute's rate, at least 5.
    const burst = (token: string, ip: string, k = 'played') =>
      Array.from({ length: 30 }, () => f.record(token, { k }, ip)).filter((o) => o === 'recorded').length
    expect(burst(a!.token, '10.0.0.2')).toBe(5)
    expect(burst('BBBBBBBBBBBBBBBBBBBBBBBB', '10.0.0.3')).toBe(0)
    expect(f.record(b!.token, { k: 'played' }, '10.0.0.3')).toBe('rate-limited')
    // Another address, the same transfer: its own limit is used up too.
    expect(f.record(a!.token, { k: 'played' }, '10.0.0.4')).toBe('rate-limited')
    // A minute later both have room again.
    clock += 60_000
    expect(f.record(a!.token, { k: 'played' }, '10.0.0.2')).toBe('recorded')
    f.flush()
    expect(n('SELECT count(*) AS n FROM funnel_events')).toBe(1)
    expect(n('SELECT count AS n FROM funnel_events')).toBe(6)
  })

  it('keeps steps for the next write while SQLite refuses them', () => {
    const f = service()
    const [a] = tokens()
    f.record(a!.token, { k: 'played' }, null)
    repos.db.exec(
      'CREATE TRIGGER no_funnel BEFORE INSERT ON funnel_events BEGIN SELECT RAISE(FAIL, "full"); END',
    )
    f.flush()
    expect(n('SELECT count(*) AS n FROM funnel_events')).toBe(0)
    repos.db.exec('DROP TRIGGER no_funnel')
    f.flush()
    expect(n('SELECT count(*) AS n FROM funnel_events')).toBe(1)
  })
})

describe('funnel counts', () => {
  it('equal the counts in SQLite per store, tag and video, before and after roll-up and retention, late steps included', async () => {
    const { tagIds, videoIds } = insertSynthetic(repos.db, {
      transfers: 3000,
      days: 30,
      now: NOW,
      tags: 6,
      videos: 4,
    })
    const f = service()
    const rnd = prng(7)
    const kinds = PhoneFunnelEventKindSchema.options.filter((k) => k !== 'douyin-share-id')
    for (const { token, id } of tokens()) {
      for (const k of kinds) {
        if (rnd() > 0.4) continue
        if (k === 'platform-chosen') f.record(token, { k, p: OFFERED[Math.floor(rnd() * 3)] }, null)
        else f.record(token, { k }, null)
      }
      const t = transferOf(token)!
      if (rnd() < 0.3) f.recordHub(t, 'save-completed')
      if (rnd() < 0.1) {
        signed.set(id, [`s${id}`])
        f.record(token, { k: 'douyin-share-id', i: `s${id}` }, null)
      }
    }
    f.flush()

    // What SQLite says, straight from the rows: transfers made, transfers with each step, per platform.
    const since = addDays(NOW, -6)
    const sql = (where: string, args: unknown[]) => {
      const c = emptyFunnel()
      c.taps = n(`SELECT count(*) AS n FROM transfers WHERE created_at >= ? AND ${where}`, since, ...args)
      const rows = repos.db
        .prepare(
          `SELECT kind, platform, count(*) AS n FROM funnel_events WHERE transfer_at >= ? AND ${where} GROUP BY kind, platform`,
        )
        .all(since, ...args) as Array<{ kind: string; platform: string; n: number }>
      const field: Record<string, keyof typeof c> = {
        played: 'played',
        'played-to-end': 'playedToEnd',
        'save-pressed': 'savePressed',
        'save-completed': 'saved',
        shared: 'shared',
        'caption-copied': 'copied',
        'platform-chosen': 'publishedAny',
        'douyin-share-id': 'douyinShares',
        'wifi-copied': 'wifiCopied',
        'wechat-qr-shown': 'wechatQrShown',
        'coupon-claimed': 'couponsClaimed',
        'review-opened': 'reviewsOpened',
      }
      for (const r of rows) {
        if (r.platform) c.publishChosen[PlatformSchema.parse(r.platform)] += r.n
        else (c[field[r.kind]!] as number) += r.n
      }
      return c
    }
    const q = { since: new Date(since).toISOString() }
    const before = {
      all: f.counts(systemContext, q).counts,
      tag: f.counts(systemContext, { ...q, tagId: tagIds[1] }).counts,
      video: f.counts(systemContext, { ...q, videoId: videoIds[0] }).counts,
      both: f.counts(systemContext, { ...q, tagId: tagIds[2], videoId: videoIds[1] }).counts,
    }
    expect(before.all).toEqual(sql('1', []))
    expect(before.tag).toEqual(sql('tag_id = ?', [tagIds[1]]))
    expect(before.video).toEqual(sql('video_id = ?', [videoIds[0]]))
    expect(before.both).toEqual(sql('tag_id = ? AND video_id = ?', [tagIds[2], videoIds[1]]))
    expect(before.all.taps).toBeGreaterThan(500)
    expect(before.all.played).toBeGreaterThan(100)
    expect(before.all.douyinShares).toBeGreaterThan(10)
    // Per tag, the breakdown adds up to the whole.
    const byTag = f.breakdown(systemContext, { ...q, by: 'tag' }).rows
    expect(byTag.map((r) => r.id)).toEqual([...tagIds].sort((x, y) => x - y))
    expect(byTag.reduce((a, r) => a + r.counts.played, 0)).toBe(before.all.played)

    // Roll up every finished day and prune raw rows older than ten days: the last week reads the same.
    const retention = new Retention({ repos, logger, retentionDays: () => 10, now: () => NOW })
    await retention.run()
    expect(repos.funnel.rolledDays(dayKey(addDays(NOW, -30)), dayKey(NOW)).size).toBeGreaterThanOrEqual(29)
    expect(n('SELECT count(*) AS n FROM funnel_events WHERE transfer_at < ?', addDays(NOW, -10))).toBe(0)
    expect(
      n('SELECT count(*) AS n FROM funnel_events WHERE transfer_at >= ?', addDays(NOW, -10)),
    ).toBeGreaterThan(0)
    expect(f.counts(systemContext, q).counts).toEqual(before.all)
    expect(f.counts(systemContext, { ...q, tagId: tagIds[1] }).counts).toEqual(before.tag)
    expect(f.counts(systemContext, { ...q, videoId: videoIds[0] }).counts).toEqual(before.video)
    expect(f.counts(systemContext, { ...q, tagId: tagIds[2], videoId: videoIds[1] }).counts).toEqual(
      before.both,
    )

    // A step reported after its day was rolled (the link still worked): counted, once, in the roll-up.
    const yesterday = tokens().find(
      (x) =>
        transferOf(x.token)!.createdAt >= addDays(NOW, -1) &&
        transferOf(x.token)!.createdAt < startOfDay(NOW) &&
        !repos.funnel.ofTransfer(x.id).some((e) => e.kind === 'wechat-qr-shown'),
    )!
    const had = f.counts(systemContext, q).counts.wechatQrShown
    f.record(yesterday.token, { k: 'wechat-qr-shown' }, null)
    f.record(yesterday.token, { k: 'wechat-qr-shown' }, null)
    expect(f.counts(systemContext, q).counts.wechatQrShown).toBe(had + 1)
  })

  it('splits a period into rolled whole days and raw edges, never both for one moment', () => {
    const day = (n: number) => addDays(NOW, n)
    const rolled = new Set([dayKey(day(-3)), dayKey(day(-2)), dayKey(day(-4))])
    const since = day(-3) + 3_600_000
    const s = splitPeriod(since, NOW, rolled)
    expect(s.days).toEqual([dayKey(day(-2))])
    // The partial first day, then yesterday (not rolled) and today up to now, merged.
    expect(s.raw).toEqual([
      { from: since, to: day(-2) },
      { from: day(-1), to: NOW },
    ])
  })

  it('counts the last N local days with today for `days`, as the dashboard does, and refuses it with `since`', () => {
    insertSynthetic(repos.db, { transfers: 300, days: 10, now: NOW, tags: 3, videos: 2 })
    const f = service()
    const taps = (since: number) =>
      n('SELECT count(*) AS n FROM transfers WHERE created_at >= ? AND created_at <= ?', since, NOW)
    for (const days of [1, 7, 30]) {
      const got = f.counts(systemContext, { days })
      expect(got.since, `days ${days}`).toBe(new Date(addDays(NOW, -(days - 1))).toISOString())
      expect(got.counts.taps, `days ${days}`).toBe(taps(addDays(NOW, -(days - 1))))
    }
    // Today alone is fewer than the week (the history spans ten days).
    expect(f.counts(systemContext, { days: 1 }).counts.taps).toBeLessThan(
      f.counts(systemContext, { days: 7 }).counts.taps,
    )
    expect(f.breakdown(systemContext, { by: 'tag', days: 1 }).since).toBe(
      new Date(startOfDay(NOW)).toISOString(),
    )
    expect(() => f.counts(systemContext, { days: 7, since: '2026-11-20T00:00:00+08:00' })).toThrow(/not both/)
  })

  it('refuses a period that ends before it starts', () => {
    expect(() =>
      service().counts(systemContext, {
        since: '2026-11-24T10:00:00+08:00',
        until: '2026-11-24T09:00:00+08:00',
      }),
    ).toThrow(/before its end/)
  })
})

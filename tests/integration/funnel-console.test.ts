import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginAs, readyVideo, setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { runCli } from '../helpers/cli'
import { clip } from '../helpers/corpus'
import { Phone, PHONE_UA } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'
import { insertSynthetic } from '../helpers/synthetic'
import { seedFunnelSteps, sqlFunnel } from '../helpers/funnel'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { silentLogger } from '../../src/main/core/logger'
import { addDays } from '../../src/main/core/time/days'
import { FunnelEventKindSchema } from '../../src/shared/contract/funnel'
import type { Tag } from '../../src/shared/contract/tags'

// The funnel where the console and scripts read it, through a real hub: the CSV export's step columns, the tag
// form's phone-page preview (its API), and `tapdrop funnel`.

let t: TestHub
let owner: TestSession
let viewer: TestSession
let tag: Tag
let videoId: number
const dir = tempDir()
const captions: number[] = []

beforeAll(async () => {
  const { db } = openDatabase(join(dir.path, 'tapdrop.db'), {
    backupsDir: join(dir.path, 'backups'),
    logger: silentLogger(),
  })
  insertSynthetic(db, { transfers: 600, days: 20, now: Date.now() - 10 * 60_000, tags: 4, videos: 2 })
  seedFunnelSteps(db, 11)
  closeDatabase(db)
  // Generated before the hub starts: a synchronous ffmpeg run would stall the hub sharing this event loop.
  const file = clip('funnel-preview.mp4', 2, '1280x720')
  t = await startTestHub({ dataDir: dir.path })
  owner = await setupOwner(t)
  await owner.invoke('user-create', { username: 'viewer1', role: 'viewer', password: 'viewer1-password' })
  viewer = await loginAs(t, 'viewer1', 'viewer1-password')
  videoId = (await readyVideo(t, file, '春季新品')).id
  tag = await owner.invoke('tag-create', {
    videoIds: [videoId],
    label: '收银台',
    platforms: ['kuaishou', 'douyin'],
  })
  await owner.invoke('publish-settings-update', { storeName: '国贸店' })
  for (const text of ['{门店}{标签位置}的第一条', '{门店}{标签位置}的第二条'])
    captions.push((await owner.invoke('caption-create', { tagId: tag.id, text, hashtags: ['探店'] })).id)
}, 300_000)
afterAll(async () => {
  await t?.stop()
  dir.cleanup()
})

const db = () => {
  t.hub.services.delivery.flush()
  t.hub.services.funnel.flush()
  return t.hub.repos.db
}

/** RFC 4180 fields of a CSV text (quotes, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += ch
  }
  return rows
}

/** `2026-11-24 15:04:05`, the local time a spreadsheet reads. */
function local(t: number): string {
  const d = new Date(t)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

async function csv(lang: 'zh-CN' | 'en'): Promise<string[][]> {
  const res = await fetch(`${t.adminUrl}/transfers.csv?lang=${lang}`, { headers: { Cookie: owner.cookie! } })
  expect(res.status).toBe(200)
  return parseCsv((await res.text()).replace(/^\uFEFF/, ''))
}

describe('the CSV export', () => {
  it('has a column per customer step, headed in each language, with when it happened or what was chosen', async () => {
    const phone = new Phone(t.lanUrl)
    const r = await phone.tap(tag.code)
    const funnel = t.hub.services.funnel
    for (const step of [
      { k: 'played' },
      { k: 'platform-chosen', p: 'kuaishou' },
      { k: 'caption-copied' },
      { k: 'platform-chosen', p: 'douyin' },
    ] as const) {
      expect(funnel.record(r.token!, step, null)).toBe('recorded')
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const id = t.hub.services.delivery.pageTransfer(r.token!)!.transfer.record.id

    const zh = await csv('zh-CN')
    expect(zh[0]!.slice(-12)).toEqual([
      '播放',
      '看完',
      '点了保存',
      '保存完成',
      '系统分享',
      '复制文案',
      '选择发布平台',
      '发布到抖音',
      '复制 Wi-Fi 密码',
      '打开微信二维码',
      '领取优惠券',
      '打开点评链接',
    ])
    const en = await csv('en')
    expect(en[0]!.slice(-12)).toEqual([
      'Played',
      'Watched to the end',
      'Save pressed',
      'Saved',
      'Shared',
      'Caption copied',
      'Platform chosen',
      'Posted via Douyin share',
      'Wi-Fi password copied',
      'WeChat QR opened',
      'Coupon claimed',
      'Review link opened',
    ])
    const mine = (rows: string[][]) => rows.find((x) => x[0] === String(id))!
    const col = (rows: string[][], name: string) => rows[0]!.indexOf(name)
    expect(mine(zh)[col(zh, '选择发布平台')]).toBe('快手 / 抖音')
    expect(mine(en)[col(en, 'Platform chosen')]).toBe('Kuaishou / Douyin')
    expect(mine(zh)[col(zh, '保存完成')]).toBe('')

    // Every row, every step: what SQLite holds for that transfer.
    const stored = db()
      .prepare(
        'SELECT transfer_id AS id, kind, platform, detail, first_at AS at FROM funnel_events ORDER BY first_at, id',
      )
      .all() as Array<{ id: number; kind: string; platform: string; detail: string | null; at: number }>
    const kinds = FunnelEventKindSchema.options
    const zhPlatform: Record<string, string> = {
      douyin: '抖音',
      kuaishou: '快手',
      xiaohongshu: '小红书',
      channels: '视频号',
      wechat: '微信',
    }
    expect(zh.length - 1).toBe((db().prepare('SELECT count(*) AS n FROM transfers').get() as { n: number }).n)
    let filled = 0
    for (const row of zh.slice(1)) {
      const steps = stored.filter((s) => s.id === Number(row[0]))
      const want = kinds.map((k) => {
        if (k === 'platform-chosen')
          return steps
            .filter((s) => s.kind === k && s.platform !== '')
            .map((s) => zhPlatform[s.platform])
            .join(' / ')
        const first = steps.find((s) => s.kind === k && s.platform === '')
        if (k === 'douyin-share-id') return first?.detail ?? ''
        return first ? local(first.at) : ''
      })
      expect(row.slice(-12), `transfer ${row[0]}`).toEqual(want)
      filled += want.filter(Boolean).length
    }
    expect(filled).toBeGreaterThan(500)
  })
})

describe('the tag form’s preview', () => {
  /** A page with what differs between two taps taken out: the token, and the images the preview inlines. */
  const normalised = (html: string, token: string) =>
    html
      .replaceAll(token, 'TOKEN')
      .replace(/poster="[^"]*"/, 'poster=""')
      .replace(/<header><img src="[^"]*"/, '<header><img src=""')

  it('is the page the next tap gets, drawn by the hub’s page code, and counts no caption use', async () => {
    const uses = async () => (await owner.invoke('caption-list', { tagId: tag.id })).map((c) => c.uses)
    const before = await uses()
    const input = {
      tagId: tag.id,
      videoId,
      label: '收银台',
      platforms: ['kuaishou', 'douyin'] as const,
      captionStrategy: 'rotate' as const,
      lang: 'zh-CN' as const,
    }
    const first = await owner.invoke('tag-page-preview', { ...input, platforms: [...input.platforms] })
    const again = await owner.invoke('tag-page-preview', { ...input, platforms: [...input.platforms] })
    expect(first.captionId).not.toBeNull()
    expect(again.captionId).toBe(first.captionId)
    expect(await uses()).toEqual(before)
    expect(first.html).toContain('<html lang="zh-CN">')
    expect(first.html).toMatch(/poster="data:image\/jpeg;base64,/)

    // The tap after the preview draws the caption the preview showed, and gets the same page.
    const tap = await new Phone(t.lanUrl, PHONE_UA.iphone, 'zh-CN,zh;q=0.9').tap(tag.code)
    expect(tap.status).toBe(200)
    const id = t.hub.services.delivery.pageTransfer(tap.token!)!.transfer.record.id
    const row = db().prepare('SELECT caption_id AS c FROM transfers WHERE id = ?').get(id) as { c: number }
    expect(row.c).toBe(first.captionId)
    expect(normalised(first.html, 'preview-preview-preview0')).toBe(normalised(tap.html, tap.token!))

    // The turn moved on: the preview follows the draw.
    const next = await owner.invoke('tag-page-preview', { ...input, platforms: [...input.platforms] })
    expect(next.captionId).toBe(captions.find((c) => c !== first.captionId))
    const en = await owner.invoke('tag-page-preview', { ...input, platforms: [], lang: 'en' })
    expect(en.html).toContain('<html lang="en">')
    expect(en.html).toContain('Save video')
  })

  it('shows a new tag its video’s captions, and refuses viewers and bad input', async () => {
    const own = await owner.invoke('caption-create', { videoId, text: '视频自己的文案' })
    const fresh = await owner.invoke('tag-page-preview', { videoId, platforms: ['douyin'], lang: 'zh-CN' })
    expect(fresh.captionId).toBe(own.id)
    const none = await owner.invoke('tag-page-preview', { platforms: [], lang: 'en' })
    expect(none.captionId).toBeNull()
    expect(none.html).toContain('<h1>New arrivals</h1>')
    await expect(
      viewer.invoke('tag-page-preview', { tagId: tag.id, platforms: [], lang: 'zh-CN' }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      owner.invoke('tag-page-preview', { platforms: ['weibo' as never], lang: 'zh-CN' }),
    ).rejects.toMatchObject({ code: 'validation-failed' })
    await owner.invoke('caption-delete', { id: own.id })
  })
})

describe('tapdrop funnel', () => {
  const cli = (...args: string[]) => runCli(['funnel', '--data-dir', t.dataDir, ...args])
  const counts = (json: Record<string, unknown>) => {
    const { since: _s, until: _u, tagId: _t, videoId: _v, publishRate: _r, ...c } = json
    return c
  }

  it('prints the funnel SQLite holds as JSON, for the last 7 days, a period, a tag and a video', async () => {
    const week = await cli('--json')
    expect(week.stderr).toBe('')
    expect(week.code).toBe(0)
    const w = JSON.parse(week.stdout) as Record<string, unknown> & { taps: number; publishedAny: number }
    const since = addDays(Date.now(), -6)
    expect(w.since).toBe(new Date(since).toISOString())
    expect(counts(w)).toEqual(sqlFunnel(db(), { since }))
    expect(w).toMatchObject({ tagId: null, videoId: null, publishRate: w.publishedAny / w.taps })
    expect(w.taps).toBeGreaterThan(100)
    expect(Object.keys(w)).toEqual(
      expect.arrayContaining(['taps', 'played', 'saved', 'copied', 'publishChosen']),
    )

    const from = Date.now() - 15 * 86_400_000
    const to = Date.now() - 2 * 86_400_000
    const period = JSON.parse(
      (await cli('--since', new Date(from).toISOString(), '--until', new Date(to).toISOString(), '--json'))
        .stdout,
    ) as Record<string, unknown>
    expect(counts(period)).toEqual(sqlFunnel(db(), { since: from, until: to }))

    // A bare day is that day's local midnight.
    const day = new Date(Date.now() - 3 * 86_400_000)
    const key = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`
    const fromDay = JSON.parse((await cli('--since', key, '--json')).stdout) as Record<string, unknown>
    const midnight = new Date(day.getFullYear(), day.getMonth(), day.getDate()).getTime()
    expect(fromDay.since).toBe(new Date(midnight).toISOString())
    expect(counts(fromDay)).toEqual(sqlFunnel(db(), { since: midnight }))

    const shelf = (db().prepare("SELECT id FROM tags WHERE label = '货架 2'").get() as { id: number }).id
    const ofTag = JSON.parse((await cli('--tag', String(shelf), '--json')).stdout) as Record<string, unknown>
    expect(ofTag.tagId).toBe(shelf)
    expect(counts(ofTag)).toEqual(sqlFunnel(db(), { since, tagId: shelf }))
    const ofVideo = JSON.parse((await cli('--video', String(videoId), '--json')).stdout) as Record<
      string,
      unknown
    >
    expect(counts(ofVideo)).toEqual(sqlFunnel(db(), { since, videoId }))
    expect(ofVideo.taps).toBeGreaterThanOrEqual(2)
  })

  it('prints a table without --json', async () => {
    const r = await cli()
    expect(r.code).toBe(0)
    const c = sqlFunnel(db(), { since: addDays(Date.now(), -6) })
    expect(r.stdout).toContain('Funnel of the whole store')
    expect(r.stdout).toMatch(new RegExp(`^Tap\\s+${c.taps}$`, 'm'))
    expect(r.stdout).toMatch(new RegExp(`^Caption copied\\s+${c.copied}\\s+\\d`, 'm'))
    expect(r.stdout).toMatch(new RegExp(`^Douyin\\s+${c.publishChosen.douyin}\\s`, 'm'))
    expect(r.stdout).toContain('Publish rate: ')
  })

  it.each([
    [['--since', 'yesterday'], 2, /^tapdrop: --since must be a real ISO date or date-time/],
    [['--until', '24/11/2026'], 2, /^tapdrop: --until must be a real ISO date/],
    // Days the calendar does not have (JavaScript's Date would roll them over into the next month or year).
    [['--since', '2026-02-30'], 2, /^tapdrop: --since must be a real ISO date .*"2026-02-30"/],
    [['--since', '2026-11-31'], 2, /^tapdrop: --since must be a real ISO date/],
    [['--since', '2026-12-32'], 2, /^tapdrop: --since must be a real ISO date/],
    [['--until', '2026-13-01'], 2, /^tapdrop: --until must be a real ISO date/],
    [['--since', '2026-04-31T10:00:00+08:00'], 2, /^tapdrop: --since must be a real ISO date/],
    [['--since', '2026-11-24', '--until', '2026-11-20'], 2, /^tapdrop: --since must be before --until/],
    [['--tag', 'abc'], 2, /^tapdrop: --tag must be an id/],
    [['--frobnicate'], 2, /^tapdrop: unknown option '--frobnicate'/],
    [['--since'], 2, /^tapdrop: option '--since <iso>' argument missing/],
    [['--tag', '99999'], 1, /^tapdrop: no tag with id 99999 \(not-found\)\n$/],
  ])('refuses %j with one line on stderr and exit %i', async (args, code, message) => {
    const r = await cli(...args)
    expect(r.code).toBe(code)
    expect(r.stdout).toBe('')
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(message)
  })
})

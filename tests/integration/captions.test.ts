import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/api-client'
import type { HubEvent } from '../../src/shared/events'
import { loginAs, localClient, setupOwner, startTestHub, waitForVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { runCli } from '../helpers/cli'
import { clip } from '../helpers/corpus'
import { Phone } from '../helpers/phone'
import { captionDate } from '../../src/shared/captions/variables'

// The caption library and the tags' publish settings through a real hub: its API (with roles), its SQLite file,
// its events, and the built CLI.

let t: TestHub
let owner: TestSession
let staff: TestSession
let viewer: TestSession
let videoA: number
let videoB: number
const events: HubEvent[] = []

beforeAll(async () => {
  // Generated before the hub starts: a synchronous ffmpeg run would stall the hub sharing this event loop.
  const a = clip('caption-a.mp4', 1)
  const b = clip('caption-b.mp4', 1)
  t = await startTestHub()
  owner = await setupOwner(t)
  for (const [username, role] of [
    ['staff1', 'staff'],
    ['viewer1', 'viewer'],
  ] as const)
    await owner.invoke('user-create', { username, role, password: `${username}-password` })
  staff = await loginAs(t, 'staff1', 'staff1-password')
  viewer = await loginAs(t, 'viewer1', 'viewer1-password')
  // Captions and tags need videos to exist, not to be transcoded.
  const api = localClient(t)
  videoA = (await api.invoke('video-import', { path: a, title: '春季新品' })).id!
  videoB = (await api.invoke('video-import', { path: b, title: '会员专享' })).id!
  t.hub.services.events.subscribe((e) => events.push(e))
}, 120_000)
afterAll(async () => {
  await t?.stop()
})

const cli = (...args: string[]) => runCli([...args, '--data-dir', t.dataDir])
const rows = () => (t.hub.repos.db.prepare('SELECT count(*) AS n FROM captions').get() as { n: number }).n

async function refusal(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn()
  } catch (err) {
    if (err instanceof ApiError) return { code: err.code, message: err.message }
    throw err
  }
  return { code: 'no error', message: '' }
}

describe('captions from the CLI', () => {
  it('adds a caption to a video and lists it as JSON, stored in SQLite', async () => {
    // {门店} before the store has a name: refused, or customers would post "来打卡".
    const unnamed = await cli('caption', 'add', '--video', String(videoA), '--text', '{日期}来{门店}打卡 🎉')
    expect(unnamed.code).toBe(1)
    expect(unnamed.stderr).toContain('the caption names {门店} but the store has no name yet')
    await owner.invoke('publish-settings-update', { storeName: '国贸店' })
    const add = await cli(
      'caption',
      'add',
      '--video',
      String(videoA),
      '--text',
      '{日期}来{门店}打卡 🎉',
      '--hashtags',
      '探店,#周末',
      '--mention',
      '小王',
      '--poi',
      '国贸店',
      '--json',
    )
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
    const c = JSON.parse(add.stdout) as { id: number }
    expect(c).toMatchObject({
      id: expect.any(Number),
      videoId: videoA,
      tagId: null,
      text: '{日期}来{门店}打卡 🎉',
      hashtags: ['探店', '周末'],
      mentions: ['小王'],
      poi: '国贸店',
      uses: 0,
    })
    expect(t.hub.repos.db.prepare('SELECT text, hashtags FROM captions WHERE id = ?').get(c.id)).toEqual({
      text: '{日期}来{门店}打卡 🎉',
      hashtags: '["探店","周末"]',
    })
    const list = await cli('caption', 'list', '--video', String(videoA), '--json')
    expect(list.code).toBe(0)
    expect((JSON.parse(list.stdout) as Array<{ id: number }>).map((x) => x.id)).toContain(c.id)
  })

  it('creates and updates a tag’s platforms and caption strategy', async () => {
    const create = await cli(
      'tag',
      'create',
      '--video',
      String(videoA),
      '--label',
      '收银台',
      '--platforms',
      'xiaohongshu,douyin',
      '--caption-strategy',
      'least-used',
      '--json',
    )
    expect(create.stderr).toBe('')
    const tag = JSON.parse(create.stdout) as { id: number }
    expect(tag).toMatchObject({ platforms: ['xiaohongshu', 'douyin'], captionStrategy: 'least-used' })
    const update = await cli(
      'tag',
      'update',
      String(tag.id),
      '--platforms',
      'wechat,channels,douyin',
      '--caption-strategy',
      'random',
      '--label',
      '门口',
      '--json',
    )
    expect(update.stderr).toBe('')
    expect(JSON.parse(update.stdout)).toMatchObject({
      id: tag.id,
      label: '门口',
      platforms: ['wechat', 'channels', 'douyin'],
      captionStrategy: 'random',
      videoIds: [videoA],
    })
    const none = await cli('tag', 'update', String(tag.id), '--platforms', 'none', '--json')
    expect(JSON.parse(none.stdout)).toMatchObject({ platforms: [], captionStrategy: 'random' })
    expect(
      t.hub.repos.db.prepare('SELECT platforms, caption_strategy FROM tags WHERE id = ?').get(tag.id),
    ).toEqual({
      platforms: '[]',
      caption_strategy: 'random',
    })
    // A tag made without the options offers every platform and rotates its captions.
    const plain = JSON.parse((await cli('tag', 'create', '--video', String(videoB), '--json')).stdout)
    expect(plain).toMatchObject({
      platforms: ['douyin', 'kuaishou', 'xiaohongshu', 'channels', 'wechat'],
      captionStrategy: 'rotate',
    })
    const caption = await cli('caption', 'add', '--tag', String(plain.id), '--text', '标签的文案', '--json')
    expect(JSON.parse(caption.stdout)).toMatchObject({ tagId: plain.id, videoId: null })
    const ofTag = JSON.parse((await cli('caption', 'list', '--tag', String(plain.id), '--json')).stdout)
    expect(ofTag).toHaveLength(1)
  })

  it.each([
    ['HTML', '<b>半价</b>', /--text: HTML is not allowed \(found <b>\)/],
    ['a script', '好<script>alert(1)</script>', /--text: HTML is not allowed \(found <script>\)/],
    ['a right-to-left override', 'abc\u202Efed', /--text: invisible or text-direction characters .*U\+202E/],
    ['a right-to-left mark', '价格\u200F9.9', /U\+200F/],
    ['10,000 characters', '长'.repeat(10_000), /--text: at most 1000 characters \(this has 10000\)/],
    ['an unknown variable', '欢迎来到{店名}', /--text: unknown variable \{店名\}; use \{门店\}/],
  ])('refuses %s with one clear line and exit 2, storing nothing', async (_what, text, reason) => {
    const before = rows()
    const r = await cli('caption', 'add', '--video', String(videoA), '--text', text, '--json')
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(reason)
    expect(rows()).toBe(before)
  })

  it('refuses bad hashtags, platforms, strategies and missing owners as usage errors', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['caption', 'add', '--text', 'x'], /give --video ID or --tag ID/],
      [['caption', 'add', '--video', 'abc', '--text', 'x'], /--video must be an id/],
      [
        ['caption', 'add', '--video', String(videoA), '--text', 'x', '--hashtags', '探 店'],
        /--hashtags: "探 店"/,
      ],
      [
        ['tag', 'create', '--video', String(videoA), '--platforms', 'douyin,weibo'],
        /unknown platform "weibo"/,
      ],
      [
        ['tag', 'create', '--video', String(videoA), '--platforms', 'douyin,douyin'],
        /douyin is listed twice/,
      ],
      [
        ['tag', 'create', '--video', String(videoA), '--caption-strategy', 'newest'],
        /--caption-strategy must be one of rotate, random, least-used/,
      ],
      [['tag', 'update', '1'], /nothing to change/],
    ]
    for (const [args, reason] of cases) {
      const r = await cli(...args)
      expect({ args, code: r.code }).toEqual({ args, code: 2 })
      expect(r.stderr).toMatch(reason)
    }
  })

  it('keeps emoji as they were typed', async () => {
    const r = await cli('caption', 'add', '--video', String(videoB), '--text', '👨‍👩‍👧 周末好去处 ❤️', '--json')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).text).toBe('👨‍👩‍👧 周末好去处 ❤️')
  })
})

describe('captions through the API', () => {
  it('lets staff write captions and viewers only read them; each change is audited and announced', async () => {
    const seen = events.length
    const c = await staff.invoke('caption-create', { videoId: videoB, text: '店员写的', hashtags: ['新品'] })
    const edited = await staff.invoke('caption-update', {
      id: c.id,
      text: '店员改的',
      hashtags: ['新品', '限时'],
    })
    expect(edited).toMatchObject({ id: c.id, text: '店员改的', hashtags: ['新品', '限时'] })
    expect(await viewer.invoke('caption-list', { videoId: videoB })).toContainEqual(edited)
    expect(
      await refusal(() => viewer.invoke('caption-create', { videoId: videoB, text: 'x' })),
    ).toMatchObject({
      code: 'forbidden',
    })
    expect(await refusal(() => viewer.invoke('caption-delete', { id: c.id }))).toMatchObject({
      code: 'forbidden',
    })
    await staff.invoke('caption-delete', { id: c.id })
    expect((await owner.invoke('caption-list', { videoId: videoB })).map((x) => x.id)).not.toContain(c.id)
    const audit = await owner.invoke('audit-list', { limit: 10 })
    expect(
      audit.entries
        .filter((e) => e.target === `caption:${c.id}`)
        .map((e) => [e.actor, e.action])
        .reverse(),
    ).toEqual([
      ['staff1', 'caption.create'],
      ['staff1', 'caption.update'],
      ['staff1', 'caption.delete'],
    ])
    expect(events.slice(seen).filter((e) => e.type === 'captions-changed')).toHaveLength(3)
  })

  it('refuses bad captions with the reason, storing nothing', async () => {
    const before = rows()
    const cases: Array<[{ text: string; hashtags?: string[] }, RegExp]> = [
      [{ text: '<img src=x onerror=alert(1)>' }, /text: HTML is not allowed/],
      [{ text: 'ok', hashtags: ['\u202Eevil'] }, /hashtags: invisible or text-direction/],
      [{ text: 'x'.repeat(10_000) }, /text: at most 1000 characters \(this has 10000\)/],
      [{ text: '{price} 元' }, /unknown variable \{price\}/],
      [{ text: '' }, /text: must not be empty/],
    ]
    for (const [input, reason] of cases) {
      const r = await refusal(() => staff.invoke('caption-create', { videoId: videoA, ...input }))
      expect(r.code).toBe('validation-failed')
      expect(r.message).toMatch(reason)
    }
    expect(await refusal(() => staff.invoke('caption-create', { videoId: 9999, text: 'x' }))).toMatchObject({
      code: 'video-not-found',
    })
    expect(
      await refusal(() => staff.invoke('caption-create', { videoId: videoB, tagId: 1, text: 'x' })),
    ).toMatchObject({ code: 'conflict', message: 'tag 1 does not deliver video ' + videoB })
    expect(rows()).toBe(before)
  })

  it('lets only admins change the store name and the platforms’ limits, kept in config.json', async () => {
    expect(
      await refusal(() => staff.invoke('publish-settings-update', { storeName: '国贸店' })),
    ).toMatchObject({ code: 'forbidden' })
    expect(
      await refusal(() => owner.invoke('publish-settings-update', { storeName: '<b>店</b>' })),
    ).toMatchObject({ code: 'validation-failed' })
    // Captions say {门店} now: the name cannot be emptied under them.
    expect(await refusal(() => owner.invoke('publish-settings-update', { storeName: '' }))).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('the store’s name cannot be emptied while they do'),
    })
    const r = await owner.invoke('publish-settings-update', {
      storeName: '国贸店',
      limits: { douyin: { maxChars: 30, maxHashtags: 5, hashtagForm: 'hash' } },
    })
    expect(r.storeName).toBe('国贸店')
    expect(r.limits.douyin).toEqual({ maxChars: 30, maxHashtags: 5, hashtagForm: 'hash' })
    expect(r.limits.kuaishou).toEqual({ maxChars: 500, maxHashtags: 10, hashtagForm: 'hash' })
    expect(await viewer.invoke('publish-settings-get', {})).toEqual(r)
    const file = JSON.parse(readFileSync(join(t.dataDir, 'config.json'), 'utf8'))
    expect(file).toMatchObject({
      storeName: '国贸店',
      platformLimits: { douyin: { maxChars: 30, maxHashtags: 5, hashtagForm: 'hash' } },
    })
    expect(file.platformLimits.kuaishou).toBeUndefined()
  })

  it('says when captions naming {门店} wait for the store’s name (the name gone from config.json by hand)', async () => {
    expect((await viewer.invoke('publish-settings-get', {})).captionsWaitForName).toBe(false)
    const name = t.hub.config.values.storeName
    t.hub.config.update({ storeName: null })
    try {
      expect((await viewer.invoke('publish-settings-get', {})).captionsWaitForName).toBe(true)
    } finally {
      t.hub.config.update({ storeName: name })
    }
  })
})

describe('a tag draws its captions on the real hub', () => {
  it('gives two phones tapping one after the other different captions under rotate, filled for the tag', async () => {
    const tag = await owner.invoke('tag-create', {
      videoIds: [videoA, videoB],
      label: '3号桌',
      strategy: 'rotate',
    })
    const a = await staff.invoke('caption-create', { tagId: tag.id, text: '{标签位置}的第一条 #{门店}' })
    const b = await staff.invoke('caption-create', { tagId: tag.id, text: '第二条', poi: '{store}' })
    const captions = t.hub.services.captions
    const first = captions.drawFor(tag.id, videoA)!
    const second = captions.drawFor(tag.id, videoB)!
    expect([first.captionId, second.captionId]).toEqual([a.id, b.id])
    expect(first.text).toBe('3号桌的第一条 #国贸店')
    expect(second.poi).toBe('国贸店')
    // Deleting the tag takes its captions with it; its next draw has none.
    await owner.invoke('tag-delete', { id: tag.id })
    expect(captions.drawFor(tag.id, videoA)).toBeNull()
    expect((await owner.invoke('caption-list', {})).map((c) => c.id)).not.toContain(a.id)
  })

  it('writes {日期} in the hub’s language whatever the phone’s: the store’s Chinese caption on an English page', async () => {
    await waitForVideo(t, videoA)
    const tag = await owner.invoke('tag-create', { videoIds: [videoA], label: '吧台' })
    await staff.invoke('caption-create', { tagId: tag.id, text: '{日期}来{标签位置}打卡' })
    for (const lang of ['en-US,en;q=0.9', 'zh-CN,zh;q=0.9']) {
      const page = await new Phone(t.lanUrl, undefined, lang).tap(tag.code)
      expect(page.status).toBe(200)
      // The page gives the caption as the customer will copy it (text nodes and data are HTML-escaped alike).
      expect(page.html).toContain(`${captionDate(Date.now(), 'zh-CN')}来吧台打卡`)
      expect(page.html).not.toContain(`${captionDate(Date.now(), 'en')}来吧台打卡`)
    }
    // The console's preview of the English page shows what an English phone gets.
    const preview = await staff.invoke('tag-page-preview', {
      tagId: tag.id,
      videoId: videoA,
      label: '吧台',
      platforms: ['douyin'],
      captionStrategy: 'rotate',
      lang: 'en',
    })
    expect(preview.html).toContain(`${captionDate(Date.now(), 'zh-CN')}来吧台打卡`)
    await owner.invoke('tag-delete', { id: tag.id })
  })

  it('shows each tag’s caption count and publish settings in the tag list', async () => {
    const tag = await staff.invoke('tag-create', {
      videoIds: [videoA],
      platforms: ['kuaishou', 'douyin'],
      captionStrategy: 'least-used',
    })
    await staff.invoke('caption-create', { tagId: tag.id, text: '一' })
    await staff.invoke('caption-create', { tagId: tag.id, videoId: videoA, text: '二' })
    const listed = (await viewer.invoke('tag-list', {})).find((x) => x.id === tag.id)
    expect(listed).toMatchObject({
      platforms: ['kuaishou', 'douyin'],
      captionStrategy: 'least-used',
      captionCount: 2,
    })
    expect(
      await refusal(() => staff.invoke('tag-update', { id: tag.id, platforms: ['douyin', 'douyin'] })),
    ).toMatchObject({ code: 'validation-failed' })
  })
})

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DouyinShareAnswer } from '../../src/main/core/publish/douyin/publisher'
import { captionDate } from '../../src/shared/captions/variables'
import type { TestSession } from '../helpers/api'
import { clip } from '../helpers/corpus'
import { DouyinStandin } from '../helpers/douyin-standin'
import { readyVideo, setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import { Phone } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'

// Douyin's servers cannot be reached from here: the hub talks to a stand-in on 127.0.0.1 that follows the
// documented endpoints (tests/helpers/douyin-standin.ts).
const KEY = 'awintegration01'
const SECRET = 'S3cret-douyin-0123456789abcdef'

let standin: DouyinStandin
let t: TestHub
let owner: TestSession
let stopped = false
const dir = tempDir()
let tagCode: string
const answers: unknown[] = []

beforeAll(async () => {
  standin = await new DouyinStandin({ clientKey: KEY, clientSecret: SECRET }).start()
  // Debug level: whatever the hub logs about Douyin, the secret must not be in it.
  writeFileSync(
    join(dir.path, 'config.json'),
    JSON.stringify({
      adminPort: 0,
      lanPort: 0,
      lanHost: '127.0.0.1',
      tapRateLimitPerMinute: 0,
      mdns: false,
      logLevel: 'debug',
    }),
  )
  t = await startTestHub({ dataDir: dir.path })
  owner = await setupOwner(t)
  const video = await readyVideo(t, clip('douyin-share.mp4', 1, '854x480'), '春季新品')
  tagCode = (await owner.invoke('tag-create', { videoIds: [video.id], label: '门口' })).code
}, 300_000)
afterAll(async () => {
  if (!stopped) await t?.stop()
  dir.cleanup()
  await standin?.stop()
})

async function tapToken(): Promise<string> {
  const r = await new Phone(t.lanUrl).tap(tagCode)
  expect(r.status).toBe(200)
  return r.token!
}

async function share(token: string): Promise<DouyinShareAnswer> {
  const a = await t.hub.services.douyin.shareFor({
    transferToken: token,
    videoUrl: `${t.lanUrl}/m/${token}`,
    title: '到店打卡 春季新品',
    hashtags: ['#门店', '春季新品'],
  })
  answers.push(a)
  return a
}

describe('Douyin publish through a running hub', () => {
  it('falls back to the offline path while switched off or without credentials', async () => {
    const token = await tapToken()
    expect(await share(token)).toEqual({ fallback: 'disabled' })
    await expect(owner.invoke('settings-update', { douyinEnabled: true })).rejects.toMatchObject({
      code: 'validation-failed',
      message:
        'douyinEnabled: Douyin publishing needs the client key and the client secret: set both before switching it on',
    })
    expect(standin.calls).toEqual({ clientToken: 0, ticket: 0, shareId: 0 })
  })

  it('refuses bad settings with a clear message and never quotes the secret back', async () => {
    await expect(
      owner.invoke('settings-update', { douyinApiBaseUrl: 'http://open.douyin.com' }),
    ).rejects.toMatchObject({
      code: 'validation-failed',
      message:
        'douyinApiBaseUrl: must be an https:// address like https://open.douyin.com (http:// only for 127.0.0.1 or localhost)',
    })
    const bad = 'not a secret with spaces'
    const err = await owner.invoke('settings-update', { douyinClientSecret: bad }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'validation-failed' })
    expect(JSON.stringify(err)).not.toContain(bad)
    await expect(
      owner.invoke('settings-update', { douyinVideoBaseUrl: 'https://v.example.com/#x' }),
    ).rejects.toMatchObject({
      message:
        'douyinVideoBaseUrl: must be an http:// or https:// address like https://video.example.com (no ?query or #fragment)',
    })
  })

  it('takes the credentials in Settings, shows the secret only as "set", and audits that it changed, not its value', async () => {
    const view = await owner.invoke('settings-update', {
      douyinClientKey: KEY,
      douyinClientSecret: SECRET,
      douyinApiBaseUrl: standin.url,
      douyinEnabled: true,
    })
    answers.push(view)
    expect(view).toMatchObject({
      douyinEnabled: { value: true, source: 'file' },
      douyinClientKey: { value: KEY, source: 'file' },
      douyinClientSecret: { set: true, source: 'file' },
      douyinApiBaseUrl: { value: standin.url, source: 'file' },
      douyinVideoBaseUrl: { value: null, source: 'default' },
    })
    const audit = await owner.invoke('audit-list', { action: 'settings.update' })
    answers.push(audit)
    expect(audit.entries[0]!.details).toMatchObject({
      douyinClientSecret: { changed: true },
      douyinClientKey: { from: null, to: KEY },
    })
    answers.push(await owner.invoke('settings-get', {}), await owner.invoke('hub-info', {}))
  })

  it('signs the share for a real transfer as the documented algorithm does and records it against that transfer', async () => {
    const token = await tapToken()
    const a = await share(token)
    if ('fallback' in a) throw new Error(`fallback ${a.fallback}`)
    const q = new URLSearchParams(a.schema.split('?')[1])
    const string1 = `nonce_str=${q.get('nonce_str')}&ticket=${standin.lastTicket}&timestamp=${q.get('timestamp')}`
    expect(q.get('signature')).toBe(createHash('md5').update(string1).digest('hex'))
    expect(Object.fromEntries(q)).toMatchObject({
      share_type: 'h5',
      client_key: KEY,
      state: a.shareId,
      share_to_publish: '1',
      video_path: `${t.lanUrl}/m/${token}`,
      title: '到店打卡 春季新品',
      hashtag_list: '["门店","春季新品"]',
    })
    t.hub.services.delivery.flush()
    const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
    const row = db
      .prepare(
        'SELECT s.source, t.token FROM douyin_shares s JOIN transfers t ON t.id = s.transfer_id WHERE s.share_id = ?',
      )
      .get(a.shareId)
    db.close()
    expect(row).toEqual({ source: 'douyin', token })
    // The link the Douyin app downloads is the transfer's video.
    const video = await fetch(q.get('video_path')!, { headers: { Range: 'bytes=0-1' } })
    expect(video.status).toBe(206)
    expect(video.headers.get('content-type')).toBe('video/mp4')
  })

  it('uses one client_token and one ticket for many shares', async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => tapToken()))
    for (const a of await Promise.all(tokens.flatMap((tk) => [share(tk), share(tk)])))
      expect(a).toHaveProperty('schema')
    expect(standin.calls).toMatchObject({ clientToken: 1, ticket: 1, shareId: 11 })
  })

  it('with the stand-in down, answers the offline path at once and throws nothing; back up, shares work again', async () => {
    const token = await tapToken()
    await standin.down()
    // A settings change drops the cached ticket, so the next share needs Douyin.
    await owner.invoke('settings-update', { douyinVideoBaseUrl: 'https://video.example.com' })
    expect(await share(token)).toEqual({ fallback: 'unreachable' })
    expect(await share(token)).toEqual({ fallback: 'unreachable' })
    await standin.up()
    // Still within the 30 s after the failure: the offline path without waiting on Douyin.
    expect(await share(token)).toEqual({ fallback: 'unreachable' })
    await owner.invoke('settings-update', { douyinVideoBaseUrl: null })
    expect(await share(token)).toHaveProperty('schema')
    expect(await share('Z'.repeat(24))).toEqual({ fallback: 'transfer-not-found' })
  })

  it('posts the caption the page shows: {日期} in the hub’s language, whatever the phone’s', async () => {
    // The phone page and the Douyin link both draw the tap's caption: an English phone once got "December 5" in
    // the link's title while its page said 12月5日.
    const tag = (await owner.invoke('tag-list', {})).find((x) => x.code === tagCode)!
    await owner.invoke('tag-update', { id: tag.id, platforms: ['douyin'] })
    const caption = await owner.invoke('caption-create', { tagId: tag.id, text: '{日期}到店打卡' })
    try {
      const phone = new Phone(t.lanUrl, undefined, 'en-US,en;q=0.9')
      const r = await phone.tap(tagCode)
      const res = await fetch(`${t.lanUrl}/d/${r.token!}`, { headers: phone.headers() })
      const a = (await res.json()) as DouyinShareAnswer
      if ('fallback' in a) throw new Error(`fallback ${a.fallback}`)
      const title = new URLSearchParams(a.schema.split('?')[1]).get('title')
      expect(title).toBe(`${captionDate(Date.now(), 'zh-CN')}到店打卡`)
    } finally {
      await owner.invoke('caption-delete', { id: caption.id })
    }
  })

  it('keeps the secret, the client_tokens and the tickets out of the log files and every API answer', async () => {
    await t.stop()
    stopped = true
    const logs = readdirSync(join(dir.path, 'logs'))
      .map((f) => readFileSync(join(dir.path, 'logs', f), 'utf8'))
      .join('')
    expect(logs).toContain('Douyin share signed')
    expect(logs).toContain('Douyin ticket obtained')
    const apis = JSON.stringify(answers)
    const secrets = [SECRET, ...standin.issued.clientTokens, ...standin.issued.tickets]
    expect(secrets.length).toBeGreaterThanOrEqual(5)
    for (const s of secrets) {
      expect(logs).not.toContain(s)
      expect(apis).not.toContain(s)
    }
    // config.json keeps it (0600), as it keeps the Wi-Fi password.
    expect(readFileSync(join(dir.path, 'config.json'), 'utf8')).toContain(SECRET)
  })
})

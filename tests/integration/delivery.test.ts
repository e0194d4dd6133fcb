import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, readyVideo, localClient, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { Phone, PHONE_UA } from '../helpers/phone'
import { clip } from '../helpers/corpus'
import type { Video } from '../../src/shared/contract/videos'

let t: TestHub
let owner: TestSession
let portrait: Video
let small: Video
let other: Video
const files: Record<string, string> = {}
beforeAll(async () => {
  files.portrait = clip('deliver-portrait.mp4', 2, '1080x1920')
  files.small = clip('deliver-small.mp4', 1, '854x480')
  files.other = clip('deliver-other.mp4', 1, '854x480')
  files.pending = clip('deliver-pending.mp4', 1, '854x480')
  t = await startTestHub()
  owner = await setupOwner(t)
  // Phones here tap without downloading, each holding a slot for 30 s; queueing has its own test file.
  await owner.invoke('settings-update', { maxStreams: 1000 })
  portrait = await readyVideo(t, files.portrait!, '春季新品')
  small = await readyVideo(t, files.small!, '小视频')
  other = await readyVideo(t, files.other!, '另一个')
}, 300_000)
afterAll(() => t?.stop())

/** SQLite as it is after the hub's next batch write (taps and transfers are written within ~50 ms). */
function db() {
  t.hub.services.delivery.flush()
  return new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
}

describe('tap → page → media', () => {
  it('creates tags with short unguessable codes and URLs on the hub', async () => {
    const tag = await owner.invoke('tag-create', { videoIds: [portrait.id], label: '收银台' })
    expect(tag.code).toMatch(/^[A-Za-z0-9_-]{12}$/)
    expect(tag.url).toBe(`${t.started.publicUrl}/t/${tag.code}`)
    expect(tag).toMatchObject({ strategy: 'fixed', tier: 'normal', enabled: true, baseUrlReachable: true })
    await expect(owner.invoke('tag-create', { videoIds: [99999] })).rejects.toMatchObject({
      code: 'video-not-found',
    })
    await expect(owner.invoke('tag-create', { videoIds: [] })).rejects.toMatchObject({
      code: 'validation-failed',
    })
  })

  it('serves a small branded page in the phone’s language, records the tap and the transfer, and sets a device cookie', async () => {
    const tag = await owner.invoke('tag-create', { videoIds: [portrait.id], label: '门口' })
    const phone = new Phone(t.lanUrl, PHONE_UA.iphone)
    const r = await phone.tap(tag.code)
    expect(r.status).toBe(200)
    expect(r.bytes).toBeLessThan(30_000)
    expect(r.html).toContain('<html lang="zh-CN">')
    expect(r.html).toContain('春季新品')
    expect(r.html).toContain('保存视频')
    expect(r.html).toContain('iPhone（Safari）')
    expect(phone.cookie).toMatch(/^td_dev=[\w-]{22}$/)
    expect(r.token).toMatch(/^[\w-]{24}$/)
    const en = await new Phone(t.lanUrl, PHONE_UA.android, 'en-US,en;q=0.9').tap(tag.code)
    expect(en.html).toContain('Save video')
    expect(en.html).toContain('<p class="android mine">')
    const d = db()
    const row = d.prepare('SELECT * FROM transfers WHERE token = ?').get(r.token) as Record<string, unknown>
    const tap = d.prepare('SELECT * FROM taps WHERE id = ?').get(row.tap_id) as Record<string, unknown>
    d.close()
    expect(row).toMatchObject({
      tag_code: tag.code,
      video_id: portrait.id,
      rendition: '720p',
      tier: 'normal',
      device_id: phone.cookie!.split('=')[1],
    })
    expect(tap).toMatchObject({
      outcome: 'delivered',
      tag_code: tag.code,
      ip: '127.0.0.1',
      device_id: phone.cookie!.split('=')[1],
    })
    expect(String(tap.user_agent)).toContain('iPhone')
  })

  it('guides WeChat users to open the page in a browser', async () => {
    const tag = await owner.invoke('tag-create', { videoIds: [portrait.id] })
    const r = await new Phone(t.lanUrl, PHONE_UA.wechat).tap(tag.code)
    expect(r.html).toContain('在浏览器打开')
    expect(r.html).toMatch(/<a id="save" class="btn off"(?![^>]*\shref=)/)
  })

  it('continues the same transfer when the same phone taps again, without spending quota', async () => {
    const tag = await owner.invoke('tag-create', { videoIds: [small.id] })
    const phone = new Phone(t.lanUrl)
    const first = await phone.tap(tag.code)
    const again = await phone.tap(tag.code)
    expect(again.token).toBe(first.token)
    const d = db()
    expect(d.prepare('SELECT outcome FROM taps WHERE tag_code = ? ORDER BY id').all(tag.code)).toEqual([
      { outcome: 'delivered' },
      { outcome: 'repeat' },
    ])
    expect(d.prepare('SELECT count(*) AS n FROM transfers WHERE tag_code = ?').get(tag.code)).toEqual({
      n: 1,
    })
    d.close()
  })

  it('gives phones 720p, tablets and computers 1080p (configurable)', async () => {
    const tag = await owner.invoke('tag-create', { videoIds: [portrait.id] })
    const rendition = async (ua: string) => {
      const r = await new Phone(t.lanUrl, ua).tap(tag.code)
      const d = db()
      const x = d.prepare('SELECT rendition FROM transfers WHERE token = ?').get(r.token) as {
        rendition: string
      }
      d.close()
      return x.rendition
    }
    expect(await rendition(PHONE_UA.android)).toBe('720p')
    expect(await rendition(PHONE_UA.ipad)).toBe('1080p')
    expect(await rendition(PHONE_UA.desktop)).toBe('1080p')
    await owner.invoke('settings-update', { renditionPhone: '480p' })
    expect(await rendition(PHONE_UA.android)).toBe('480p')
    await owner.invoke('settings-update', { renditionPhone: '720p' })
  })

  it('rotates through a pool, or delivers the least delivered', async () => {
    const rot = await owner.invoke('tag-create', { videoIds: [small.id, other.id] })
    expect(rot.strategy).toBe('rotate')
    const videoOf = async (code: string) => {
      const r = await new Phone(t.lanUrl).tap(code)
      const d = db()
      const x = d.prepare('SELECT video_id FROM transfers WHERE token = ?').get(r.token) as {
        video_id: number
      }
      d.close()
      return x.video_id
    }
    expect([await videoOf(rot.code), await videoOf(rot.code), await videoOf(rot.code)]).toEqual([
      small.id,
      other.id,
      small.id,
    ])
    const least = await owner.invoke('tag-create', {
      videoIds: [small.id, other.id],
      strategy: 'least-delivered',
    })
    const got = [
      await videoOf(least.code),
      await videoOf(least.code),
      await videoOf(least.code),
      await videoOf(least.code),
    ]
    expect(got.filter((v) => v === small.id)).toHaveLength(2)
    // Rebinding changes what the same tag delivers; nothing about the tag's code or URL changes.
    const rebound = await owner.invoke('tag-update', { id: rot.id, videoIds: [portrait.id] })
    expect(rebound.url).toBe(rot.url)
    expect(await videoOf(rot.code)).toBe(portrait.id)
  })

  it('applies the daily quota per phone by tier, and the per-tag cap', async () => {
    await owner.invoke('settings-update', { quotaNormal: 2, quotaVip: 3 })
    const a = await owner.invoke('tag-create', { videoIds: [small.id] })
    const b = await owner.invoke('tag-create', { videoIds: [other.id] })
    const c = await owner.invoke('tag-create', { videoIds: [portrait.id] })
    const vip = await owner.invoke('tag-create', { videoIds: [small.id], tier: 'vip' })
    const phone = new Phone(t.lanUrl)
    expect((await phone.tap(a.code)).status).toBe(200)
    expect((await phone.tap(b.code)).status).toBe(200)
    const over = await phone.tap(c.code)
    expect(over.status).toBe(429)
    expect(over.html).toContain('今天的视频已经领完啦')
    expect(over.token).toBeNull()
    // VIP tags count separately.
    expect((await phone.tap(vip.code)).status).toBe(200)
    const en = new Phone(t.lanUrl, PHONE_UA.android, 'en')
    en.cookie = phone.cookie
    expect((await en.tap(c.code)).html).toContain('Come back and tap again tomorrow.')
    await owner.invoke('settings-update', { quotaNormal: 0 })
    expect((await phone.tap(c.code)).status).toBe(200)

    const capped = await owner.invoke('tag-create', { videoIds: [small.id], dailyCap: 1 })
    expect((await new Phone(t.lanUrl).tap(capped.code)).status).toBe(200)
    const second = await new Phone(t.lanUrl).tap(capped.code)
    expect(second.status).toBe(429)
    expect(second.html).toContain('这个标签今天的视频已经发完啦')
    await owner.invoke('settings-update', { quotaNormal: 3, quotaVip: 10 })
  })

  it('answers unknown, disabled and not-ready tags with a friendly page and the right status', async () => {
    const phone = new Phone(t.lanUrl)
    const unknown = await phone.tap('AAAAAAAAAAAA')
    expect([unknown.status, unknown.html.includes('这个标签还没有启用')]).toEqual([404, true])
    const tag = await owner.invoke('tag-create', { videoIds: [small.id] })
    await owner.invoke('tag-update', { id: tag.id, enabled: false })
    const off = await phone.tap(tag.code)
    expect([off.status, off.html.includes('这个标签已停用')]).toEqual([410, true])
    await t.hub.services.queue.stop() // hold transcoding so the video stays "not ready"
    const pending = await localClient(t).invoke('video-import', { path: files.pending! })
    expect(pending.status).toBe('queued')
    const waiting = await owner.invoke('tag-create', { videoIds: [pending.id!] })
    const notReady = await phone.tap(waiting.code)
    expect([notReady.status, notReady.html.includes('视频正在准备中')]).toEqual([503, true])
    t.hub.services.queue.start()
    const d = db()
    expect(
      (
        d
          .prepare("SELECT outcome FROM taps WHERE tag_code IN ('AAAAAAAAAAAA', ?, ?) ORDER BY id")
          .all(tag.code, waiting.code) as Array<{ outcome: string }>
      ).map((x) => x.outcome),
    ).toEqual(['unknown-tag', 'disabled', 'not-ready'])
    d.close()
  })

  it('serves media only by per-transfer token: the library cannot be enumerated', async () => {
    const phone = new Phone(t.lanUrl)
    for (const path of [
      `/m/${'A'.repeat(24)}`,
      `/m/${small.id}`,
      '/m/',
      '/media/videos/1/720p.mp4',
      `/m/${'A'.repeat(24)}/poster.jpg`,
    ]) {
      const res = await fetch(`${t.lanUrl}${path}`, { headers: phone.headers() })
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type'), path).toContain('text/html')
    }
  })

  it('expires media links after their time', async () => {
    const tag = await owner.invoke('tag-create', { videoIds: [small.id] })
    const phone = new Phone(t.lanUrl)
    const r = await phone.tap(tag.code)
    expect((await phone.download(r.token!)).status).toBe(200)
    // 25 hours pass for this transfer (links last 24 h by default).
    t.hub.services.delivery.records.byToken(r.token!)!.record.createdAt -= 25 * 3_600_000
    const late = await phone.download(r.token!)
    expect(late.status).toBe(410)
    expect(late.bytes.toString()).toContain('链接已过期')
  })

  it('limits taps per address', async () => {
    await owner.invoke('settings-update', { tapRateLimitPerMinute: 20 })
    const tag = await owner.invoke('tag-create', { videoIds: [small.id] })
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await new Phone(t.lanUrl).tap(tag.code)).status)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0)
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200])
    await owner.invoke('settings-update', { tapRateLimitPerMinute: 0 })
  })
})

import { join } from 'node:path'
import Database from 'better-sqlite3'
import QRCode from 'qrcode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestSession } from '../helpers/api'
import { runCli } from '../helpers/cli'
import { clip } from '../helpers/corpus'
import { readyVideo, setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import { Phone, PHONE_UA } from '../helpers/phone'
import { PLATFORM_APP_SCHEME } from '../../src/shared/contract/publish'

// The phone page's publish flow, funnel beacons and store actions over real HTTP (issue 18). The browser half
// (clipboard, buttons, Web Share) is tests/e2e/publish.test.ts.
let t: TestHub
let owner: TestSession
let tagCode: string
let tagId: number
let qr: Buffer
const CAPTIONS = ['到店打卡 {门店} "限定" & 好物 🎉', '第二条文案：{标签位置} 见 😀']

beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  const video = await readyVideo(t, clip('publish-page.mp4', 1, '854x480'), '春季新品')
  await owner.invoke('settings-update', { wifiSsid: '门店-WiFi', wifiPassword: 'store-pass-88' })
  qr = await QRCode.toBuffer('https://u.wechat.com/example-store', { width: 200 })
  await owner.invoke('store-wechat-qr-set', { image: qr.toString('base64') })
  await owner.invoke('store-actions-update', { reviewUrl: 'https://www.dianping.com/shop/12345' })
  await owner.invoke('publish-settings-update', { storeName: '国贸店' })
  const tag = await owner.invoke('tag-create', {
    videoIds: [video.id],
    label: '收银台',
    platforms: ['douyin', 'kuaishou', 'xiaohongshu', 'channels', 'wechat'],
    storeActions: ['wifi', 'wechat', 'coupon', 'review'],
  })
  tagCode = tag.code
  tagId = tag.id
  for (const text of CAPTIONS)
    await owner.invoke('caption-create', { tagId, text, hashtags: ['探店', '春季新品'], poi: '国贸商城' })
}, 300_000)
afterAll(() => t?.stop())

function db() {
  t.hub.services.funnel.flush()
  t.hub.services.delivery.flush()
  return new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
}

function rows(sql: string, ...args: unknown[]): unknown[] {
  const d = db()
  try {
    return d.prepare(sql).all(...args)
  } finally {
    d.close()
  }
}

function beacon(token: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${t.lanUrl}/b/${token}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: t.lanUrl, ...headers },
  })
}

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
const captionOf = (html: string) => unescape(/<p id="cap" class="cap">([^<]*)<\/p>/.exec(html)?.[1] ?? '')

describe('the phone page’s publish part', () => {
  it('shows the caption drawn for each tap (escaped), a button per platform with its app’s scheme, and stays small', async () => {
    const a = await new Phone(t.lanUrl, PHONE_UA.iphone).tap(tagCode)
    const b = await new Phone(t.lanUrl, PHONE_UA.android).tap(tagCode)
    const shown = [captionOf(a.html), captionOf(b.html)]
    // Rotate: two phones in a row get the two captions, variables filled for this tap.
    expect(shown.sort()).toEqual(
      ['到店打卡 国贸店 "限定" & 好物 🎉 #探店 #春季新品', '第二条文案：收银台 见 😀 #探店 #春季新品'].sort(),
    )
    expect(a.html).toContain('&quot;限定&quot; &amp; 好物')
    expect(a.html).not.toContain('"限定"')
    for (const [p, scheme] of Object.entries(PLATFORM_APP_SCHEME))
      expect(a.html).toContain(`data-p="${p}" href="${scheme}"`)
    expect(a.html).toContain('国贸商城')
    // Steps for this phone: the iPhone is told to save to Photos first.
    expect(a.html).toContain('先把视频存到「照片」')
    expect(b.html).toContain('视频已在相册或「下载」里')
    // Page, script and poster: what a phone loads besides the video.
    const script = await (await fetch(`${t.lanUrl}/s/tap.js`)).arrayBuffer()
    const poster = await (await fetch(`${t.lanUrl}/m/${a.token}/poster.jpg`)).arrayBuffer()
    expect(a.bytes + script.byteLength + poster.byteLength).toBeLessThan(30_000)

    // A re-tap (or a reload) shows the caption it got, not the next one.
    const again = new Phone(t.lanUrl, PHONE_UA.iphone)
    const first = await again.tap(tagCode)
    const second = await again.tap(tagCode)
    expect(second.token).toBe(first.token)
    expect(captionOf(second.html)).toBe(captionOf(first.html))
    // The transfer records the caption it showed.
    expect(rows('SELECT caption_id FROM transfers WHERE token = ?', first.token)).toEqual([
      { caption_id: expect.any(Number) },
    ])
  })

  it('shows the store’s blocks in the tag’s order and serves the WeChat QR image from a fixed path', async () => {
    const r = await new Phone(t.lanUrl, PHONE_UA.android, 'en-US').tap(tagCode)
    const order = ['门店-WiFi', 'id="qr-show"', 'id="coupon-get"', 'https://www.dianping.com/shop/12345'].map(
      (s) => r.html.indexOf(s),
    )
    expect(order.every((i) => i > 0)).toBe(true)
    expect([...order].sort((x, y) => x - y)).toEqual(order)
    expect(r.html).toContain('store-pass-88')
    expect(r.html).toContain('Join the store Wi-Fi')
    const img = await fetch(`${t.lanUrl}/i/wechat-qr`)
    expect(img.status).toBe(200)
    expect(img.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await img.arrayBuffer()).equals(qr)).toBe(true)
    expect(
      (await fetch(`${t.lanUrl}/i/wechat-qr`, { headers: { 'If-None-Match': img.headers.get('etag')! } }))
        .status,
    ).toBe(304)
    expect((await fetch(`${t.lanUrl}/i/other`)).status).toBe(404)
  })

  it('offers save only, no caption and no platform buttons, for a tag without platforms', async () => {
    const tag = await owner.invoke('tag-create', {
      videoIds: (await owner.invoke('tag-get', { id: tagId })).videos.map((v) => v.id),
      platforms: [],
    })
    const r = await new Phone(t.lanUrl).tap(tag.code)
    expect(r.html).not.toContain('id="pub"')
    expect(r.html).not.toContain('class="plat"')
    expect(r.html).not.toContain('id="store"')
    expect(r.html).toContain('保存视频')
  })
})

describe('funnel beacons', () => {
  it('stores each step once, derives "saved" from the bytes, and counts what SQLite holds', async () => {
    const phone = new Phone(t.lanUrl)
    const { token } = await phone.tap(tagCode)
    const id = (rows('SELECT id FROM transfers WHERE token = ?', token) as Array<{ id: number }>)[0]!.id
    for (const body of [
      { k: 'played' },
      { k: 'played' },
      { k: 'caption-copied' },
      { k: 'platform-chosen', p: 'xiaohongshu' },
      { k: 'save-pressed' },
    ])
      expect((await beacon(token!, body)).status).toBe(204)
    // A form body, as an old browser's fallback would send it.
    const form = await fetch(`${t.lanUrl}/b/${token}`, {
      method: 'POST',
      body: 'k=review-opened',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(form.status).toBe(204)
    // The page cannot claim a save: only the bytes can. A whole download (?dl=1) can.
    expect((await beacon(token!, { k: 'save-completed' })).status).toBe(400)
    expect(rows("SELECT 1 FROM funnel_events WHERE transfer_id = ? AND kind = 'save-completed'", id)).toEqual(
      [],
    )
    const part = await fetch(`${t.lanUrl}/m/${token}?dl=1`, {
      headers: { ...phone.headers(), Range: 'bytes=0-99' },
    })
    expect(part.status).toBe(206)
    await part.arrayBuffer()
    const whole = await phone.download(token!)
    expect(whole.status).toBe(200)
    const saved = await fetch(`${t.lanUrl}/m/${token}?dl=1`, { headers: phone.headers() })
    await saved.arrayBuffer()
    await new Promise((r) => setTimeout(r, 100))
    const steps = rows(
      'SELECT kind, platform, count FROM funnel_events WHERE transfer_id = ? ORDER BY id',
      id,
    )
    expect(steps).toEqual([
      { kind: 'played', platform: '', count: 2 },
      { kind: 'caption-copied', platform: '', count: 1 },
      { kind: 'platform-chosen', platform: '', count: 1 },
      { kind: 'platform-chosen', platform: 'xiaohongshu', count: 1 },
      { kind: 'save-pressed', platform: '', count: 1 },
      { kind: 'review-opened', platform: '', count: 1 },
      { kind: 'save-completed', platform: '', count: 1 },
    ])
    // The API's funnel equals the rows: this tag, today.
    const since = new Date(Date.now() - 3_600_000).toISOString()
    const { counts } = await owner.invoke('funnel-counts', { since, tagId })
    const n = (kind: string, platform = '') =>
      (
        rows(
          `SELECT count(*) AS n FROM funnel_events WHERE kind = ? AND platform = ? AND tag_id = ?`,
          kind,
          platform,
          tagId,
        ) as Array<{ n: number }>
      )[0]!.n
    expect(counts).toMatchObject({
      taps: (rows('SELECT count(*) AS n FROM transfers WHERE tag_id = ?', tagId) as Array<{ n: number }>)[0]!
        .n,
      played: n('played'),
      copied: n('caption-copied'),
      saved: n('save-completed'),
      savePressed: n('save-pressed'),
      publishedAny: n('platform-chosen'),
      reviewsOpened: n('review-opened'),
    })
    expect(counts.publishChosen.xiaohongshu).toBe(n('platform-chosen', 'xiaohongshu'))
    expect(await owner.invoke('funnel-transfer', { id })).toHaveLength(7)
  })

  it('counts a save only when a save request got the file to its end', async () => {
    const phone = new Phone(t.lanUrl)
    const { token } = await phone.tap(tagCode)
    const id = (rows('SELECT id FROM transfers WHERE token = ?', token) as Array<{ id: number }>)[0]!.id
    const saved = () =>
      rows("SELECT 1 FROM funnel_events WHERE transfer_id = ? AND kind = 'save-completed'", id)
    // The player fetched every byte (the transfer is complete), then the save button's download was cut short
    // after its first bytes: played, not saved.
    expect((await phone.download(token!)).status).toBe(200)
    const start = await fetch(`${t.lanUrl}/m/${token}?dl=1`, {
      headers: { ...phone.headers(), Range: 'bytes=0-99' },
    })
    expect(start.status).toBe(206)
    await start.arrayBuffer()
    await new Promise((r) => setTimeout(r, 100))
    expect(saved()).toEqual([])
    // The download resumed to the end: saved.
    const rest = await fetch(`${t.lanUrl}/m/${token}?dl=1`, {
      headers: { ...phone.headers(), Range: 'bytes=100-' },
    })
    expect(rest.status).toBe(206)
    await rest.arrayBuffer()
    await new Promise((r) => setTimeout(r, 100))
    expect(saved()).toHaveLength(1)
  })

  it('refuses floods, forged tokens, replays, unknown kinds and other sites silently; nothing is stored twice', async () => {
    const { token } = await new Phone(t.lanUrl).tap(tagCode)
    const id = (rows('SELECT id FROM transfers WHERE token = ?', token) as Array<{ id: number }>)[0]!.id
    const refused: Array<[Promise<Response>, number]> = [
      [beacon(token!, { k: 'liked' }), 400],
      [beacon(token!, { k: 'played', extra: true }), 400],
      [beacon(token!, '{"k":'), 400],
      [beacon(token!, { k: 'platform-chosen', p: 'weibo' }), 400],
      [beacon(token!, { k: 'douyin-share-id', i: 'never-signed' }), 400],
      [beacon(token!, { k: 'coupon-claimed' }), 400],
      [beacon('A'.repeat(24), { k: 'played' }), 404],
      [beacon('short', { k: 'played' }), 404],
      [beacon(token!, { k: 'played' }, { Origin: 'http://evil.example' }), 403],
      [beacon(token!, { k: 'played' }, { 'Sec-Fetch-Site': 'cross-site' }), 403],
      [beacon(token!, 'x'.repeat(2000)), 413],
      [fetch(`${t.lanUrl}/b/${token}`), 405],
    ]
    for (const [res, status] of refused) {
      const r = await res
      expect(r.status).toBe(status)
      expect(await r.text()).toBe('')
    }
    expect(rows('SELECT * FROM funnel_events WHERE transfer_id = ?', id)).toEqual([])
    // A flood for one transfer: a burst goes through, the rest is refused; replays never make a second row.
    const answers = await Promise.all(Array.from({ length: 60 }, () => beacon(token!, { k: 'played' })))
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((s) => s === 204).length).toBeGreaterThanOrEqual(5)
    expect(statuses.filter((s) => s === 204).length).toBeLessThanOrEqual(20)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40)
    expect(rows('SELECT kind, count FROM funnel_events WHERE transfer_id = ?', id)).toEqual([
      { kind: 'played', count: statuses.filter((s) => s === 204).length },
    ])
    // One address flooding many transfers' beacons (with the store's tap limit on: four times its rate).
    await owner.invoke('settings-update', { tapRateLimitPerMinute: 10 })
    try {
      const many = await Promise.all(
        Array.from({ length: 30 }, (_, i) => beacon(i % 2 ? token! : 'C'.repeat(24), { k: 'shared' })),
      )
      expect(many.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15)
    } finally {
      await owner.invoke('settings-update', { tapRateLimitPerMinute: 0 })
    }
    // The page keeps working: its media and a new tap are answered as before.
    expect((await fetch(`${t.lanUrl}/m/${token}/poster.jpg`)).status).toBe(200)
    expect((await new Phone(t.lanUrl).tap(tagCode)).status).toBe(200)
  })
})

describe('coupons', () => {
  it('gives each code once among phones asking at the same time, and the same code again to the same phone', async () => {
    const codes = ['Q-001', 'Q-002', 'Q-003', 'Q-004', 'Q-005']
    expect(await owner.invoke('coupon-import', { tagId, codes: [...codes, 'Q-001'] })).toMatchObject({
      added: 5,
      duplicates: 1,
    })
    const phones = Array.from({ length: 12 }, () => new Phone(t.lanUrl))
    const tokens = await Promise.all(phones.map(async (p) => (await p.tap(tagCode)).token!))
    const ask = (token: string) =>
      fetch(`${t.lanUrl}/c/${token}`, { method: 'POST', body: '{}', headers: { Origin: t.lanUrl } })
    // Every phone asks twice at once.
    const answers = await Promise.all([...tokens, ...tokens].map(ask))
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{
      code?: string
      none?: boolean
    }>
    const got = bodies.map((b) => b.code).filter(Boolean) as string[]
    expect(new Set(got)).toEqual(new Set(codes))
    // Five phones have a code, each the same in both answers; the other seven are told none is left.
    for (let i = 0; i < tokens.length; i++) expect(bodies[i]).toEqual(bodies[i + tokens.length])
    expect(answers.filter((r) => r.status === 410)).toHaveLength(14)
    const given = rows(
      'SELECT code, device_id FROM coupons WHERE tag_id = ? AND device_id IS NOT NULL',
      tagId,
    ) as Array<{
      code: string
      device_id: string
    }>
    expect(given).toHaveLength(5)
    expect(new Set(given.map((g) => g.device_id)).size).toBe(5)
    // A phone with a code gets it again later, after tapping again; the funnel counts one claim per transfer.
    const lucky = bodies.findIndex((b) => b.code)
    const again = await phones[lucky]!.tap(tagCode)
    expect(await (await ask(again.token!)).json()).toEqual(bodies[lucky])
    expect(rows("SELECT count(*) AS n FROM funnel_events WHERE kind = 'coupon-claimed'")).toEqual([{ n: 5 }])
    expect(await owner.invoke('coupon-summary', { tagId })).toEqual({ tagId, total: 5, claimed: 5 })
    // Another site, a bad token, a GET: refused.
    expect(
      (await fetch(`${t.lanUrl}/c/${tokens[0]}`, { method: 'POST', headers: { Origin: 'http://x.example' } }))
        .status,
    ).toBe(403)
    expect((await ask('B'.repeat(24))).status).toBe(404)
    expect((await fetch(`${t.lanUrl}/c/${tokens[0]}`)).status).toBe(405)
  })

  it('are imported, counted and cleared from the CLI, and a tag’s store actions set there', async () => {
    const env = { TAPDROP_DATA_DIR: t.dataDir }
    const tag = await owner.invoke('tag-create', {
      videoIds: (await owner.invoke('tag-get', { id: tagId })).videos.map((v) => v.id),
    })
    const up = await runCli(['tag', 'update', String(tag.id), '--store-actions', 'coupon,review', '--json'], {
      env,
    })
    expect(up.code, up.stderr).toBe(0)
    expect(JSON.parse(up.stdout).storeActions).toEqual(['coupon', 'review'])
    const bad = await runCli(['tag', 'update', String(tag.id), '--store-actions', 'lottery'], { env })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--store-actions: unknown store action "lottery"/)
    const imported = await runCli(
      ['coupon', 'import', '--tag', String(tag.id), '--codes', 'Z1,Z2,Q-001', '--json'],
      {
        env,
      },
    )
    expect(imported.code, imported.stderr).toBe(0)
    expect(JSON.parse(imported.stdout)).toMatchObject({ added: 2, duplicates: 1, total: 2, claimed: 0 })
    const cleared = await runCli(['coupon', 'clear', '--tag', String(tag.id), '--json'], { env })
    expect(JSON.parse(cleared.stdout)).toMatchObject({ total: 0, claimed: 0 })
    const review = await runCli(['store', 'review-url', 'http://insecure.example/x'], { env })
    expect(review.code).toBe(2)
    expect(review.stderr).toMatch(/https:\/\//)
  })
})

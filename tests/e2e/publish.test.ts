import { execFileSync } from 'node:child_process'
import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import QRCode from 'qrcode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devices, type Browser, type BrowserContext, type Page } from 'playwright'
import { renderCaption } from '../../src/shared/captions/render'
import { PLATFORM_APP_SCHEME, type Platform } from '../../src/shared/contract/publish'
import type { TestSession } from '../helpers/api'
import { launchChromium, screenshotPath } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { DouyinStandin } from '../helpers/douyin-standin'
import { readyVideo, setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import { PHONE_UA } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'

// The phone page's publish flow in Chromium with phone profiles (issue 18): the caption drawn for the tap, copied
// through the real clipboard, the platforms' schemes, the store actions, the funnel's beacons against SQLite, Web
// Share on HTTPS (the OS sheet cannot exist here: the call is captured in the page), and Douyin's one-tap link
// from a stand-in for Douyin's servers.
const PLATFORMS: Platform[] = ['douyin', 'kuaishou', 'xiaohongshu', 'channels', 'wechat']
const WIFI_PASSWORD = 'store-pass-88'

let browser: Browser
let t: TestHub
let owner: TestSession
let tagUrl: string
let tagId: number

async function setUpStore(hub: TestHub, session: TestSession, name: string) {
  const video = await readyVideo(hub, clip(name, 3, '854x480'), '春季新品 · 门店限定')
  await session.invoke('settings-update', { wifiSsid: '门店-WiFi', wifiPassword: WIFI_PASSWORD })
  const qr = await QRCode.toBuffer('https://u.wechat.com/example-store', { width: 240 })
  await session.invoke('store-wechat-qr-set', { image: qr.toString('base64') })
  await session.invoke('store-actions-update', { reviewUrl: 'https://www.dianping.com/shop/12345' })
  await session.invoke('publish-settings-update', { storeName: '国贸店' })
  const tag = await session.invoke('tag-create', {
    videoIds: [video.id],
    label: '收银台',
    platforms: PLATFORMS,
    storeActions: ['wifi', 'wechat', 'coupon', 'review'],
  })
  await session.invoke('caption-create', {
    tagId: tag.id,
    text: '来{门店}打卡 "春季限定" & 好物 🎉',
    hashtags: ['探店', '春季新品'],
    mentions: ['门店小助手'],
    poi: '国贸商城',
  })
  await session.invoke('caption-create', { tagId: tag.id, text: '{标签位置}旁边拍的 😀', hashtags: ['打卡'] })
  await session.invoke('coupon-import', {
    tagId: tag.id,
    codes: Array.from({ length: 10 }, (_, i) => `SPRING-${100 + i}`),
  })
  return { tag, video }
}

beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  const { tag } = await setUpStore(t, owner, 'publish-e2e.mp4')
  tagUrl = tag.url
  tagId = tag.id
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

async function phone(
  device: 'iPhone 13' | 'Pixel 7',
  locale: 'zh-CN' | 'en-US',
  origin: string,
  extra: { userAgent?: string; ignoreHTTPSErrors?: boolean } = {},
): Promise<BrowserContext> {
  const { defaultBrowserType: _ignored, ...profile } = devices[device]
  const context = await browser.newContext({ ...profile, locale, acceptDownloads: true, ...extra })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
  return context
}

/** What the hub drew for this page's transfer, as the first platform receives it (what "复制文案" copies). */
function drawnFor(hub: TestHub, token: string): Record<Platform, string> {
  hub.hub.services.delivery.flush()
  const found = hub.hub.services.delivery.pageTransfer(token)!
  const r = found.transfer.record
  const caption = hub.hub.services.captions.shown(r.captionId!, r.tagId!)!
  const rendered = renderCaption(caption, found.tag!.platforms, hub.hub.services.publish.limits())
  return Object.fromEntries(rendered.map((c) => [c.platform, c.text])) as Record<Platform, string>
}

function steps(
  hub: TestHub,
  token: string,
): Array<{ kind: string; platform: string; detail: string | null }> {
  hub.hub.services.funnel.flush()
  const db = new Database(join(hub.dataDir, 'tapdrop.db'), { readonly: true })
  try {
    return db
      .prepare(
        'SELECT e.kind, e.platform, e.detail FROM funnel_events e JOIN transfers t ON t.id = e.transfer_id WHERE t.token = ? ORDER BY e.id',
      )
      .all(token) as Array<{ kind: string; platform: string; detail: string | null }>
  } finally {
    db.close()
  }
}

/** Waits (bounded) until the transfer's funnel holds every one of `kinds` (beacons are sent in the background). */
async function stepsArrive(hub: TestHub, token: string, kinds: string[], timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const got = steps(hub, token)
    if (kinds.every((k) => got.some((s) => s.kind === k))) return got
    if (Date.now() > until) throw new Error(`still missing ${kinds.join(', ')}; have ${JSON.stringify(got)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText())
}

async function openTag(
  context: BrowserContext,
  url = tagUrl,
): Promise<{ page: Page; token: string; bytes: number }> {
  const page = await context.newPage()
  let bytes = 0
  page.on('response', async (res) => {
    // Everything but the video itself (and the QR code, fetched only when asked for): page, script, poster.
    if (/\/m\/[\w-]{24}(\?|$)|\/i\/wechat-qr/.test(res.url())) return
    bytes += (await res.body().catch(() => Buffer.alloc(0))).length
  })
  await page.goto(url)
  await page.locator('#player').waitFor()
  await page.waitForLoadState('networkidle')
  const token = (await page.locator('#tap').getAttribute('data-token'))!
  return { page, token, bytes }
}

for (const [device, locale, lang, shot] of [
  ['iPhone 13', 'zh-CN', 'zh-CN', '34-publish-iphone-zh'],
  ['Pixel 7', 'en-US', 'en', '35-publish-android-en'],
  ['iPhone 13', 'en-US', 'en', '34-publish-iphone-en'],
  ['Pixel 7', 'zh-CN', 'zh-CN', '35-publish-android-zh'],
] as const) {
  describe(`the publish flow on ${device} (${locale})`, () => {
    it(
      'shows the tap’s caption, copies exactly it, opens each app by its scheme, and every step reaches the funnel',
      { timeout: 120_000 },
      async () => {
        const context = await phone(device, locale, new URL(tagUrl).origin)
        const { page, token, bytes } = await openTag(context)
        expect(bytes).toBeLessThan(30_000)
        const drawn = drawnFor(t, token)
        expect(await page.locator('#cap').textContent()).toBe(drawn.douyin)

        await page.locator('#copy').click()
        await page.locator('#copy-ok').waitFor()
        expect(await clipboard(page)).toBe(drawn.douyin)

        const buttons = page.locator('.plat')
        expect(await buttons.count()).toBe(PLATFORMS.length)
        for (const [i, p] of PLATFORMS.entries()) {
          expect(await buttons.nth(i).getAttribute('data-p')).toBe(p)
          expect(await buttons.nth(i).getAttribute('href')).toBe(PLATFORM_APP_SCHEME[p])
        }
        // The store's blocks: the Wi-Fi password copied, the QR code shown, a coupon drawn, the review link.
        await page.locator('#wifi-copy').click()
        await expect.poll(() => clipboard(page)).toBe(WIFI_PASSWORD)
        await page.locator('#qr-show').click()
        await expect
          .poll(() => page.locator('#qr').evaluate((img) => (img as HTMLImageElement).naturalWidth))
          .toBe(240)
        await page.locator('#coupon-get').click()
        await page.locator('#coupon-yours').waitFor()
        expect(await page.locator('#coupon-code').textContent()).toMatch(/^SPRING-1\d\d$/)
        const [review] = await Promise.all([context.waitForEvent('page'), page.locator('#review').click()])
        await review.close()

        // Plays (muted, as a phone would after a tap).
        await page.locator('#player').evaluate(async (el) => {
          const v = el as HTMLVideoElement
          v.muted = true
          await v.play()
        })
        await page.locator('#player').evaluate((el) => (el as HTMLVideoElement).pause())

        // Choosing Xiaohongshu copies its text, shows its steps for this phone, and tries to open the app (which
        // does not exist here: the page stays). Last, since leaving for an app may cut what the page still loads.
        await page.evaluate(() => navigator.clipboard.writeText(''))
        await buttons.nth(2).click()
        await page.locator('#steps').waitFor()
        expect(await page.locator('#steps').textContent()).toContain(
          lang === 'en' ? 'Open Xiaohongshu' : '打开小红书',
        )
        // This phone's way to its saved video: Photos on the iPhone, the gallery on Android.
        const savedIn = {
          'iPhone 13': { 'zh-CN': '「照片」', en: 'Photos' },
          'Pixel 7': { 'zh-CN': '相册', en: 'gallery' },
        }
        expect(await page.locator('#steps').textContent()).toContain(savedIn[device][lang])
        await expect.poll(() => clipboard(page)).toBe(drawn.xiaohongshu)
        expect(page.url()).toBe(tagUrl)
        await page.evaluate(() => window.scrollTo(0, 0))
        await page.screenshot({ animations: 'disabled', path: screenshotPath(shot), fullPage: true })

        const got = await stepsArrive(t, token, [
          'played',
          'caption-copied',
          'platform-chosen',
          'wifi-copied',
          'wechat-qr-shown',
          'coupon-claimed',
          'review-opened',
        ])
        expect(got.filter((s) => s.kind === 'platform-chosen')).toEqual([
          { kind: 'platform-chosen', platform: '', detail: 'xiaohongshu' },
          { kind: 'platform-chosen', platform: 'xiaohongshu', detail: null },
        ])
        // Nothing twice: one row per kind (and platform).
        expect(new Set(got.map((s) => `${s.kind}/${s.platform}`)).size).toBe(got.length)
        await context.close()
      },
    )
  })
}

describe('the funnel the console reads', () => {
  it('equals the counts in SQLite after phones used the page', async () => {
    t.hub.services.funnel.flush()
    t.hub.services.delivery.flush()
    const since = new Date(Date.now() - 3_600_000).toISOString()
    const { counts } = await owner.invoke('funnel-counts', { since, tagId })
    const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
    const n = (kind: string, platform = '') =>
      (
        db
          .prepare('SELECT count(*) AS n FROM funnel_events WHERE kind = ? AND platform = ? AND tag_id = ?')
          .get(kind, platform, tagId) as { n: number }
      ).n
    const taps = (
      db.prepare('SELECT count(*) AS n FROM transfers WHERE tag_id = ?').get(tagId) as { n: number }
    ).n
    expect(counts).toMatchObject({
      taps,
      played: n('played'),
      copied: n('caption-copied'),
      publishedAny: n('platform-chosen'),
      wifiCopied: n('wifi-copied'),
      wechatQrShown: n('wechat-qr-shown'),
      couponsClaimed: n('coupon-claimed'),
      reviewsOpened: n('review-opened'),
    })
    expect(counts.publishChosen.xiaohongshu).toBe(n('platform-chosen', 'xiaohongshu'))
    // Four phones (iPhone and Android, zh-CN and en) played and claimed a coupon above.
    expect(counts.played).toBeGreaterThanOrEqual(4)
    expect(counts.couponsClaimed).toBe(4)
    db.close()
  })
})

describe('copying where the clipboard API is missing or refused', () => {
  it('copies through a selected text area on plain HTTP and old browsers', { timeout: 60_000 }, async () => {
    const context = await phone('Pixel 7', 'zh-CN', new URL(tagUrl).origin)
    await context.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true })
    })
    const { page, token } = await openTag(context)
    await page.locator('#copy').click()
    await page.locator('#copy-ok').waitFor()
    // Read back from a page that still has the clipboard API: the system clipboard is shared.
    const reader = await (await phone('Pixel 7', 'zh-CN', new URL(tagUrl).origin)).newPage()
    await reader.goto(`${new URL(tagUrl).origin}/healthz`)
    expect(await clipboard(reader)).toBe(drawnFor(t, token).douyin)
    await reader.context().close()
    await context.close()
  })

  it(
    'leaves the caption visible and selected, with a hint, when nothing can copy',
    { timeout: 60_000 },
    async () => {
      const context = await phone('iPhone 13', 'zh-CN', new URL(tagUrl).origin)
      await context.addInitScript(() => {
        Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true })
        document.execCommand = () => false
      })
      const { page, token } = await openTag(context)
      await page.locator('#copy').click()
      await page.locator('#copy-fail').waitFor()
      expect(await page.locator('#copy-ok').isHidden()).toBe(true)
      expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(drawnFor(t, token).douyin)
      expect(await page.locator('#copy-fail').textContent()).toContain('长按')
      // The step is counted all the same: the customer pressed copy and has the words selected.
      await stepsArrive(t, token, ['caption-copied'])
      await context.close()
    },
  )
})

describe('inside WeChat', () => {
  it(
    'keeps "open in browser", still copies the caption, and does not try to leave for another app',
    { timeout: 60_000 },
    async () => {
      const context = await phone('Pixel 7', 'zh-CN', new URL(tagUrl).origin, { userAgent: PHONE_UA.wechat })
      const { page, token } = await openTag(context)
      expect(await page.locator('#wechat-banner').isVisible()).toBe(true)
      expect(await page.locator('#save').getAttribute('href')).toBeNull()
      expect(await page.locator('#pub .warn').first().textContent()).toContain('在浏览器打开')
      await page.locator('#copy').click()
      await page.locator('#copy-ok').waitFor()
      expect(await clipboard(page)).toBe(drawnFor(t, token).douyin)
      await page.locator('.plat[data-p="channels"]').click()
      await page.locator('#steps').waitFor()
      expect(await page.locator('#steps').textContent()).toContain('视频号')
      expect(page.url()).toBe(tagUrl)
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath('36-publish-wechat-zh'),
        fullPage: true,
      })
      await stepsArrive(t, token, ['caption-copied', 'platform-chosen'])
      await context.close()
    },
  )
})

describe('Douyin’s one-tap publish', () => {
  const KEY = 'awe2epublish001'
  const SECRET = 'S3cret-douyin-e2e-0123456789'
  let standin: DouyinStandin
  beforeAll(async () => {
    standin = await new DouyinStandin({ clientKey: KEY, clientSecret: SECRET }).start()
    await owner.invoke('settings-update', {
      douyinClientKey: KEY,
      douyinClientSecret: SECRET,
      douyinApiBaseUrl: standin.url,
      douyinEnabled: true,
    })
  })
  afterAll(async () => {
    await owner.invoke('settings-update', { douyinEnabled: false })
    await standin?.stop()
  })

  it(
    'carries the signed schema with the tap’s caption, and reports its share id',
    { timeout: 60_000 },
    async () => {
      const context = await phone('Pixel 7', 'zh-CN', new URL(tagUrl).origin)
      const { page, token } = await openTag(context)
      const dy = page.locator('#dy')
      await dy.waitFor()
      const href = (await dy.getAttribute('href'))!
      expect(href.startsWith('snssdk1128://openplatform/share?')).toBe(true)
      const q = new URLSearchParams(href.split('?')[1])
      expect(q.get('client_key')).toBe(KEY)
      expect(q.get('share_to_publish')).toBe('1')
      expect(q.get('video_path')).toBe(`${new URL(tagUrl).origin}/m/${token}`)
      const caption = t.hub.services.captions.shown(
        t.hub.services.delivery.pageTransfer(token)!.transfer.record.captionId!,
        tagId,
      )!
      expect(JSON.parse(q.get('hashtag_list')!)).toEqual(caption.hashtags)
      expect(q.get('title')).toContain(caption.text)
      // A reload gets the same link (one share per transfer).
      await page.reload()
      await dy.waitFor()
      expect(await dy.getAttribute('href')).toBe(href)
      expect(standin.calls.shareId).toBe(1)
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath('37-publish-douyin-zh'),
        fullPage: true,
      })
      await dy.click()
      const got = await stepsArrive(t, token, ['douyin-share-id', 'platform-chosen'])
      expect(got.find((s) => s.kind === 'douyin-share-id')?.detail).toBe(q.get('state'))
      await context.close()
    },
  )

  it('falls back to the offline path when Douyin cannot be reached', { timeout: 60_000 }, async () => {
    await standin.down()
    // A changed Douyin setting drops the cached client_token and ticket (as a restart does): Douyin is needed now.
    await owner.invoke('settings-update', { douyinEnabled: false })
    await owner.invoke('settings-update', { douyinEnabled: true })
    const context = await phone('iPhone 13', 'zh-CN', new URL(tagUrl).origin)
    const { page, token } = await openTag(context)
    const answer = await page.evaluate(async (tk) => (await fetch(`/d/${tk}`)).json(), token)
    expect(answer).toEqual({ fallback: 'unreachable' })
    expect(await page.locator('#dy').isHidden()).toBe(true)
    expect(await page.locator('.plat[data-p="douyin"]').getAttribute('href')).toBe('snssdk1128://')
    await page.locator('#copy').click()
    await page.locator('#copy-ok').waitFor()
    await context.close()
    await standin.up()
  })
})

describe('on HTTPS', () => {
  const certs = tempDir()
  let secure: TestHub
  let secureTag: string
  beforeAll(async () => {
    const cert = join(certs.path, 'lan.crt')
    const key = join(certs.path, 'lan.key')
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
        '30',
        '-subj',
        '/CN=tapdrop.test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]),
      { stdio: 'ignore' },
    )
    const dir = tempDir()
    writeFileSync(
      join(dir.path, 'config.json'),
      JSON.stringify({
        adminPort: 0,
        lanPort: 0,
        lanHost: '127.0.0.1',
        mdns: false,
        tapRateLimitPerMinute: 0,
        lanTlsCert: cert,
        lanTlsKey: key,
      }),
    )
    secure = await startTestHub({ dataDir: dir.path })
    const s = await setupOwner(secure)
    secureTag = (await setUpStore(secure, s, 'publish-e2e-https.mp4')).tag.url
  }, 300_000)
  afterAll(async () => {
    await secure?.stop()
    certs.cleanup()
  })

  it('hands the share sheet the video file and the caption text', { timeout: 90_000 }, async () => {
    expect(secureTag.startsWith('https://')).toBe(true)
    const context = await phone('iPhone 13', 'zh-CN', new URL(secureTag).origin, { ignoreHTTPSErrors: true })
    // The OS share sheet cannot exist here: the page's calls are captured instead.
    await context.addInitScript(() => {
      const w = window as unknown as { shared: unknown[] }
      w.shared = []
      Object.defineProperty(navigator, 'canShare', {
        value: (d: { files?: File[] }) => Array.isArray(d.files),
        configurable: true,
      })
      Object.defineProperty(navigator, 'share', {
        value: (d: { files: File[]; text?: string; title?: string }) => {
          w.shared.push({
            files: d.files.map((f) => ({ name: f.name, type: f.type, size: f.size })),
            text: d.text,
            title: d.title,
          })
          return Promise.resolve()
        },
        configurable: true,
      })
    })
    const { page, token } = await openTag(context, secureTag)
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true)
    await page.locator('#share').click()
    await page.waitForFunction(
      () => (window as unknown as { shared: unknown[] }).shared.length > 0,
      undefined,
      {
        timeout: 30_000,
      },
    )
    const shared = await page.evaluate(() => (window as unknown as { shared: unknown[] }).shared)
    const rendition = secure.hub.services.delivery.pageTransfer(token)!.transfer.record
    const file = join(
      secure.dataDir,
      'media',
      'videos',
      String(rendition.videoId),
      `${rendition.rendition}.mp4`,
    )
    expect(shared).toEqual([
      {
        files: [
          {
            name: `春季新品 · 门店限定-${rendition.rendition}.mp4`,
            type: 'video/mp4',
            size: statSync(file).size,
          },
        ],
        text: drawnFor(secure, token).douyin,
        title: '春季新品 · 门店限定',
      },
    ])
    const got = await stepsArrive(secure, token, ['save-pressed', 'shared', 'save-completed'])
    expect(got.map((s) => s.kind)).toContain('caption-copied')
    await context.close()
  })
})

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devices, type Browser, type BrowserContext } from 'playwright'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { launchChromium, screenshotPath } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { Phone } from '../helpers/phone'

let t: TestHub
let owner: TestSession
let browser: Browser
let tagUrl: string
let file: Buffer
beforeAll(async () => {
  const src = clip('phone-e2e.mp4', 6, '1920x1080')
  t = await startTestHub()
  owner = await setupOwner(t)
  const v = await readyVideo(t, src, '春季新品 · 门店限定')
  file = readFileSync(join(t.dataDir, v.renditions.find((r) => r.label === '720p')!.path))
  tagUrl = (await owner.invoke('tag-create', { videoIds: [v.id], label: '收银台' })).url
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

async function phoneContext(
  device: 'iPhone 13' | 'Pixel 7',
  locale: 'zh-CN' | 'en-US',
): Promise<BrowserContext> {
  const { defaultBrowserType: _ignored, ...profile } = devices[device]
  return browser.newContext({ ...profile, locale, acceptDownloads: true })
}

for (const [device, locale, shot] of [
  ['iPhone 13', 'zh-CN', '30-phone-iphone-zh'],
  ['Pixel 7', 'en-US', '31-phone-android-en'],
] as const) {
  describe(`phone page on ${device} (${locale})`, () => {
    it(
      'is small, plays, downloads, and the transfer is completed with the exact byte count',
      { timeout: 120_000 },
      async () => {
        const context = await phoneContext(device, locale)
        const page = await context.newPage()
        let pageBytes = 0
        page.on('response', async (res) => {
          // Everything but the video itself: the page, its script, the poster.
          if (/\/m\/[\w-]{24}(\?|$)/.test(res.url())) return
          pageBytes += (await res.body().catch(() => Buffer.alloc(0))).length
        })
        await page.goto(tagUrl)
        await page.locator('#player').waitFor()
        await page.waitForLoadState('networkidle')
        expect(pageBytes).toBeLessThan(30_000)
        expect(await page.locator('h1').textContent()).toBe('春季新品 · 门店限定')
        const token = (await page.locator('#tap').getAttribute('data-token'))!
        await page.screenshot({ animations: 'disabled', path: screenshotPath(shot), fullPage: true })

        const played = await page.locator('#player').evaluate(async (el) => {
          const v = el as HTMLVideoElement
          v.muted = true
          await v.play()
          await new Promise((r) => setTimeout(r, 1500))
          v.pause()
          return { time: v.currentTime, error: v.error?.code ?? null, w: v.videoWidth }
        })
        expect(played).toMatchObject({ error: null, w: 1280 })
        expect(played.time).toBeGreaterThan(0.5)

        const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save').click()])
        expect(download.suggestedFilename()).toBe('春季新品 · 门店限定-720p.mp4')
        const saved = readFileSync((await download.path())!)
        expect(saved.equals(file)).toBe(true)

        await new Promise((r) => setTimeout(r, 300))
        t.hub.services.delivery.flush()
        const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
        const row = db
          .prepare('SELECT status, bytes_sent, bytes_total, rendition FROM transfers WHERE token = ?')
          .get(token)
        db.close()
        expect(row).toEqual({
          status: 'completed',
          bytes_sent: file.length,
          bytes_total: file.length,
          rendition: '720p',
        })
        await context.close()
      },
    )
  })
}

describe('waiting in line on the phone', () => {
  it('shows its place live and starts by itself when a slot frees up', { timeout: 120_000 }, async () => {
    await owner.invoke('settings-update', { maxStreams: 1 })
    const holder = new Phone(t.lanUrl)
    const held = await holder.tap(new URL(tagUrl).pathname.split('/').pop()!)
    expect(held.position).toBe(0)
    const context = await phoneContext('iPhone 13', 'zh-CN')
    const page = await context.newPage()
    await page.goto(tagUrl)
    await page.locator('#queue-text').waitFor()
    expect(await page.locator('#queue-text').textContent()).toBe('排队中 · 第 1 位')
    expect(await page.locator('#player').getAttribute('src')).toBeNull()
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('32-phone-queued-zh'),
      fullPage: true,
    })
    // The holder finishes: this phone's page starts on its own.
    expect((await holder.download(held.token!)).status).toBe(200)
    await page.waitForFunction(() => !!document.querySelector('#player')?.getAttribute('src'), undefined, {
      timeout: 10_000,
    })
    expect(await page.locator('#queue').isHidden()).toBe(true)
    expect(await page.locator('#save').getAttribute('href')).toMatch(/^\/m\/[\w-]{24}\?dl=1$/)
    await context.close()
    await owner.invoke('settings-update', { maxStreams: 8 })
  })

  it('shows a friendly page when the day’s quota is used (en)', { timeout: 60_000 }, async () => {
    await owner.invoke('settings-update', { quotaNormal: 1 })
    const context = await phoneContext('Pixel 7', 'en-US')
    const page = await context.newPage()
    const second = (
      await owner.invoke('tag-create', {
        videoIds: (await owner.invoke('tag-list', {}))[0]!.videos.map((v) => v.id),
        label: 'Window',
      })
    ).url
    await page.goto(tagUrl)
    const res = await page.goto(second)
    expect(res?.status()).toBe(429)
    expect(await page.locator('h1').textContent()).toBe("You've had today's videos")
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('33-phone-quota-en'),
      fullPage: true,
    })
    await context.close()
    await owner.invoke('settings-update', { quotaNormal: 3 })
  })
})

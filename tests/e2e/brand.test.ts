import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { PHONE_UA } from '../helpers/phone'

let t: TestHub
let owner: TestSession
let browser: Browser
let code: string
beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  const v = await readyVideo(t, clip('brand-video.mp4', 2, '1280x720'), '春季新品')
  code = (await owner.invoke('tag-create', { videoIds: [v.id], label: '收银台' })).code
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

const console_ = (lang: 'zh-CN' | 'en'): Promise<Page> => ownerConsole(browser, t.adminUrl, lang, 1000)

/** The page a customer's phone shows after a tap, in a phone-sized window. */
async function phoneShot(name: string, lang: string): Promise<string> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 780 },
    deviceScaleFactor: 2,
    userAgent: PHONE_UA.iphone,
    locale: lang,
  })
  const page = await context.newPage()
  await page.goto(`${t.lanUrl}/t/${code}`)
  await page.locator('header img').waitFor()
  await page.waitForFunction(() => (document.querySelector('header img') as HTMLImageElement).complete)
  const header = await page.locator('header').innerText()
  await page.screenshot({ animations: 'disabled', path: screenshotPath(name) })
  await context.close()
  return header
}

const primaryOf = (page: Page) =>
  page.getByTestId('brand-save').evaluate((el) => getComputedStyle(el).backgroundColor)

describe('brand profiles in the console and on phones', () => {
  it(
    'switches from TapDrop to a reseller’s brand: console, phone page and locked fields follow (zh-CN, en)',
    { timeout: 120_000 },
    async () => {
      expect(await phoneShot('70-phone-tapdrop-zh', 'zh-CN')).toBe('TapDrop 碰一碰')
      const page = await console_('zh-CN')
      expect(await page.getByTestId('brand-logo').innerText()).toBe('TapDrop 碰一碰')
      await page.getByTestId('nav-brand').click()
      await page.getByTestId('brand-form').waitFor()
      await page.frameLocator('[data-testid=brand-preview]').getByText('碰一碰，把视频带回家').waitFor()
      expect(await primaryOf(page)).toBe('rgb(31, 111, 235)')
      await page.waitForTimeout(300)
      await page.screenshot({ animations: 'disabled', path: screenshotPath('71-brand-tapdrop-zh') })

      await page.getByTestId('brand-profile').click()
      await page.locator('.ant-select-item-option', { hasText: '店小碰' }).click()
      await page.getByTestId('locked-productName').first().waitFor()
      await page.waitForFunction(() => document.title === '店小碰')
      expect(await page.getByTestId('brand-logo').innerText()).toBe('店小碰')
      // antd derives its button colour from the brand's primary (#e8590c): an orange, no longer the blue
      // (read once its colour transition is over).
      await page.waitForTimeout(800)
      const [r, g, b] = (await primaryOf(page)).match(/\d+/g)!.map(Number)
      expect(r).toBeGreaterThan(200)
      expect(g).toBeLessThan(120)
      expect(b).toBeLessThan(60)
      expect(await page.getByTestId('brand-productName-zh-CN').isDisabled()).toBe(true)
      // An unlocked text, edited: the preview follows before saving, the phones after.
      const welcome = page.getByTestId('brand-phone-welcome-zh-CN')
      await welcome.fill('欢迎来到朝阳店，碰一碰看新品')
      await page
        .frameLocator('[data-testid=brand-preview]')
        .getByText('欢迎来到朝阳店，碰一碰看新品')
        .waitFor()
      await page.getByTestId('brand-save').click()
      await page.locator('.ant-message-notice').waitFor()
      await page
        .locator('.ant-message-notice')
        .waitFor({ state: 'detached' })
        .catch(() => {})
      await page.screenshot({ animations: 'disabled', path: screenshotPath('72-brand-shoptap-zh') })
      expect(await phoneShot('73-phone-shoptap-zh', 'zh-CN')).toBe('店小碰')
      expect(await phoneShot('74-phone-shoptap-en', 'en-US')).toBe('ShopTap')

      await page.getByTestId('language-switch').getByText('English').click()
      await page.getByText('Phone page preview').waitFor()
      expect(await page.getByTestId('brand-logo').innerText()).toBe('ShopTap')
      await page.waitForTimeout(500)
      await page.screenshot({ animations: 'disabled', path: screenshotPath('75-brand-shoptap-en') })
      // The login page carries the brand too.
      await page.getByTestId('user-menu').click()
      await page.getByTestId('logout').click()
      await page.getByTestId('login-username').waitFor()
      expect(await page.getByTestId('brand-logo').innerText()).toBe('ShopTap')
      await page.screenshot({ animations: 'disabled', path: screenshotPath('76-login-shoptap-en') })
      await page.context().close()
    },
  )

  it('says in Chinese why an archive is no brand profile (zh-CN)', { timeout: 60_000 }, async () => {
    const page = await console_('zh-CN')
    await page.getByTestId('nav-brand').click()
    const chooser = page.waitForEvent('filechooser')
    await page.getByTestId('brand-import').click()
    await (
      await chooser
    ).setFiles({ name: 'profile.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') })
    const toast = page.locator('.ant-message-notice')
    await toast.waitFor()
    // The hub's English used to follow the Chinese label: "品牌方案有误： not a readable .zip archive (…)".
    expect(await toast.innerText()).toBe('品牌方案有误：不是可读的 .zip 压缩包（开头没有 zip 文件头）')
    await page.context().close()
  })
})

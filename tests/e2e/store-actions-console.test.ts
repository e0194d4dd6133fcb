import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import QRCode from 'qrcode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devices, type Browser, type Page } from 'playwright'
import type { TestSession } from '../helpers/api'
import { consoleAs, launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { readyVideo, setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import { tempDir } from '../helpers/tmp'
import type { Tag } from '../../src/shared/contract/tags'

// The store actions in the console (issue 18, item 6), as a store owner does it without the CLI: the tag form says
// which blocks lack their store-wide value, Settings takes the review link and the WeChat QR image, the tags list
// imports and clears coupon codes, the form's preview shows the blocks in their order, and a phone tapping the tag
// gets them. Counts on screen are checked against the hub's SQLite file.

const SSID = 'Store-WiFi'
const REVIEW = 'https://www.dianping.com/shop/12345'
const dir = tempDir()
let t: TestHub
let owner: TestSession
let browser: Browser
let tag: Tag

beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  const video = await readyVideo(t, clip('store-console.mp4', 2, '640x360'), '春季新品')
  await owner.invoke('settings-update', { wifiSsid: SSID, wifiPassword: 'store-pass-88' })
  tag = await owner.invoke('tag-create', { videoIds: [video.id], label: '收银台', platforms: ['douyin'] })
  await owner.invoke('user-create', { username: 'viewer1', role: 'viewer', password: 'viewer-password-1' })
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

/** The tag's coupon codes as SQLite has them. */
function sqlCoupons(): { total: number; given: number } {
  const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
  try {
    return db
      .prepare('SELECT COUNT(*) AS total, COUNT(device_id) AS given FROM coupons WHERE tag_id = ?')
      .get(tag.id) as { total: number; given: number }
  } finally {
    db.close()
  }
}

function sqlStoreActions(): string[] {
  const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
  try {
    const row = db.prepare('SELECT store_actions AS a FROM tags WHERE id = ?').get(tag.id) as { a: string }
    return JSON.parse(row.a) as string[]
  } finally {
    db.close()
  }
}

/** What the coupon panel shows: imported, given, not given. */
async function shownCounts(page: Page): Promise<{ total: number; given: number; left: number }> {
  const n = async (id: string) =>
    Number(
      (await page.getByTestId(id).locator('.ant-statistic-content-value').innerText()).replace(/\D/g, ''),
    )
  return { total: await n('coupon-total'), given: await n('coupon-claimed'), left: await n('coupon-left') }
}

async function openTagForm(page: Page, edit: string): Promise<void> {
  await page.getByTestId('nav-tags').click()
  await page
    .getByRole('row', { name: /收银台/ })
    .getByRole('button', { name: edit })
    .click()
  await page.getByTestId('tag-store-actions').waitFor()
}

/** The block titles the form's preview shows, in order. */
async function previewBlocks(page: Page): Promise<string[]> {
  return page.frameLocator('[data-testid=tag-preview]').locator('#store .blk > b').allInnerTexts()
}

describe('store actions in the console', () => {
  it('sets them up as a store owner would, and a phone tapping the tag gets them (zh-CN)', async () => {
    const page = await ownerConsole(browser, t.adminUrl, 'zh-CN', 1300)

    // Before Settings has a review link or a QR image, the form says the phone page would leave those out.
    await openTagForm(page, '编辑标签')
    await page.getByTestId('store-action-review').click()
    await page.getByTestId('store-action-wechat').click()
    await page.getByTestId('store-action-wifi').click()
    expect(await page.getByTestId('store-action-missing-review').innerText()).toBe(
      '还没有点评链接：手机页不显示',
    )
    expect(await page.getByTestId('store-action-missing-wechat').innerText()).toBe(
      '还没有上传微信二维码：手机页不显示',
    )
    expect(await page.getByTestId('store-action-missing-wifi').count()).toBe(0)
    await expect.poll(() => previewBlocks(page), { timeout: 5000 }).toEqual(['连接门店 Wi-Fi'])
    await page.keyboard.press('Escape')

    // Settings: a review link that is not https is refused in the form; a real one is kept.
    await page.getByTestId('nav-settings').click()
    const card = page.getByTestId('store-actions-card')
    await card.scrollIntoViewIfNeeded()
    expect(await card.getByTestId('store-wifi').innerText()).toContain(`当前 Wi-Fi：${SSID}`)
    await card.getByTestId('store-qr-none').waitFor()
    await page.getByTestId('store-review-url').fill('http://www.dianping.com/shop/12345')
    await page.getByTestId('store-review-save').click()
    await card.getByText('请填写 https:// 开头的完整网址').waitFor()
    expect((await owner.invoke('store-actions-get', {})).reviewUrl).toBeNull()
    await page.getByTestId('store-review-url').fill(REVIEW)
    await page.getByTestId('store-review-save').click()
    await page.getByText('点评链接已保存').waitFor()
    expect((await owner.invoke('store-actions-get', {})).reviewUrl).toBe(REVIEW)

    // The QR image: a file named .png that is no picture is refused by the hub; the real one is shown.
    const fake = join(dir.path, 'not-a-qr.png')
    writeFileSync(fake, 'this is not a picture at all')
    const qrFile = join(dir.path, 'wechat-qr.png')
    writeFileSync(qrFile, await QRCode.toBuffer('https://u.wechat.com/example-store', { width: 240 }))
    const fileInput = card.locator('input[type=file]')
    await fileInput.setInputFiles(fake)
    await page
      .getByText(
        '输入有误：「图片」不是边长 64–4096 像素的 PNG 或 JPEG 图片（请把微信里的二维码保存为图片后上传）',
      )
      .waitFor()
    expect((await owner.invoke('store-actions-get', {})).wechatQr).toBeNull()
    await fileInput.setInputFiles(qrFile)
    await page.getByText('微信二维码已更新').waitFor()
    const img = card.getByTestId('store-qr-image')
    await expect
      .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 5000 })
      .toBe(240)
    expect(await card.getByTestId('store-qr-info').innerText()).toMatch(/^240×240 像素 · /)
    expect((await owner.invoke('store-actions-get', {})).wechatQr).toMatchObject({ width: 240, height: 240 })
    await page.waitForTimeout(300)
    await card.screenshot({ animations: 'disabled', path: screenshotPath('47-settings-store-actions-zh') })

    // Coupons from the tag's row: pasted codes and a .txt file; a line that is no code stops the import.
    await page.getByTestId('nav-tags').click()
    await page.getByTestId(`tag-coupons-${tag.id}`).click()
    const panel = page.getByTestId('coupons-panel')
    await panel.getByTestId('coupons-not-offered').waitFor()
    expect(await shownCounts(page)).toEqual({ total: 0, given: 0, left: 0 })
    const codes = page.getByTestId('coupon-codes')
    await codes.fill('SPRING 001')
    expect(await page.getByTestId('coupon-count').innerText()).toContain('第 1 行不是有效的券码')
    expect(await page.getByTestId('coupon-import').isDisabled()).toBe(true)
    await codes.fill(Array.from({ length: 10 }, (_, i) => `SPRING-${100 + i}`).join('\n') + '\n\n')
    const txt = join(dir.path, 'codes.txt')
    writeFileSync(txt, 'FILE-1\r\nFILE-2\r\nSPRING-100\r\n')
    await panel.locator('input[type=file]').setInputFiles(txt)
    await expect.poll(() => page.getByTestId('coupon-count').innerText()).toBe('13 个券码')
    await page.getByTestId('coupon-import').click()
    await page.getByText('已导入 12 个；1 个已存在，已跳过').waitFor()
    await expect.poll(() => shownCounts(page)).toEqual({ total: 12, given: 0, left: 12 })
    expect(sqlCoupons()).toEqual({ total: 12, given: 0 })
    // The import's message sits over the drawer's close button at this width (and stays while the pointer is on it).
    await page.mouse.move(0, 0)
    await expect.poll(() => page.locator('.ant-message-notice').count(), { timeout: 15_000 }).toBe(0)
    await page.locator('.ant-drawer-close').click()
    await panel.waitFor({ state: 'detached' })
    await expect.poll(() => page.getByTestId(`tag-coupons-${tag.id}`).innerText()).toBe('0/12')

    // The tag's store actions, in an order of our own; the preview shows the blocks as the phone page will.
    await openTagForm(page, '编辑标签')
    for (const a of ['coupon', 'wechat', 'review', 'wifi'])
      await page.getByTestId(`store-action-${a}`).click()
    await page.getByTestId('store-action-up-review').click()
    expect(
      await page.getByTestId('tag-store-actions').locator('.ant-checkbox-wrapper').allInnerTexts(),
    ).toEqual(['1. 领取优惠券', '2. 给门店写评价', '3. 加门店微信', '4. 连接门店 Wi-Fi'])
    expect(await page.locator('[data-testid^=store-action-missing-]').count()).toBe(0)
    expect(await page.getByTestId('store-action-coupons-left').innerText()).toBe('剩 12 张，共 12 张')
    await expect
      .poll(() => previewBlocks(page), { timeout: 5000 })
      .toEqual(['领取优惠券', '给门店写评价', '加门店微信', '连接门店 Wi-Fi'])
    // The blocks sit under the video: the phone frame is scrolled to them (by the protocol: the frame runs no script).
    await page.frameLocator('[data-testid=tag-preview]').locator('#store').scrollIntoViewIfNeeded()
    await page.waitForTimeout(500)
    await page.screenshot({ animations: 'disabled', path: screenshotPath('48-tag-store-actions-zh') })
    await page.getByTestId('tag-save').click()
    await page.getByText('已保存').first().waitFor()
    expect(sqlStoreActions()).toEqual(['coupon', 'review', 'wechat', 'wifi'])

    // A phone taps the tag: the blocks in that order, and a coupon code of the ones imported.
    const { defaultBrowserType: _ignored, ...iphone } = devices['iPhone 13']
    const phone = await browser.newContext({ ...iphone, locale: 'zh-CN' })
    const tap = await phone.newPage()
    await tap.goto(tag.url)
    expect(await tap.locator('#store .blk > b').allInnerTexts()).toEqual([
      '领取优惠券',
      '给门店写评价',
      '加门店微信',
      '连接门店 Wi-Fi',
    ])
    expect(await tap.locator('#review').getAttribute('href')).toBe(REVIEW)
    await tap.locator('#coupon-get').click()
    await tap.locator('#coupon-yours').waitFor()
    expect(await tap.locator('#coupon-code').innerText()).toMatch(/^(SPRING-1\d\d|FILE-\d)$/)
    await phone.close()
    // The tags list counts it as it happens, without a reload.
    await expect
      .poll(() => page.getByTestId(`tag-coupons-${tag.id}`).innerText(), { timeout: 5000 })
      .toBe('1/12')

    // The console's counts follow SQLite; clearing asks first and keeps the code that was given.
    await page.getByTestId(`tag-coupons-${tag.id}`).click()
    await expect.poll(() => shownCounts(page)).toEqual({ total: 12, given: 1, left: 11 })
    expect(sqlCoupons()).toEqual({ total: 12, given: 1 })
    expect(await panel.getByTestId('coupons-not-offered').count()).toBe(0)
    await page.getByTestId('coupon-clear').click()
    const confirm = page.locator('.ant-modal-confirm')
    expect(await confirm.locator('.ant-modal-confirm-title').innerText()).toBe(
      '清除「收银台」未领取的 11 个券码？',
    )
    await confirm.getByRole('button', { name: /^取\s?消$/ }).click()
    expect(sqlCoupons()).toEqual({ total: 12, given: 1 })
    await page.getByTestId('coupon-clear').click()
    await confirm.getByRole('button', { name: '清除未领取的券码' }).click()
    await page.getByText('未领取的券码已清除').waitFor()
    await expect.poll(() => shownCounts(page)).toEqual({ total: 1, given: 1, left: 0 })
    expect(sqlCoupons()).toEqual({ total: 1, given: 1 })
    expect(await page.getByTestId('coupon-clear').isDisabled()).toBe(true)
    // The import's message sits over the drawer's close button at this width (and stays while the pointer is on it).
    await page.mouse.move(0, 0)
    await expect.poll(() => page.locator('.ant-message-notice').count(), { timeout: 15_000 }).toBe(0)
    await page.locator('.ant-drawer-close').click()
    await panel.waitFor({ state: 'detached' })

    // With no code left, the form says what customers will see.
    await openTagForm(page, '编辑标签')
    expect(await page.getByTestId('store-action-missing-coupon').innerText()).toBe(
      '没有可领的券码：顾客会看到「已经领完啦」',
    )
    await page.context().close()
  })

  it('reads the same in English, with nothing left in Chinese but the store’s own words (en)', async () => {
    const page = await ownerConsole(browser, t.adminUrl, 'en', 1300)
    await page.getByTestId('nav-settings').click()
    const card = page.getByTestId('store-actions-card')
    await card.getByTestId('store-qr-image').waitFor()
    await card.scrollIntoViewIfNeeded()
    expect(await card.locator('.ant-card-head-title').innerText()).toBe('From the store')
    expect(await card.getByTestId('store-wifi').innerText()).toContain(
      'Name and password are set under "NFC reader and store Wi-Fi" on this page',
    )
    expect(await card.innerText()).not.toMatch(/[\u4e00-\u9fff]/)
    await page.waitForTimeout(300)
    await card.screenshot({ animations: 'disabled', path: screenshotPath('47-settings-store-actions-en') })

    await openTagForm(page, 'Edit tag')
    const picker = page.getByTestId('tag-store-actions')
    expect(await picker.locator('.ant-checkbox-wrapper').allInnerTexts()).toEqual([
      '1. Get a coupon',
      '2. Review the store',
      '3. Add the store on WeChat',
      '4. Join the store Wi-Fi',
    ])
    expect(await page.getByTestId('store-action-missing-coupon').innerText()).toBe(
      'No codes left: customers are told they are all given out',
    )
    await page.getByTestId('tag-preview-lang').getByText('English').click()
    await expect
      .poll(() => previewBlocks(page), { timeout: 5000 })
      .toEqual(['Get a coupon', 'Review the store', 'Add the store on WeChat', 'Join the store Wi-Fi'])
    const section = page.locator('.ant-form-item', { has: picker })
    expect(await section.innerText()).not.toMatch(/[\u4e00-\u9fff]/)
    await page.frameLocator('[data-testid=tag-preview]').locator('#store').scrollIntoViewIfNeeded()
    await page.waitForTimeout(500)
    await page.screenshot({ animations: 'disabled', path: screenshotPath('48-tag-store-actions-en') })
    await page.context().close()
  })

  it('shows a viewer the coupon counts without import or clear, as the hub allows', async () => {
    // The console's copy of the QR image is for logged-in people only.
    expect((await fetch(`${t.adminUrl}/media/store/wechat-qr`)).status).toBe(401)
    const page = await consoleAs(browser, t.adminUrl, 'zh-CN', {
      username: 'viewer1',
      password: 'viewer-password-1',
    })
    await page.getByTestId('nav-tags').click()
    await page.getByTestId(`tag-coupons-${tag.id}`).click()
    await expect.poll(() => shownCounts(page)).toEqual({ total: 1, given: 1, left: 0 })
    expect(await page.getByTestId('coupon-import').count()).toBe(0)
    expect(await page.getByTestId('coupon-clear').count()).toBe(0)
    await page.context().close()
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { Phone, PHONE_UA } from '../helpers/phone'

let t: TestHub
let owner: TestSession
let browser: Browser
beforeAll(async () => {
  const a = clip('console-tag-a.mp4', 2, '1280x720')
  const b = clip('console-tag-b.mp4', 2, '1280x720')
  t = await startTestHub()
  owner = await setupOwner(t)
  await readyVideo(t, a, '春季新品')
  await readyVideo(t, b, '会员专享')
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

const loggedIn = (lang: 'zh-CN' | 'en'): Promise<Page> => ownerConsole(browser, t.adminUrl, lang)

describe('tags and transfers in the admin console', () => {
  it('creates a tag in the console, shows its URL and QR code (zh-CN)', { timeout: 120_000 }, async () => {
    const page = await loggedIn('zh-CN')
    await page.getByTestId('nav-tags').click()
    await page.getByTestId('tag-add').click()
    await page.getByTestId('tag-label').fill('收银台')
    await page.getByTestId('tag-videos').click()
    await page.getByTitle('春季新品').click()
    await page.getByTitle('会员专享').click()
    await page.keyboard.press('Escape')
    await page.getByTestId('tag-save').click()
    await page.getByRole('cell', { name: /收银台/ }).waitFor()
    await owner.invoke('tag-create', { videoIds: [2], label: '3号桌', tier: 'vip' })
    await page.getByRole('cell', { name: /3号桌/ }).waitFor()
    const tags = await owner.invoke('tag-list', {})
    const cashier = tags.find((x) => x.label === '收银台')!
    expect(cashier).toMatchObject({
      strategy: 'rotate',
      videos: [{ title: '春季新品' }, { title: '会员专享' }],
    })
    await page.getByTestId(`qr-${cashier.id}`).click()
    await page.locator('.ant-qrcode canvas').waitFor()
    await page
      .locator('.ant-message-notice')
      .waitFor({ state: 'detached' })
      .catch(() => {})
    await page.screenshot({ animations: 'disabled', path: screenshotPath('40-tags-zh') })
    await page.context().close()
  })

  it(
    'takes a daily cap of 0 as none and refuses a negative one under the field, never changing it (zh-CN)',
    { timeout: 120_000 },
    async () => {
      const page = await loggedIn('zh-CN')
      await page.getByTestId('nav-tags').click()
      await page.getByTestId('tag-add').click()
      await page.getByTestId('tag-label').fill('门口')
      // No video yet: one reason under the field, not two.
      await page.getByTestId('tag-save').click()
      await page.getByText('请选择至少一个投放视频').waitFor()
      expect(await page.locator('.ant-form-item-explain-error').allInnerTexts()).toEqual([
        '请选择至少一个投放视频',
      ])
      await page.getByTestId('tag-videos').click()
      await page.getByTitle('春季新品').click()
      await page.keyboard.press('Escape')
      const cap = page.getByTestId('tag-daily-cap')
      await cap.fill('-5')
      await page.getByTestId('tag-save').click()
      await page.getByText('请输入 0 到 1000000 之间的整数').waitFor()
      // What was typed stays as typed: the control does not turn it into another number.
      expect(await cap.inputValue()).toBe('-5')
      expect((await owner.invoke('tag-list', {})).some((x) => x.label === '门口')).toBe(false)
      await cap.fill('0')
      await page.getByTestId('tag-save').click()
      await page.getByRole('cell', { name: /门口/ }).waitFor()
      const door = (await owner.invoke('tag-list', {})).find((x) => x.label === '门口')!
      expect(door.dailyCap).toBeNull()
      // A capped tag says its cap in the list.
      await owner.invoke('tag-update', { id: door.id, dailyCap: 30 })
      await page.getByText('上限 30/天').waitFor()
      await page.screenshot({ animations: 'disabled', path: screenshotPath('40b-tags-cap-zh') })
      // On a 1366 × 768 laptop the table scrolls sideways; a tag's actions stay on screen, the last one clickable.
      await page.setViewportSize({ width: 1366, height: 768 })
      // Measured where the table stands, not scrolled: without the fixed column the button lay past its right edge.
      await page.waitForTimeout(300)
      const scroller = page.getByTestId('tags-table').locator('.ant-table-content').first()
      expect(await scroller.evaluate((e) => e.scrollLeft)).toBe(0)
      expect(await scroller.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true)
      const del = page.getByTestId(`tag-delete-${door.id}`)
      const box = (await del.boundingBox())!
      const visible = (await scroller.boundingBox())!
      expect(box.x + box.width).toBeLessThanOrEqual(visible.x + visible.width)
      expect(box.x + box.width).toBeLessThanOrEqual(1366)
      await page.screenshot({ animations: 'disabled', path: screenshotPath('40c-tags-1366-zh') })
      await page.context().close()
    },
  )

  it('shows a phone’s transfer live and its progress to completed (en)', { timeout: 120_000 }, async () => {
    const page = await loggedIn('en')
    await page.getByTestId('nav-transfers').click()
    await page.getByTestId('transfers-table').waitFor()
    const tag = (await owner.invoke('tag-list', {})).find((x) => x.label === '收银台')!
    const phone = new Phone(t.lanUrl, PHONE_UA.android)
    const r = await phone.tap(tag.code)
    const row = page.getByTestId(/^transfer-status-/).first()
    await row.waitFor({ timeout: 5000 })
    expect(await (await phone.download(r.token!)).status).toBe(200)
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid^=transfer-status-]')?.getAttribute('data-status') ===
        'completed',
      undefined,
      { timeout: 5000 },
    )
    expect(await page.getByText('Completed').first().isVisible()).toBe(true)
    // Let the progress bar's width transition and the queue tile (updated at most 4×/s) settle.
    await page.waitForFunction(
      () => document.querySelector('.ant-statistic-content-value')?.textContent?.trim() === '0',
      undefined,
      { timeout: 5000 },
    )
    await page.waitForTimeout(500)
    await page.screenshot({ animations: 'disabled', path: screenshotPath('41-transfers-en') })
    await page.getByTestId('language-switch').getByText('中文').click()
    await page.getByText('传输记录').first().waitFor()
    await page.screenshot({ animations: 'disabled', path: screenshotPath('42-transfers-zh') })
    await page.getByTestId('nav-tags').click()
    await page.getByRole('cell', { name: /收银台/ }).waitFor()
    await page.getByTestId('language-switch').getByText('English').click()
    await page.getByText('NFC tags').first().waitFor()
    await page.screenshot({ animations: 'disabled', path: screenshotPath('43-tags-en') })
    await page.context().close()
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { setupOwner, startTestHub, type TestHub } from '../helpers/hub'

const KEY = 'awconsole0001'
const SECRET = 'Console-secret-0123456789'

let t: TestHub
let owner: TestSession
let browser: Browser
beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

async function douyinSection(lang: 'zh-CN' | 'en'): Promise<Page> {
  const page = await ownerConsole(browser, t.adminUrl, lang, 1300)
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-douyin-key').waitFor()
  await page.getByTestId('settings-douyin-enabled').scrollIntoViewIfNeeded()
  return page
}

describe('the Douyin part of Settings', () => {
  it('takes the credentials, keeps the secret write-only, and refuses switching on without them (zh-CN)', async () => {
    const page = await douyinSection('zh-CN')
    await page.getByText('抖音发布').first().waitFor()
    expect(await page.getByTestId('settings-douyin-api').inputValue()).toBe('https://open.douyin.com')

    await page.getByTestId('settings-douyin-enabled').click()
    await page.getByTestId('settings-save').click()
    // The hub's reason in Chinese, the field named as the form names it.
    await page
      .getByText(/^输入有误：「.+」开启抖音发布需要 Client Key 和 Client Secret：请先填好这两项$/)
      .waitFor()

    await page.getByTestId('settings-douyin-key').fill(KEY)
    await page.getByTestId('settings-douyin-secret').fill(SECRET)
    await page.getByTestId('settings-douyin-api').fill('http://127.0.0.1:9')
    await page.getByTestId('settings-save').click()
    await page.getByText('设置已保存').waitFor()
    const v = await owner.invoke('settings-get', {})
    expect({
      enabled: v.douyinEnabled.value,
      key: v.douyinClientKey.value,
      secret: v.douyinClientSecret,
      api: v.douyinApiBaseUrl.value,
    }).toEqual({ enabled: true, key: KEY, secret: { set: true, source: 'file' }, api: 'http://127.0.0.1:9' })

    // After saving, the secret is gone from the form: only "set" is shown, and nothing in the page holds it.
    const secret = page.getByTestId('settings-douyin-secret')
    await expect.poll(() => secret.inputValue()).toBe('')
    expect(await secret.getAttribute('placeholder')).toBe('已设置（留空则不变）')
    expect(await page.content()).not.toContain(SECRET)

    // Saving something else leaves the secret as it is.
    await page.getByTestId('settings-douyin-video').fill('https://video.example.com')
    await page.getByTestId('settings-save').click()
    await expect
      .poll(async () => (await owner.invoke('settings-get', {})).douyinVideoBaseUrl.value)
      .toBe('https://video.example.com')
    expect((await owner.invoke('settings-get', {})).douyinClientSecret.set).toBe(true)
    expect(t.hub.config.values.douyinClientSecret).toBe(SECRET)

    await page.context().close()
  })

  const TEXT = {
    'zh-CN': { section: '抖音发布', set: '已设置（留空则不变）', shot: 'zh' },
    en: { section: 'Publish to Douyin', set: 'set (leave empty to keep)', shot: 'en' },
  } as const
  for (const lang of ['zh-CN', 'en'] as const)
    it(`shows the section with the secret as "set" only (${lang})`, async () => {
      const page = await douyinSection(lang)
      await page.getByText(TEXT[lang].section).first().waitFor()
      expect(await page.getByTestId('settings-douyin-secret').getAttribute('placeholder')).toBe(
        TEXT[lang].set,
      )
      expect(await page.getByTestId('settings-douyin-key').inputValue()).toBe(KEY)
      expect(await page.content()).not.toContain(SECRET)
      await page.waitForTimeout(300)
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath(`90-settings-douyin-${TEXT[lang].shot}`),
      })
      await page.context().close()
    })
})

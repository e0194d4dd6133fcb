import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { DouyinStandin } from '../helpers/douyin-standin'
import { loginAs, setupOwner, startTestHub, type TestHub } from '../helpers/hub'

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

  it('checks the saved credentials with Douyin and says what is wrong (zh-CN)', async () => {
    const standin = await new DouyinStandin({ clientKey: KEY, clientSecret: SECRET }).start()
    try {
      const page = await douyinSection('zh-CN')
      const card = page.getByTestId('douyin-card')
      await card.scrollIntoViewIfNeeded()
      const check = async () => {
        await card.getByTestId('douyin-check').click()
        return card.locator('.ant-alert').first()
      }
      // Saved with an address nothing answers at.
      let alert = await check()
      await card.getByTestId('douyin-error').waitFor()
      expect(await alert.innerText()).toContain('连不上抖音开放平台')

      // The stand-in's address, with a secret Douyin does not know.
      await owner.invoke('settings-update', {
        douyinApiBaseUrl: standin.url,
        douyinClientSecret: 'Wrong-secret-000',
      })
      await page.reload()
      await card.waitFor()
      // The result went with the settings it was asked with.
      expect(await card.getByTestId('douyin-error').count()).toBe(0)
      alert = await check()
      await expect.poll(() => alert.innerText()).toContain('抖音拒绝了 Client Key 或 Client Secret')
      expect(await alert.innerText()).toContain('10013')

      await owner.invoke('settings-update', { douyinClientSecret: SECRET })
      await page.reload()
      await card.waitFor()
      await check()
      await card.getByTestId('douyin-ok').waitFor()
      expect(await card.getByTestId('douyin-ok').innerText()).toContain(
        '抖音接受了这组 Client Key 和 Client Secret',
      )
      expect(standin.calls).toMatchObject({ clientToken: 2, ticket: 1 })
      expect(await page.content()).not.toContain(SECRET)
      await card.screenshot({ animations: 'disabled', path: screenshotPath('91-settings-douyin-check-zh') })
      await page.context().close()

      // Admins only: staff may not spend the credentials.
      await owner.invoke('user-create', { username: 'staff9', role: 'staff', password: 'staff-password-9' })
      const staff = await loginAs(t, 'staff9', 'staff-password-9')
      await expect(staff.invoke('douyin-check', {})).rejects.toMatchObject({ code: 'forbidden' })
    } finally {
      await standin.stop()
    }
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
      const card = page.getByTestId('douyin-card')
      await card.scrollIntoViewIfNeeded()
      await card.screenshot({
        animations: 'disabled',
        path: screenshotPath(`91-douyin-card-${TEXT[lang].shot}`),
      })
      await page.context().close()
    })
})

import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { setupOwner, startTestHub, type TestHub } from '../helpers/hub'

// A setting the hub refuses, as a store owner sees it: the reason in the console's language, under the field and
// in the message, with the field named as the form names it. (A zh-CN console showed the hub's English inside its
// Chinese sentence: "输入有误：publicUrl: must look like http://192.168.1.20:8080 (scheme, host and port only)".)

let t: TestHub
let owner: TestSession
let browser: Browser

beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  browser = await launchChromium()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

async function refuseTagAddress(lang: 'zh-CN' | 'en'): Promise<Page> {
  const page = await ownerConsole(browser, t.adminUrl, lang, 1100)
  await page.getByTestId('nav-settings').click()
  // The form fills in from the hub's answer: typing before that would be overwritten by it.
  await expect.poll(() => page.getByTestId('settings-lan-port').inputValue()).not.toBe('')
  await page.getByTestId('settings-public-url').fill('tapdrop.local/tags')
  await page.getByTestId('settings-save').click()
  return page
}

describe('a refused setting', () => {
  it('says why in Chinese in a zh-CN console, under the field and in the message', async () => {
    const page = await refuseTagAddress('zh-CN')
    const why = '必须形如 http://192.168.1.20:8080（只写协议、主机和端口）'
    const toast = page.locator('.ant-message-notice')
    await toast.waitFor()
    expect(await toast.innerText()).toBe(`输入有误：「标签地址（公开基础 URL）」${why}`)
    // Under the field itself, where the owner is looking.
    await page.locator('.ant-form-item-explain-error', { hasText: why }).waitFor()
    await page.getByTestId('settings-public-url').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('settings-refused-zh') })
    // Nothing was saved.
    expect((await owner.invoke('settings-get', {})).publicUrl.value).toBeNull()
    await page.context().close()
  })

  it('keeps a number out of range as typed and says the range, instead of saving another number (zh-CN)', async () => {
    const page = await ownerConsole(browser, t.adminUrl, 'zh-CN', 1100)
    await page.getByTestId('nav-settings').click()
    await expect.poll(() => page.getByTestId('settings-lan-port').inputValue()).not.toBe('')
    const quota = page.getByTestId('settings-quota-normal')
    const before = (await owner.invoke('settings-get', {})).quotaNormal.value
    // -1 used to be clamped to 0 on leaving the field and saved: 0 is "no limit".
    await quota.fill('-1')
    await page.getByTestId('settings-save').click()
    await page.locator('.ant-form-item-explain-error', { hasText: /请输入 0 到 \d+ 之间的整数/ }).waitFor()
    expect(await quota.inputValue()).toBe('-1')
    expect((await owner.invoke('settings-get', {})).quotaNormal.value).toBe(before)
    await page.context().close()
  })

  it('says why in English in an English console', async () => {
    const page = await refuseTagAddress('en')
    const toast = page.locator('.ant-message-notice')
    await toast.waitFor()
    expect(await toast.innerText()).toMatch(
      /^Invalid input: .+: must look like http:\/\/192\.168\.1\.20:8080 \(scheme, host and port only\)$/,
    )
    await page.screenshot({ path: screenshotPath('settings-refused-en') })
    await page.context().close()
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, type TestHub } from '../helpers/hub'
import { launchChromium, screenshotPath } from '../helpers/browser'

let t: TestHub
let browser: Browser
beforeAll(async () => {
  t = await startTestHub()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

async function newPage(lang: 'zh-CN' | 'en'): Promise<Page> {
  const context = await browser.newContext({ locale: lang, viewport: { width: 1366, height: 860 } })
  const page = await context.newPage()
  // The console remembers the person's language choice; start each context with the one under test.
  await page.addInitScript((l) => localStorage.setItem('tapdrop.lang', l), lang)
  return page
}

async function login(page: Page, username: string, password: string) {
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
}

describe('admin console in Chromium', () => {
  it('first run → owner → login → staff account → staff is kept out of Users → logout (zh-CN)', async () => {
    const page = await newPage('zh-CN')
    await page.goto(t.started.setupUrl!)
    await page.getByText('欢迎使用 TapDrop').waitFor()
    await page.getByTestId('setup-username').fill('owner')
    await page.getByTestId('setup-display-name').fill('王店长')
    await page.getByTestId('setup-password').fill('owner-password-1')
    await page.getByTestId('setup-repeat').fill('owner-password-1')
    await page.screenshot({ animations: 'disabled', path: screenshotPath('01-setup-zh') })
    await page.getByTestId('setup-submit').click()
    await page.getByTestId('hub-info').waitFor()
    expect(new URL(page.url()).hash).toBe('') // the token is gone from the address bar

    // Log out and back in through the login page.
    await page.getByTestId('user-menu').click()
    await page.getByTestId('logout').click()
    await page.getByTestId('login-submit').waitFor()
    // Two-character labels read as words (antd spaced them out: 登 录, 下 架, 删 除).
    expect(await page.getByTestId('login-submit').innerText()).toBe('登录')
    await page.screenshot({ animations: 'disabled', path: screenshotPath('02-login-zh') })
    await login(page, 'owner', 'wrong-password')
    await page.getByTestId('login-error').waitFor()
    expect(await page.getByTestId('login-error').textContent()).toContain('用户名或密码错误')
    await login(page, 'owner', 'owner-password-1')
    await page.getByTestId('hub-info').waitFor()
    expect(await page.getByText('监控大屏').first().isVisible()).toBe(true)
    expect(await page.getByTestId('public-url').textContent()).toBe(t.started.publicUrl)
    await page.screenshot({ animations: 'disabled', path: screenshotPath('03-dashboard-zh') })

    await page.getByTestId('nav-users').click()
    await page.getByTestId('user-add').click()
    await page.getByTestId('new-username').fill('mei')
    await page.getByTestId('new-display-name').fill('小美')
    await page.getByTestId('new-password').fill('mei-password-1')
    await page.getByTestId('user-create-ok').click()
    await page.getByRole('cell', { name: '小美' }).waitFor()
    await page.getByRole('cell', { name: '新建账号' }).first().waitFor()
    await page.locator('.ant-modal-wrap').waitFor({ state: 'hidden' })
    await page.screenshot({ animations: 'disabled', path: screenshotPath('04-users-zh'), fullPage: true })

    // The staff member's own browser.
    const staff = await newPage('zh-CN')
    await staff.goto(t.adminUrl)
    await login(staff, 'mei', 'mei-password-1')
    await staff.getByTestId('hub-info').waitFor()
    expect(await staff.getByTestId('nav-users').count()).toBe(0)
    expect(await staff.getByTestId('nav-settings').count()).toBe(0)
    await staff.goto(`${t.adminUrl}/users`)
    await staff.getByTestId('forbidden').waitFor()
    await staff.screenshot({ animations: 'disabled', path: screenshotPath('05-staff-forbidden-zh') })
    // The server refuses as well, whatever the page shows.
    const direct = await staff.evaluate(async () => {
      const r = await fetch('/api/user-list', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      })
      return { status: r.status, body: await r.json() }
    })
    expect(direct).toEqual({
      status: 403,
      body: {
        error: { code: 'forbidden', message: 'this needs the admin role', details: { needed: 'admin' } },
      },
    })
    await staff.getByTestId('user-menu').click()
    await staff.getByTestId('logout').click()
    await staff.getByTestId('login-submit').waitFor()
    const after = await staff.evaluate(
      async () =>
        (
          await fetch('/api/hub-info', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          })
        ).status,
    )
    expect(after).toBe(401)
    await staff.context().close()
    await page.context().close()
  })

  it('shows the console in English: login, users, settings', async () => {
    const page = await newPage('en')
    await page.goto(t.adminUrl)
    await page.getByText('Store tap-to-video console').waitFor()
    await page.screenshot({ animations: 'disabled', path: screenshotPath('06-login-en') })
    await login(page, 'owner', 'owner-password-1')
    await page.getByTestId('hub-info').waitFor()
    await page.screenshot({ animations: 'disabled', path: screenshotPath('07-dashboard-en') })
    await page.getByTestId('nav-users').click()
    await page.getByRole('cell', { name: '小美' }).waitFor()
    expect(await page.getByText('Audit log').isVisible()).toBe(true)
    await page.screenshot({ animations: 'disabled', path: screenshotPath('08-users-en'), fullPage: true })
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('effective-public-url').waitFor()
    await page.screenshot({ animations: 'disabled', path: screenshotPath('09-settings-en') })
    // Switching language in the header switches the whole console.
    await page.getByTestId('language-switch').getByText('中文').click()
    await page.getByText('系统设置').first().waitFor()
    await page.screenshot({ animations: 'disabled', path: screenshotPath('10-settings-zh') })
    await page.context().close()
  })
})

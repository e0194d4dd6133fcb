import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, type TestHub } from '../helpers/hub'
import { launchChromium, screenshotPath } from '../helpers/browser'

let t: TestHub
let browser: Browser
beforeAll(async () => {
  t = await startTestHub()
  const owner = await setupOwner(t)
  await owner.invoke('user-create', { username: 'mei', role: 'staff', password: 'staff-password-1' })
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

/** Opens the console in `page` and waits until the hub said hello on its event socket. */
async function consoleTab(page: Page): Promise<void> {
  const hello = page
    .waitForEvent('websocket', (ws) => ws.url().endsWith('/api/events'))
    .then((ws) => ws.waitForEvent('framereceived'))
  await page.goto(t.adminUrl)
  await page.getByTestId('hub-info').waitFor()
  await hello
}

it('a console tab left on the dashboard shows the login page when the session is ended in another tab (en)', async () => {
  const context = await browser.newContext({ locale: 'en', viewport: { width: 1200, height: 700 } })
  await context.addInitScript(() => localStorage.setItem('tapdrop.lang', 'en'))
  const first = await context.newPage()
  await first.goto(t.adminUrl)
  await first.getByTestId('login-username').fill('mei')
  await first.getByTestId('login-password').fill('staff-password-1')
  await first.getByTestId('login-submit').click()
  await first.getByTestId('hub-info').waitFor()
  // The same person in a second tab (same session cookie), where they log out.
  const second = await context.newPage()
  await consoleTab(second)
  await consoleTab(first)
  await second.getByTestId('user-menu').click()
  await second.getByTestId('logout').click()
  await second.getByTestId('login-submit').waitFor()
  // Nothing on the first tab asks the hub anything now: only its event socket can tell it the session is over.
  await first.getByTestId('login-submit').waitFor({ timeout: 5000 })
  expect(await first.getByTestId('hub-info').count()).toBe(0)
  // It says why its page went away; the tab that logged out says nothing of the kind.
  expect(await first.getByTestId('login-session-ended').innerText()).toMatch(/^Your session ended/)
  expect(await second.getByTestId('login-session-ended').count()).toBe(0)
  await first.screenshot({ animations: 'disabled', path: screenshotPath('session-ended-login-en') })
  await context.close()
})

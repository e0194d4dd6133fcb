import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright'
import { REPO } from './paths'
import { OWNER } from './hub'

export const CHROMIUM = process.env.TAPDROP_CHROMIUM ?? '/usr/bin/chromium'
export const SCREENSHOTS = join(REPO, 'test-results', 'screenshots')

/** Debian's Chromium driven by Playwright (its own browser download is impossible here). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}; run the set-up command (it installs Debian's chromium)`,
    )
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  })
}

// Screenshots are taken with animations disabled (Playwright finishes CSS transitions first): a refused upload's
// progress bar caught mid-transition was blue or purple instead of red.
export function screenshotPath(name: string): string {
  return join(SCREENSHOTS, `${name}.png`)
}

/** A fresh browser context on the console in `lang`, logged in as the owner, on the dashboard. */
export async function ownerConsole(
  browser: Browser,
  adminUrl: string,
  lang: 'zh-CN' | 'en',
  height = 900,
): Promise<Page> {
  return consoleAs(browser, adminUrl, lang, OWNER, height)
}

/** A console logged in as `who` (a staff member or viewer the test made), in `lang`. */
export async function consoleAs(
  browser: Browser,
  adminUrl: string,
  lang: 'zh-CN' | 'en',
  who: { username: string; password: string },
  height = 900,
): Promise<Page> {
  const context = await browser.newContext({ locale: lang, viewport: { width: 1440, height } })
  const page = await context.newPage()
  await page.addInitScript((l) => localStorage.setItem('tapdrop.lang', l), lang)
  await page.goto(adminUrl)
  await page.getByTestId('login-username').fill(who.username)
  await page.getByTestId('login-password').fill(who.password)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('hub-info').waitFor()
  return page
}

import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright'
import { REPO } from './paths'

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

export function screenshotPath(name: string): string {
  return join(SCREENSHOTS, `${name}.png`)
}

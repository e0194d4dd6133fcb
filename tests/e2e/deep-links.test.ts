import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import { launchChromium, ownerConsole } from '../helpers/browser'
import { clip } from '../helpers/corpus'

// A link to a page of the console (a bookmark, a link in a message, a reload on /videos/3) opens that page: the
// console's scripts must load from any depth of path, not only from the root.
let t: TestHub
let browser: Browser
let videoId: number
beforeAll(async () => {
  t = await startTestHub()
  const owner = await setupOwner(t)
  videoId = (await readyVideo(t, clip('deep-link.mp4', 1, '854x480'), '深链接')).id
  expect(owner).toBeTruthy()
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

describe('links into the console', () => {
  it('open the page they name, at any depth, and survive a reload', async () => {
    const page = await ownerConsole(browser, t.adminUrl, 'zh-CN')
    const scripts: string[] = []
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script')
        scripts.push(`${r.status()} ${r.headers()['content-type']}`)
    })
    await page.goto(`${t.adminUrl}/videos/${videoId}`)
    await page.getByText('深链接').first().waitFor({ timeout: 15_000 })
    await page.reload()
    await page.getByText('深链接').first().waitFor({ timeout: 15_000 })
    await page.goto(`${t.adminUrl}/transfers`)
    await page.getByRole('heading', { name: '传输记录' }).waitFor({ timeout: 15_000 })
    expect(scripts.length).toBeGreaterThan(0)
    for (const s of scripts) expect(s).toMatch(/^200 (text|application)\/javascript/)
    await page.context().close()
  })
})

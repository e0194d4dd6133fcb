import { request } from 'node:http'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, readyVideo, bigRendition, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { Phone, PHONE_UA } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'
import { insertSynthetic } from '../helpers/synthetic'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { silentLogger } from '../../src/main/core/logger'
import type { Tag } from '../../src/shared/contract/tags'

let t: TestHub
let owner: TestSession
let browser: Browser
let tag: Tag
let videoId: number
const dir = tempDir()
const SIZE = 32 << 20

beforeAll(async () => {
  // Two weeks of history from before this hub started (written while it was off, as after an upgrade).
  const { db } = openDatabase(join(dir.path, 'tapdrop.db'), {
    backupsDir: join(dir.path, 'backups'),
    logger: silentLogger(),
  })
  insertSynthetic(db, { transfers: 4000, days: 14, now: Date.now() - 10 * 60_000, tags: 16, videos: 8 })
  closeDatabase(db)
  t = await startTestHub({ dataDir: dir.path })
  owner = await setupOwner(t)
  const v = await readyVideo(t, clip('dashboard-live.mp4', 2, '1280x720'), '春季新品')
  videoId = v.id
  bigRendition(t, v.id, '720p', SIZE)
  tag = await owner.invoke('tag-create', { videoIds: [v.id], label: '收银台' })
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
  dir.cleanup()
})

const loggedIn = (lang: 'zh-CN' | 'en'): Promise<Page> => ownerConsole(browser, t.adminUrl, lang, 1000)

/** A phone on slow Wi-Fi: reads about 8 MB/s, so a 32 MiB file takes a few seconds. */
function slowDownload(phone: Phone, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.lanUrl}/m/${token}`, { headers: phone.headers() }, (res) => {
      let n = 0
      let burst = 0
      res.on('data', (c: Buffer) => {
        n += c.length
        burst += c.length
        if (burst >= 1 << 20) {
          burst = 0
          res.pause()
          setTimeout(() => res.resume(), 120)
        }
      })
      res.on('end', () => resolve(n))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(60_000, () => reject(new Error('download stalled')))
    req.end()
  })
}

function sqlCount(query: string, ...args: unknown[]): number {
  t.hub.services.delivery.flush()
  const d = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
  try {
    return (d.prepare(query).get(...args) as { n: number }).n
  } finally {
    d.close()
  }
}

const tileValue = (page: Page, name: string) =>
  page.getByTestId(`tile-${name}`).locator('.ant-statistic-content-value').innerText()

describe('live monitoring dashboard', () => {
  it(
    'shows a phone’s download within a second, its progress moving, its end, and tiles equal to SQLite (zh-CN, en)',
    { timeout: 120_000 },
    async () => {
      const page = await loggedIn('zh-CN')
      await page.getByTestId('tile-taps').waitFor()
      await page.getByTestId('chart-hours').locator('canvas').waitFor()
      const phone = new Phone(t.lanUrl, PHONE_UA.iphone)
      const t0 = Date.now()
      const r = await phone.tap(tag.code)
      const row = page.getByTestId('live-transfers').locator('tr', { hasText: '收银台' })
      await row.first().waitFor({ timeout: 5000 })
      const appearedMs = Date.now() - t0
      expect(appearedMs).toBeLessThan(1000)

      const download = slowDownload(phone, r.token!)
      const seen = new Set<number>()
      const status = row.first().locator('[data-testid^=transfer-status-]')
      const deadline = Date.now() + 30_000
      while (Date.now() < deadline) {
        const now = await row
          .first()
          .locator('[role=progressbar]')
          .getAttribute('aria-valuenow', { timeout: 1000 })
          .catch(() => null)
        if (now !== null) seen.add(Number(now))
        if ((await status.getAttribute('data-status', { timeout: 1000 })) === 'completed') break
        await page.waitForTimeout(150)
      }
      expect(await download).toBe(SIZE)
      await page.waitForFunction(
        () =>
          document
            .querySelector('[data-testid=live-transfers] [data-testid^=transfer-status-]')
            ?.getAttribute('data-status') === 'completed',
        undefined,
        { timeout: 5000 },
      )
      // Progress moved through the middle, not straight from nothing to done.
      expect([...seen].filter((p) => p > 0 && p < 100).length).toBeGreaterThanOrEqual(2)

      // A tap on a code that is no tag here counts as a tap, and the tile says how many of them were such.
      expect((await new Phone(t.lanUrl).tap('NoSuchCode12')).status).toBe(404)
      await expect
        .poll(() => page.getByTestId('tile-taps').innerText(), { timeout: 5000 })
        .toContain('其中 1 次不属于现有标签')

      // The tiles settle on what SQLite holds (they refresh at most twice a second after a change).
      const today = new Date(new Date().setHours(0, 0, 0, 0)).getTime()
      const expected = {
        taps: sqlCount('SELECT count(*) AS n FROM taps WHERE at >= ?', today),
        completed: sqlCount(
          "SELECT count(*) AS n FROM transfers WHERE created_at >= ? AND status = 'completed'",
          today,
        ),
        failed: sqlCount(
          "SELECT count(*) AS n FROM transfers WHERE created_at >= ? AND status IN ('failed', 'expired')",
          today,
        ),
        queued: 0,
      }
      await page.waitForFunction(
        (n) =>
          document.querySelector('[data-testid=tile-completed] .ant-statistic-content-value')?.textContent ===
          String(n),
        expected.completed,
        { timeout: 5000 },
      )
      for (const [name, n] of Object.entries(expected))
        expect(await tileValue(page, name)).toBe(n.toLocaleString('zh-CN'))
      await page.waitForTimeout(600)
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath('60-dashboard-zh'),
        fullPage: true,
      })

      await page.getByTestId('language-switch').getByText('English').click()
      await page.getByText('Live transfers').waitFor()
      await expect
        .poll(() => page.getByTestId('tile-taps').innerText(), { timeout: 5000 })
        .toContain('1 of them on no tag of this store now')
      await page.waitForTimeout(600)
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath('61-dashboard-en'),
        fullPage: true,
      })
      await page.context().close()
    },
  )

  it(
    'opens a transfer’s timeline from the history, and exports what the filters show (en, zh-CN)',
    { timeout: 60_000 },
    async () => {
      const page = await loggedIn('en')
      await page.getByTestId('nav-transfers').click()
      await page.getByTestId('transfers-table').waitFor()
      // The count the history shows (once its first page has loaded) is every transfer SQLite holds.
      const expected = sqlCount('SELECT count(*) AS n FROM transfers')
      await page.waitForFunction(
        (n) =>
          document
            .querySelector('[data-testid=history-total] .ant-statistic-content-value')
            ?.textContent?.replace(/,/g, '') === String(n),
        expected,
        { timeout: 5000 },
      )
      await page.getByTestId('filter-video').click()
      await page.locator('.ant-select-item-option', { hasText: '春季新品' }).click()
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid=history-total] .ant-statistic-content-value')?.textContent ===
          '1',
        undefined,
        { timeout: 5000 },
      )
      const href = await page.getByTestId('export-csv').getAttribute('href')
      expect(href).toContain(`videoId=${videoId}`)
      await page.getByTestId('transfers-table').locator('tbody tr', { hasText: '收银台' }).first().click()
      await page.getByTestId('transfer-timeline').waitFor()
      const kinds = await page
        .getByTestId('timeline-step')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))
      expect(kinds[0]).toBe('tap')
      expect(kinds).toContain('request')
      expect(kinds.at(-1)).toBe('completed')
      await page.waitForTimeout(400)
      await page.screenshot({ animations: 'disabled', path: screenshotPath('62-transfer-timeline-en') })
      await page.keyboard.press('Escape')
      await page.getByTestId('language-switch').getByText('中文').click()
      await page.getByText('传输记录').first().waitFor()
      await page.waitForTimeout(400)
      await page.screenshot({ animations: 'disabled', path: screenshotPath('63-history-zh') })
      await page.context().close()
    },
  )

  it(
    'shows a notification as it happens and keeps it in the notification centre (zh-CN)',
    { timeout: 60_000 },
    async () => {
      const page = await loggedIn('zh-CN')
      t.hub.services.notifications.transcodeFailed(
        videoId,
        '春季新品',
        'ffmpeg exited with code 1\nInvalid data found when processing input',
      )
      await page.getByText('转码失败').first().waitFor({ timeout: 5000 })
      await page.getByTestId('notification-bell').click()
      const item = page.getByTestId('notification-centre').getByTestId('notification-item').first()
      await item.waitFor()
      expect(await item.getAttribute('data-kind')).toBe('transcode-failed')
      expect(await item.innerText()).toContain('“春季新品”转码失败：Invalid data found when processing input')
      await page.waitForTimeout(400)
      await page.screenshot({ animations: 'disabled', path: screenshotPath('64-notifications-zh') })
      await page.context().close()
    },
  )
})

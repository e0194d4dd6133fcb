import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath, SCREENSHOTS } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { Pcscd, READER_0, VPCD_PORT } from '../nfc/pcscd'
import { VirtualNtag, VirtualReaderSlot } from '../nfc/virtual-ntag'
import { phoneReadsUrl } from '../nfc/decode'
import { join } from 'node:path'

/**
 * Batch mode in the console: Chromium drives the page, the test places tags on the virtual reader behind a real
 * pcscd (started and stopped here by PID), exactly as staff would at the counter.
 */
let pcscd: Pcscd
let t: TestHub
let owner: TestSession
let browser: Browser
const slot = new VirtualReaderSlot(VPCD_PORT)
const batchTags: VirtualNtag[] = []

beforeAll(async () => {
  const file = clip('nfc-batch.mp4', 1, '640x360')
  pcscd = new Pcscd()
  await pcscd.start()
  t = await startTestHub({ env: {} })
  owner = await setupOwner(t)
  await readyVideo(t, file, '春季新品')
  browser = await launchChromium()
}, 300_000)

afterAll(async () => {
  slot.remove()
  await browser?.close()
  await t?.stop()
  await pcscd?.stop()
})

const loggedIn = (lang: 'zh-CN' | 'en'): Promise<Page> => ownerConsole(browser, t.adminUrl, lang)

async function tagOnReader(uid: string | null): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const s = await owner.invoke('nfc-status', {})
    const r = s.readers.find((x) => x.name === READER_0)
    if (r && (uid === null ? r.tag === null : r.tag?.uid === uid)) return
    await new Promise((res) => setTimeout(res, 100))
  }
  throw new Error(`reader never showed ${uid ?? 'no tag'}`)
}

describe('batch mode in the admin console', () => {
  it(
    'programs five tags in a row, each verified and listed with its result (zh-CN)',
    { timeout: 180_000 },
    async () => {
      const page = await loggedIn('zh-CN')
      await page.getByTestId('nav-nfc').click()
      await page.getByTestId('nfc-status').getByText('读卡器服务正常').waitFor()
      await page.getByTestId('batch-videos').click()
      await page.getByTitle('春季新品').click()
      await page.keyboard.press('Escape')
      await page.getByTestId('batch-prefix').fill('门口-')
      await page.getByTestId('batch-start').click()
      await page.getByTestId('batch-running').waitFor()

      const tags = Array.from({ length: 5 }, () => new VirtualNtag({ chip: 'NTAG213' }))
      batchTags.push(...tags)
      for (const [i, tag] of tags.entries()) {
        await slot.place(tag)
        // What staff see: the count goes up once the tag is written and verified.
        await page
          .getByTestId('batch-count')
          .getByText(`已写入 ${i + 1} 个`)
          .waitFor({ timeout: 20_000 })
        slot.remove()
        await tagOnReader(null)
      }
      const rows = page.getByTestId('batch-items').locator('tbody tr')
      expect(await rows.count()).toBe(5)
      expect(await page.getByTestId('batch-items').getByText('已写入并校验').count()).toBe(5)
      const batch = (await owner.invoke('nfc-batch-get', {}))!
      expect(batch.items.map((x) => x.tag?.label)).toEqual([
        '门口-01',
        '门口-02',
        '门口-03',
        '门口-04',
        '门口-05',
      ])
      tags.forEach((tag, i) => expect(phoneReadsUrl(tag.userMemory())).toBe(batch.items[i]!.tag!.url))
      await page.screenshot({ animations: 'disabled', path: screenshotPath('50-nfc-batch-zh') })

      // The labels for this batch, as staff would print them.
      await owner.invoke('settings-update', { wifiSsid: '门店WiFi', wifiPassword: 'welcome123' })
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('batch-labels').click(),
      ])
      const pdf = join(SCREENSHOTS, '51-labels-zh.pdf')
      await download.saveAs(pdf)
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-')
      expect(execFileSync('pdftotext', [pdf, '-']).toString()).toContain('门口-05')
      execFileSync('pdftoppm', ['-r', '90', '-png', '-singlefile', pdf, join(SCREENSHOTS, '51-labels-zh')])
      await page.context().close()
    },
  )

  it(
    'asks before overwriting a foreign tag and shows a known tag as such (en)',
    { timeout: 120_000 },
    async () => {
      const page = await loggedIn('en')
      await page.getByTestId('nav-nfc').click()
      await page.getByTestId('batch-running').waitFor()
      const again = new VirtualNtag({ chip: 'NTAG213' })
      // A tag carrying another shop's address.
      const foreign = new VirtualNtag({ chip: 'NTAG215' })
      foreign.memory.set(Buffer.from('031ad1011655046f746865722e6578616d706c652f70726f6d6f2f31fe', 'hex'), 16)
      await slot.place(foreign)
      await page.getByText('Holds other content').waitFor({ timeout: 20_000 })
      expect(phoneReadsUrl(foreign.userMemory())).toBe('https://other.example/promo/1')
      await page.getByTestId(/^overwrite-/).click()
      await page.getByRole('button', { name: 'OK' }).click()
      await page.getByTestId('batch-count').getByText('6 programmed').waitFor({ timeout: 20_000 })
      expect(phoneReadsUrl(foreign.userMemory())).toMatch(/\/t\/[A-Za-z0-9_-]{12}$/)
      slot.remove()
      await tagOnReader(null)

      // The first tag of the batch placed again: identified as ours, not rewritten, and rebound on request.
      const first = batchTags[0]!
      const writes = first.writes
      await slot.place(first)
      await page.getByText('Already one of ours').waitFor({ timeout: 20_000 })
      await page.getByTestId(/^rebind-/).click()
      await page.getByText('Rebound').waitFor()
      expect(first.writes).toBe(writes)
      slot.remove()
      await tagOnReader(null)

      await slot.place(again)
      await page.getByTestId('batch-count').getByText('7 programmed').waitFor({ timeout: 20_000 })
      slot.remove()
      await tagOnReader(null)
      await page.screenshot({ animations: 'disabled', path: screenshotPath('52-nfc-batch-en') })
      await page.getByTestId('batch-stop').click()
      await page.getByTestId('batch-setup').waitFor()
      await page.context().close()
    },
  )

  it(
    'shows "reader service unavailable" while pcscd is stopped and the readers again when it is back (zh-CN)',
    { timeout: 120_000 },
    async () => {
      const page = await loggedIn('zh-CN')
      await page.getByTestId('nav-nfc').click()
      await page.getByTestId('nfc-status').getByText('ACS ACR122U PICC Interface 00 00').waitFor()
      await pcscd.stop()
      await page.getByTestId('nfc-unavailable').getByText('读卡器服务不可用').waitFor({ timeout: 15_000 })
      await page.screenshot({ animations: 'disabled', path: screenshotPath('53-nfc-unavailable-zh') })
      // Starting with no video says what is missing (it showed the field's help line in red).
      await page.getByTestId('batch-start').click()
      await page.getByTestId('batch-setup').getByText('请选择至少一个投放视频').waitFor()
      // A batch started while the service is down waits for it and says so, instead of asking for a tag.
      await page.getByTestId('batch-videos').click()
      await page.getByTitle('春季新品').click()
      await page.keyboard.press('Escape')
      await page.getByTestId('batch-start').click()
      await page.getByTestId('batch-prompt').getByText('读卡器服务不可用，暂时不能写入').waitFor()
      await page.screenshot({ animations: 'disabled', path: screenshotPath('53b-nfc-batch-waiting-zh') })
      await pcscd.start()
      await page
        .getByTestId('nfc-status')
        .getByText('ACS ACR122U PICC Interface 00 00')
        .waitFor({ timeout: 20_000 })
      await page.getByTestId('batch-prompt').getByText('请把标签放到读卡器上').waitFor()
      await page.getByTestId('batch-stop').click()
      await page.getByTestId('batch-setup').waitFor()
      await page.context().close()
    },
  )
})

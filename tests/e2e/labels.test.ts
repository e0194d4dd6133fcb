import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { Phone, type TapAnswer } from '../helpers/phone'

let t: TestHub
let owner: TestSession
let browser: Browser
let code: string
beforeAll(async () => {
  const src = clip('labels-e2e.mp4', 2, '1280x720')
  t = await startTestHub()
  owner = await setupOwner(t)
  const v = await readyVideo(t, src, '春季新品')
  code = (await owner.invoke('tag-create', { videoIds: [v.id], label: '收银台' })).code
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

/** What the console's transfer history shows in the status column of one transfer. */
async function consoleStatus(page: Page, id: number): Promise<string> {
  return (await page.getByTestId(`transfer-status-${id}`).innerText()).trim()
}

/** The Status column of the CSV export, by transfer id, in the language asked for. */
async function csvStatus(page: Page, lang: 'zh-CN' | 'en'): Promise<Map<number, string>> {
  const csv = await page.evaluate(async (l) => (await fetch(`/transfers.csv?lang=${l}`)).text(), lang)
  const [head, ...rows] = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
  const status = head!.split(',').indexOf(lang === 'en' ? 'Status' : '状态')
  return new Map(rows.map((r) => [Number(r.split(',')[0]), r.split(',')[status]!]))
}

/** The line a phone waiting for its turn shows. */
const phoneQueueLine = (tap: TapAnswer) => /<b id="queue-text">([^<]*)<\/b>/.exec(tap.html)?.[1] ?? null

describe('one word per status for console, phone page and CSV', () => {
  it(
    'a pending and a waiting transfer read the same in the console, on the phone and in the CSV (zh-CN, en)',
    { timeout: 120_000 },
    async () => {
      // One download slot: the first phone holds it (pending: admitted, nothing fetched yet), the others wait.
      await owner.invoke('settings-update', { maxStreams: 1 })
      const holder = await new Phone(t.lanUrl).tap(code)
      const waitingZh = await new Phone(t.lanUrl, undefined, 'zh-CN,zh;q=0.9').tap(code)
      const waitingEn = await new Phone(t.lanUrl, undefined, 'en-US,en;q=0.9').tap(code)
      expect([holder.position, waitingZh.position, waitingEn.position]).toEqual([0, 1, 2])
      t.hub.services.delivery.flush()
      const [pending, queuedZh, queuedEn] = (await owner.invoke('transfer-list', { limit: 3 }))
        .map((x) => x.id)
        .sort((a, b) => a - b)

      for (const lang of ['zh-CN', 'en'] as const) {
        const page = await ownerConsole(browser, t.adminUrl, lang)
        await page.getByTestId('nav-transfers').click()
        await page.getByTestId(`transfer-status-${queuedEn}`).waitFor()
        const shown = {
          pending: await consoleStatus(page, pending!),
          queued: await consoleStatus(page, lang === 'en' ? queuedEn! : queuedZh!),
        }
        const csv = await csvStatus(page, lang)
        const phone = phoneQueueLine(lang === 'en' ? waitingEn : waitingZh)
        // The console's word is the one everything else must use.
        expect({
          csvPending: csv.get(pending!),
          csvQueued: csv.get(lang === 'en' ? queuedEn! : queuedZh!),
          phone,
        }).toEqual({
          csvPending: shown.pending,
          csvQueued: shown.queued.split(' · ')[0],
          phone: shown.queued,
        })
        if (lang === 'zh-CN') expect(shown).toEqual({ pending: '待开始', queued: '排队中 · 第 1 位' })
        await page.context().close()
      }
      await owner.invoke('settings-update', { maxStreams: 8 })
    },
  )
})

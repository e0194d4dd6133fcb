import { readFileSync } from 'node:fs'
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChainJob, ChainRecordsStore, ChainStore, ChainSync } from '../../src/shared/contract/chain'
import type { FunnelCounts } from '../../src/shared/contract/funnel'
import { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { startTestCluster, type TestCluster } from '../helpers/ceph'
import { chainEnv, cliJson, hubApi, spawnStore, stopHub, until } from '../helpers/chain'
import { spawnHub, type SpawnedHub } from '../helpers/cli'
import { clip } from '../helpers/corpus'
import { OWNER } from '../helpers/hub'
import { Phone, PHONE_UA } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'

/** The console's chain page against a real Ceph RGW: HQ's list of stores, and a store's sync state. */
const BUCKET = 'chain-console-page'
let ceph: TestCluster
let browser: Browser
const dirs: Array<{ path: string; cleanup(): void }> = []
const procs: SpawnedHub[] = []
let hqDir: string
let storeDir: string

function dir(): string {
  const d = tempDir('tapdrop-chain-ui-')
  dirs.push(d)
  return d.path
}

/** The first-run owner, as the setup link of a spawned hub allows. */
async function owner(h: SpawnedHub): Promise<void> {
  const token = new URL(h.info.setupUrl!).hash.replace('#token=', '')
  await new TestSession(h.info.adminUrl).invoke('auth-setup', { token, ...OWNER })
}

async function openChain(h: SpawnedHub, lang: 'zh-CN' | 'en'): Promise<Page> {
  const page = await ownerConsole(browser, h.info.adminUrl, lang, 1100)
  await page.getByTestId('nav-chain').click()
  return page
}

let hq: SpawnedHub
let store: SpawnedHub
let cashierCode: string

beforeAll(async () => {
  ceph = await startTestCluster()
  await ceph.client().send(new CreateBucketCommand({ Bucket: BUCKET }))
  hqDir = dir()
  hq = await spawnHub(
    hqDir,
    [],
    chainEnv(ceph.cluster, BUCKET, { TAPDROP_STORE_NAME: '总部', TAPDROP_CHAIN_RECORDS_SECONDS: '1' }),
    'hq',
  )
  procs.push(hq)
  await owner(hq)
  const added = await cliJson<{ id: number }>(hqDir, [
    'video',
    'add',
    clip('chain-ui.mp4'),
    '--title',
    '双十二活动',
    '--wait',
  ])
  const job = await cliJson<ChainJob>(hqDir, ['chain', 'publish', String(added.out.id), '--label', '收银台'])
  expect(job.out.status).toBe('done')
  storeDir = dir()
  const names: Record<string, string> = { 'sh-01': '徐家汇店', 'sh-02': '静安店' }
  const started = await Promise.all(
    Object.entries(names).map(([id, name]) =>
      spawnStore(ceph.cluster, BUCKET, id === 'sh-01' ? storeDir : dir(), id, {
        TAPDROP_STORE_NAME: name,
        TAPDROP_CHAIN_POLL_SECONDS: '3600',
        TAPDROP_CHAIN_RECORDS_SECONDS: '1',
      }),
    ),
  )
  procs.push(...started)
  store = started[0]!
  await owner(store)
  for (const h of started) {
    const r = await cliJson<ChainSync>(
      h.info.dataDir,
      ['chain', 'sync', '--wait', '--timeout', '120'],
      150_000,
    )
    expect(r.out.catalogVersion).toBe(1)
  }
  const fromHq = (await hubApi(storeDir)('video-list', {})).find((v) => v.origin === 'chain')!
  cashierCode = (
    await hubApi(storeDir)('tag-create', {
      videoIds: [fromHq.id],
      label: '收银台',
      tier: 'normal',
      dailyCap: null,
    })
  ).code
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all(procs.map((p) => stopHub(p)))
  await ceph?.stop()
  for (const d of dirs) d.cleanup()
}, 120_000)

describe('the chain page of the console', () => {
  it('HQ sees its stores: name, last seen, the catalog applied, up to date', async () => {
    await until(
      'both stores in the bucket',
      async () =>
        (await cliJson<ChainStore[]>(hqDir, ['chain', 'stores'])).out.filter((s) => s.catalogVersion === 1)
          .length === 2,
      30_000,
    )
    for (const lang of ['en', 'zh-CN'] as const) {
      const page = await openChain(hq, lang)
      const table = page.getByTestId('chain-stores')
      await table.getByText('静安店').waitFor()
      const text = await table.innerText()
      expect(text).toContain('徐家汇店')
      expect(text).toContain('sh-02')
      expect(text).toContain(lang === 'en' ? 'up to date' : '已是最新')
      expect(text.match(/v1/g)).toHaveLength(2)
      expect(await page.getByTestId('chain-catalog').innerText()).toContain('双十二活动')
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath(`chain-hq-stores-${lang === 'en' ? 'en' : 'zh'}`),
        fullPage: true,
      })
      await page.context().close()
    }
  })

  it('a store sees its sync state, the campaign on its tag, and the video from HQ', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const page = await openChain(store, lang)
      const card = page.getByTestId('chain-sync-card')
      await card.waitFor()
      const text = await card.innerText()
      expect(text).toContain('v1')
      expect(text).toContain(lang === 'en' ? 'up to date' : '已是最新')
      const all = await page.locator('main').innerText()
      expect(all).toContain('收银台')
      expect(all).toContain('双十二活动')
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath(`chain-store-sync-${lang === 'en' ? 'en' : 'zh'}`),
        fullPage: true,
      })
      await page.context().close()
    }
  })

  it('a store offers no delete for HQ’s video, and its tags list says which tag plays HQ’s campaign', async () => {
    const fromHq = (await hubApi(storeDir)('video-list', {})).find((v) => v.origin === 'chain')!
    const page = await ownerConsole(browser, store.info.adminUrl, 'zh-CN', 1100)
    await page.getByTestId('nav-videos').click()
    const row = page.locator('tr', { hasText: '双十二活动' }).first()
    await row.waitFor()
    // It offered 删除, then refused in English after the confirmation.
    expect(await row.getByRole('button', { name: /删除/ }).count()).toBe(0)
    await page.goto(`${store.info.adminUrl}/videos/${fromHq.id}`)
    await page.getByTestId('renditions-table').waitFor()
    expect(await page.getByRole('button', { name: /删除/ }).count()).toBe(0)
    // The tags list says the tag at 收银台 plays HQ's campaign today (it showed only the tag's own video).
    await page.getByTestId('nav-tags').click()
    await page.locator('[data-testid^="tag-campaign-"]').getByText('今天播总部活动：双十二活动').waitFor()
    await page.screenshot({ animations: 'disabled', path: screenshotPath('chain-store-tags-zh') })
    await page.context().close()
  })

  it('HQ sees what each store shipped: taps, transfers, completed, and when records last arrived', async () => {
    for (let i = 0; i < 3; i++) {
      const phone = new Phone(store.info.lanUrl!, PHONE_UA.iphone)
      const tap = await phone.tap(cashierCode)
      expect(tap.status).toBe(200)
      expect((await phone.download(tap.token!)).status).toBe(200)
    }
    await until(
      'sh-01’s records at HQ',
      async () =>
        (await cliJson<ChainRecordsStore[]>(hqDir, ['chain', 'records', '--refresh'])).out.find(
          (r) => r.store === 'sh-01' && r.completed === 3,
        ),
      60_000,
    )
    for (const lang of ['en', 'zh-CN'] as const) {
      const page = await openChain(hq, lang)
      const card = page.getByTestId('chain-records')
      // The name comes from the stores' status objects (a query of its own): wait for it too.
      await card.getByText('徐家汇店').waitFor()
      const text = await card.innerText()
      expect(text).toContain(lang === 'en' ? 'Records from the stores' : '门店数据')
      expect(text).toMatch(/徐家汇店\s+sh-01\s+3\s+3\s+3 \(100%\)/)
      expect(text).toContain(lang === 'en' ? 'Up to date' : '正常')
      // The chain's campaign video on the 收银台 tags: by placement and by campaign.
      await page.getByTestId('chain-records-placements').getByText('收银台').waitFor()
      expect(await page.getByTestId('chain-records-placements').innerText()).toMatch(
        /收银台\s+1\s+3\s+3 \(100%\)/,
      )
      expect(await page.getByTestId('chain-records-campaigns').innerText()).toMatch(
        /双十二活动\s+1\s+3\s+3 \(100%\)/,
      )
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath(`chain-hq-records-${lang === 'en' ? 'en' : 'zh'}`),
        fullPage: true,
      })
      await page.context().close()
    }
  }, 120_000)

  it('HQ’s chain dashboard: a trend per day, the funnel across stores, failures, a period and a store filter, CSV', async () => {
    // Two customers at 徐家汇店 play, copy the caption, choose Douyin and save; 静安店 ships an object HQ cannot read.
    const lan = store.info.lanUrl!
    for (let i = 0; i < 2; i++) {
      const phone = new Phone(lan, PHONE_UA.android)
      const tap = await phone.tap(cashierCode)
      expect(tap.status).toBe(200)
      for (const body of [{ k: 'played' }, { k: 'caption-copied' }, { k: 'platform-chosen', p: 'douyin' }])
        expect(
          (
            await fetch(`${lan}/b/${tap.token}`, {
              method: 'POST',
              body: JSON.stringify(body),
              headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: lan },
            })
          ).status,
        ).toBe(204)
      await (await fetch(`${lan}/m/${tap.token}?dl=1`, { headers: phone.headers() })).arrayBuffer()
    }
    await ceph
      .client()
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'records/sh-02/not-a-batch.txt', Body: 'hello' }))
    const today = new Date()
    today.setHours(0, 0, 0, 0)
    const funnel = await until(
      'the publishes and the object set aside at HQ',
      async () => {
        const rows = (await cliJson<ChainRecordsStore[]>(hqDir, ['chain', 'records', '--refresh'])).out
        const f = await hubApi(hqDir)('chain-records-funnel', { since: today.toISOString() })
        return rows.find((r) => r.store === 'sh-02')?.quarantined === 1 && f.counts.publishedAny === 2
          ? (f.counts as FunnelCounts)
          : null
      },
      60_000,
    )
    expect(funnel).toMatchObject({ taps: 5, played: 2, saved: 2, copied: 2 })

    for (const lang of ['en', 'zh-CN'] as const) {
      const page = await openChain(hq, lang)
      const board = page.getByTestId('chain-dashboard')
      await board.waitFor()
      // The trend is drawn (ECharts on a canvas).
      await page.getByTestId('chain-trend-chart').locator('canvas').first().waitFor()
      expect(await page.getByTestId('chain-trend').innerText()).toContain(
        lang === 'en' ? 'Per day' : '每日趋势',
      )
      // The funnel across stores: taps that got a video, then each step, with its share.
      const stages = page.getByTestId('chain-funnel')
      await stages.getByTestId('funnel-stage-publishedAny').and(page.locator('[data-count="2"]')).waitFor()
      expect(await stages.getByTestId('funnel-stage-taps').getAttribute('data-count')).toBe('5')
      expect(await stages.innerText()).toContain(lang === 'en' ? 'Platform chosen' : '选择发布平台')
      expect(await stages.getByTestId('funnel-platform-douyin').getAttribute('data-count')).toBe('2')
      // Failures: 静安店's object set aside, named by store; its health says so too.
      const failures = page.getByTestId('chain-failures')
      await failures.getByText('静安店').first().waitFor()
      expect(await failures.innerText()).toMatch(/静安店\s+0\s+0\s+—\s+1/)
      // Under it, the object set aside with why, for whoever looks after the chain.
      const aside = failures.getByTestId('chain-quarantine')
      await aside.locator('code', { hasText: 'records/sh-02/not-a-batch.txt' }).waitFor()
      expect(await aside.innerText()).toContain(
        lang === 'en' ? 'Record objects set aside (newest first)' : '被隔离的数据对象（最新的在前）',
      )
      expect(await aside.innerText()).toContain(
        "records/sh-02/not-a-batch.txt is not a records object's name",
      )
      expect(await page.getByTestId('chain-records').innerText()).toContain(
        lang === 'en' ? '1 set aside' : '1 个已隔离',
      )
      // ECharts draws its entry animation on the canvas (about a second), which Playwright cannot switch off.
      await page.waitForTimeout(1500)
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath(`chain-hq-dashboard-${lang === 'en' ? 'en' : 'zh'}`),
        fullPage: true,
      })

      // The store filter: the funnel is 徐家汇店's alone (静安店 had no taps).
      await page.getByTestId('chain-store-filter').click()
      await page.locator('.ant-select-item-option').filter({ hasText: '静安店' }).click()
      await expect.poll(() => stages.innerText()).toContain('静安店')
      await stages
        .getByText(lang === 'en' ? 'No tap got a video in this period' : '这段时间还没有得到视频的碰一碰')
        .waitFor()
      await page.getByTestId('chain-store-filter').click()
      await page.locator('.ant-select-item-option').filter({ hasText: '徐家汇店' }).click()
      await stages.getByTestId('funnel-stage-taps').and(page.locator('[data-count="5"]')).waitFor()

      // The period: today holds all of it; the CSV of the table is what the table shows.
      await page
        .getByTestId('chain-period')
        .getByText(lang === 'en' ? 'Today' : '今天')
        .click()
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('chain-csv-stores').click(),
      ])
      expect(download.suggestedFilename()).toMatch(/^tapdrop-chain-stores-\d{8}\.csv$/)
      const csv = readFileSync((await download.path())!, 'utf8')
        .replace(/^\uFEFF/, '')
        .split('\r\n')
      expect(csv[0]).toBe(
        lang === 'en'
          ? 'Store ID,Store,Taps,Transfers,Completed,Completed share,Failed,Expired,Funnel steps,Newest record,Last received,Set aside'
          : '门店编号,门店,碰一碰,传输,已完成,完成率,失败,已过期,转化步骤,最新记录,最近接收,已隔离对象',
      )
      expect(csv[1]).toMatch(/^sh-01,徐家汇店,5,5,5,100%,0,0,\d+,[\d: -]+,[\d: -]+,0$/)
      expect(csv[2]).toMatch(/^sh-02,静安店,0,0,0,—,0,0,0,,[\d: -]*,1$/)
      const table = await page.getByTestId('chain-records').innerText()
      expect(table).toMatch(/徐家汇店\s+sh-01\s+5\s+5\s+5 \(100%\)\s+0\s+0/)
      await page.context().close()
    }
  }, 180_000)
})

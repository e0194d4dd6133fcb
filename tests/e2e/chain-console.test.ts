import { CreateBucketCommand } from '@aws-sdk/client-s3'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChainJob, ChainRecordsStore, ChainStore, ChainSync } from '../../src/shared/contract/chain'
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
})

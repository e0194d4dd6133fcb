import { CreateBucketCommand } from '@aws-sdk/client-s3'
import type { Browser, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestCluster, type TestCluster } from '../helpers/ceph'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'

/** The Settings page's chain section, against a real Ceph RGW: entered by hand, checked, never shown back. */
const BUCKET = 'chain-console-test'
let ceph: TestCluster
let t: TestHub
let owner: TestSession
let browser: Browser

beforeAll(async () => {
  ceph = await startTestCluster()
  await ceph.client().send(new CreateBucketCommand({ Bucket: BUCKET }))
  t = await startTestHub()
  owner = await setupOwner(t)
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await t?.stop()
  await ceph?.stop()
})

async function openSettings(lang: 'zh-CN' | 'en'): Promise<Page> {
  const page = await ownerConsole(browser, t.adminUrl, lang, 1900)
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('chain-card').waitFor()
  return page
}

describe('the chain in Settings', () => {
  it('takes the object store by hand, says it is reachable, and never shows the key pair again', async () => {
    const { endpoint, accessKeyId, secretAccessKey } = ceph.cluster.info
    const page = await openSettings('en')
    // The card fills in once the hub has answered: wait for its words, not just for the card.
    await page.getByTestId('chain-card').getByText('Not part of a chain').waitFor()
    await page.getByTestId('settings-chain-endpoint').fill(endpoint)
    await page.getByTestId('settings-chain-bucket').fill(BUCKET)
    await page.getByTestId('settings-chain-access-key').fill(accessKeyId)
    await page.getByTestId('settings-chain-secret-key').fill(secretAccessKey)
    await page.getByTestId('settings-save').click()
    // What is still missing is named as the form names it (it said "chainStoreId").
    await page.getByTestId('chain-card').getByText('Still to set: Store ID').waitFor()
    await page.getByTestId('settings-chain-store-id').fill('sh-xujiahui-01')
    await page.getByTestId('settings-save').click()
    await page.getByText(`Reachable: ${BUCKET} at ${endpoint}`).waitFor()

    // Saved: both key fields are empty again, the access key shows masked, the secret only as set.
    expect(await page.getByTestId('settings-chain-access-key').inputValue()).toBe('')
    expect(await page.getByTestId('settings-chain-secret-key').inputValue()).toBe('')
    expect(await page.getByTestId('settings-chain-access-key').getAttribute('placeholder')).toBe(
      `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)} (leave empty to keep)`,
    )
    const html = await page.content()
    expect(html).not.toContain(secretAccessKey)
    expect(html).not.toContain(accessKeyId)
    await page.getByTestId('settings-chain-role').scrollIntoViewIfNeeded()
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('chain-settings-en'),
      fullPage: true,
    })
    await page.context().close()

    const s = await owner.invoke('chain-status', {})
    expect(s).toMatchObject({ configured: true, reachable: true, storeId: 'sh-xujiahui-01' })
  })

  it('says why the store cannot be reached, in Chinese', async () => {
    await owner.invoke('settings-update', { chainSecretKey: 'not-the-right-secret' })
    const page = await openSettings('zh-CN')
    const error = page.getByTestId('chain-error')
    await error.waitFor()
    expect(await error.innerText()).toContain('对象存储拒绝了访问密钥')
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('chain-settings-zh'),
      fullPage: true,
    })
    await page.context().close()
  })
})

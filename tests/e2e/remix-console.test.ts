import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { consoleAs, launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { clip } from '../helpers/corpus'
import { tempDir } from '../helpers/tmp'
import { Phone } from '../helpers/phone'

// The remix page in Chromium against a real hub: the template editor (clips on a row of thumbnails, pins, in/out
// points, rules), a preview rendered by the hub and played in the page, and the pools with their progress bars.

let dir: { path: string; cleanup(): void }
let t: TestHub
let owner: TestSession
let browser: Browser
let templateId: number
let tagCode: string
beforeAll(async () => {
  // Generated before the hub starts: a synchronous ffmpeg run would stall the hub sharing this event loop.
  const clips = ['门头', '新品', '店内'].map((n, i) => ({
    title: n,
    path: clip(`remix-console-${i}.mp4`, 3, '640x360'),
  }))
  dir = tempDir('tapdrop-remix-console-')
  const data = join(dir.path, 'data')
  mkdirSync(data)
  writeFileSync(
    join(data, 'config.json'),
    JSON.stringify({
      adminPort: 0,
      lanPort: 0,
      lanHost: '127.0.0.1',
      mdns: false,
      remixPoolMin: 2,
      remixPoolMax: 4,
      remixRendition: '480p',
    }),
  )
  t = await startTestHub({ dataDir: data })
  owner = await setupOwner(t)
  const ids: number[] = []
  for (const c of clips) ids.push((await readyVideo(t, c.path, c.title)).id)
  const tpl = await owner.invoke('template-create', {
    name: '春季混剪',
    clips: ids.map((videoId, i) => ({ videoId, pin: i === 0 ? ('first' as const) : null })),
    rules: { clips: 2, seconds: 3, endCardSeconds: 1, lines: ['春季新品 第二件半价'] },
  })
  templateId = tpl.id
  tagCode = (await owner.invoke('tag-create', { templateId, label: '门口' })).code
  const until = Date.now() + 240_000
  while ((await owner.invoke('pool-status', {}))[0]!.ready < 2) {
    if (Date.now() > until) throw new Error('the pool did not fill')
    await new Promise((r) => setTimeout(r, 500))
  }
  browser = await launchChromium()
}, 400_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
  dir?.cleanup()
})

async function remixPage(lang: 'zh-CN' | 'en'): Promise<Page> {
  const page = await ownerConsole(browser, t.adminUrl, lang, 1000)
  await page.getByTestId('nav-remix').click()
  await page.getByTestId('remix-pools').locator('.ant-progress').first().waitFor()
  return page
}

async function editor(page: Page, name: string) {
  await page.getByTestId('new-template').click()
  await page.getByTestId('template-videos').click()
  for (const title of ['门头', '新品', '店内'])
    await page.locator('.ant-select-item-option', { hasText: title }).click()
  await page.keyboard.press('Escape')
  await page.getByTestId('template-timeline').locator('img').nth(2).waitFor()
  // Wait for every thumbnail to have loaded before the screenshot.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="template-timeline"] img')].every(
      (i) => (i as HTMLImageElement).complete,
    ),
  )
  await page.screenshot({ animations: 'disabled', path: screenshotPath(name) })
}

describe('the remix page', () => {
  it(
    'shows the template editor, a played preview, and the pools with progress (zh-CN)',
    { timeout: 180_000 },
    async () => {
      const page = await remixPage('zh-CN')
      await expect(page.getByText('一碰一个新视频').first().isVisible()).resolves.toBe(true)
      await page.getByText('春季混剪').waitFor()
      await editor(page, '95-remix-editor-zh')
      expect(await page.getByTestId('template-timeline').locator('img').count()).toBe(3)
      await page.keyboard.press('Escape')
      await page.getByTestId(`preview-${templateId}`).click()
      const video = page.getByTestId('remix-preview').locator('video')
      await video.waitFor({ timeout: 120_000 })
      // The page can play it: the browser read its header and knows its length.
      await page.waitForFunction(
        () =>
          ((document.querySelector('[data-testid="remix-preview"] video') as HTMLVideoElement | null)
            ?.readyState ?? 0) >= 1,
        undefined,
        { timeout: 30_000 },
      )
      const duration = await video.evaluate((v) => (v as HTMLVideoElement).duration)
      expect(duration).toBeGreaterThan(3.5)
      await page.locator('.ant-table-row-expand-icon').first().click()
      await page.getByText('种子').first().waitFor()
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath('96-remix-pools-zh'),
        fullPage: true,
      })
      await page.context().close()
    },
  )

  it('says in Chinese why a template cannot make a variant (zh-CN)', { timeout: 120_000 }, async () => {
    const page = await remixPage('zh-CN')
    await editor(page, '95b-remix-editor-refused-zh')
    // Three clips of 3 s for 15 s of video: each clip would need 5 s at least.
    await page.locator('.ant-modal-footer .ant-btn-primary').click()
    const toast = page.locator('.ant-message-notice')
    await toast.waitFor()
    const text = await toast.innerText()
    expect(text).toMatch(
      /^这个模板无法生成视频：第 1 个片段（视频 \d+）只有 3\.0 秒，每个片段需要 [\d.]+ 秒（15 秒分成 3 段，最高 [\d.]+ 倍速）/,
    )
    // Nothing of the hub's English in it.
    expect(text).not.toMatch(/[A-Za-z]{2,}/)
    await page.screenshot({ animations: 'disabled', path: screenshotPath('95c-remix-refused-zh') })
    await page.context().close()
  })

  it(
    'names a refused field as the form does, not by its API name (zh-CN)',
    { timeout: 120_000 },
    async () => {
      const page = await remixPage('zh-CN')
      await page.getByTestId('new-template').click()
      // No clip chosen: the hub refuses `clips`, which the form calls 素材片段.
      await page.locator('.ant-modal-footer .ant-btn-primary').click()
      const toast = page.locator('.ant-message-notice')
      await toast.waitFor()
      expect(await toast.innerText()).toBe('输入有误：「素材片段」至少选 1 项')
      await page.context().close()
    },
  )

  it(
    'makes a remix tag in the tag form: the template brings its base video (zh-CN)',
    { timeout: 120_000 },
    async () => {
      const page = await ownerConsole(browser, t.adminUrl, 'zh-CN', 1000)
      await page.getByTestId('nav-tags').click()
      await page.getByTestId('tag-add').click()
      await page.getByTestId('tag-label').fill('收银台')
      await page.getByTestId('tag-template').click()
      await page.locator('.ant-select-item-option', { hasText: '春季混剪' }).click()
      // The base video fills the videos field by itself.
      await page.getByTestId('tag-videos').getByText('门头').waitFor()
      await page.screenshot({ animations: 'disabled', path: screenshotPath('99-remix-tag-form-zh') })
      await page.getByTestId('tag-save').click()
      await page.getByText('收银台').first().waitFor()
      const made = (await owner.invoke('tag-list', {})).find((x) => x.label === '收银台')!
      expect(made.templateId).toBe(templateId)
      expect(made.videos.map((v) => v.title)).toEqual(['门头'])
      // The list says it is a remix tag, and of which template (it showed only the base video).
      await page.getByTestId(`tag-template-${made.id}`).getByText('混剪：春季混剪').waitFor()
      await page.screenshot({ animations: 'disabled', path: screenshotPath('99b-remix-tag-list-zh') })
      await page.context().close()
    },
  )

  it('says why a pool is not refilling, under its tag (zh-CN)', { timeout: 120_000 }, async () => {
    // The disk's floor set above what is free: the pool stops rendering, and the console says why.
    const floor = t.hub.config.values.minFreeDiskMegabytes
    t.hub.config.update({ minFreeDiskMegabytes: 1024 * 1024 })
    try {
      expect((await new Phone(t.lanUrl).tap(tagCode)).status).toBe(200)
      const page = await remixPage('zh-CN')
      const problem = page.locator('[data-testid^="pool-problem-"]').first()
      await problem.waitFor({ timeout: 60_000 })
      expect(await problem.innerText()).toBe('磁盘快满了：腾出空间之前不再生成新视频')
      await page
        .getByTestId('remix-pools')
        .screenshot({ animations: 'disabled', path: screenshotPath('97-remix-pool-problem-zh') })
      await page.context().close()
    } finally {
      t.hub.config.update({ minFreeDiskMegabytes: floor })
    }
  })

  it('says it in English (en)', { timeout: 120_000 }, async () => {
    const page = await remixPage('en')
    await page.getByText('Variant pools').waitFor()
    await page.locator('.ant-table-row-expand-icon').first().click()
    await page.getByText('Seed').first().waitFor()
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('97-remix-pools-en'),
      fullPage: true,
    })
    await editor(page, '98-remix-editor-en')
    await page.context().close()
  })

  it(
    'shows a viewer the templates and pools, without the buttons the hub refuses it (zh-CN)',
    { timeout: 120_000 },
    async () => {
      await owner.invoke('user-create', {
        username: 'viewer1',
        role: 'viewer',
        password: 'viewer-password-1',
      })
      const page = await consoleAs(browser, t.adminUrl, 'zh-CN', {
        username: 'viewer1',
        password: 'viewer-password-1',
      })
      await page.getByTestId('nav-remix').click()
      await page.getByTestId('remix-pools').locator('.ant-progress').first().waitFor()
      await page.getByRole('cell', { name: '春季混剪' }).waitFor()
      expect(await page.getByTestId('new-template').count()).toBe(0)
      expect(await page.getByTestId(`preview-${templateId}`).count()).toBe(0)
      await page.context().close()
    },
  )
})

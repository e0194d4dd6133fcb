import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, type TestHub } from '../helpers/hub'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { badCorpus, clip, goodCorpus } from '../helpers/corpus'

let t: TestHub
let browser: Browser
let landscape: string
beforeAll(async () => {
  // Generated before the hub starts: a synchronous ffmpeg run would stall the hub sharing this event loop.
  landscape = clip('console-landscape.mp4', 8, '1920x1080')
  goodCorpus()
  badCorpus()
  t = await startTestHub()
  await setupOwner(t)
  browser = await launchChromium()
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

const loggedIn = (lang: 'zh-CN' | 'en'): Promise<Page> => ownerConsole(browser, t.adminUrl, lang)

describe('video library in the admin console', () => {
  it(
    'uploads two files with progress, watches them transcode to ready, and plays a rendition (zh-CN)',
    { timeout: 240_000 },
    async () => {
      const page = await loggedIn('zh-CN')
      await page.getByTestId('nav-videos').click()
      await page.getByText('拖拽视频到这里').waitFor()
      const portrait = goodCorpus().find((c) => c.name === 'portrait-hevc-rotated.mov')!.path
      await page.locator('input[type=file]').setInputFiles([landscape, portrait])
      await page.getByTestId('upload-item').nth(1).waitFor()
      // Both files arrive; each shows its own bar and ends as stored.
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-testid=upload-item]')].every(
            (e) => e.getAttribute('data-state') === 'done',
          ),
        undefined,
        { timeout: 60_000 },
      )

      // A transcode in flight shows a live progress bar that moves.
      const bar = page.locator('[data-testid^=progress-]').first()
      await bar.waitFor({ timeout: 60_000 })
      const firstPercent = Number(await bar.getAttribute('data-percent'))
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath('20-videos-transcoding-zh'),
        fullPage: true,
      })
      await page.waitForFunction(
        (p) => {
          const el = document.querySelector('[data-testid^=progress-]')
          return !el || Number(el.getAttribute('data-percent')) > p
        },
        firstPercent,
        { timeout: 60_000 },
      )
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-testid^=status-]')].length === 2 &&
          [...document.querySelectorAll('[data-testid^=status-]')].every(
            (e) => e.getAttribute('data-status') === 'ready',
          ),
        undefined,
        { timeout: 180_000 },
      )
      // The upload list follows the library: once both rows say 可用, their uploads no longer say "queued".
      const library = await page.locator('[data-testid^=status-]').allInnerTexts()
      expect(library.map((x) => x.trim())).toEqual(['可用', '可用'])
      expect(await page.getByTestId('upload-message').allInnerTexts()).toEqual([
        '已保存，转码完成，可以使用',
        '已保存，转码完成，可以使用',
      ])
      await page
        .locator('.ant-message-notice')
        .waitFor({ state: 'detached' })
        .catch(() => {})
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath('21-videos-ready-zh'),
        fullPage: true,
      })

      // Detail page: metadata, renditions, and the preview really plays.
      await page.getByRole('link', { name: 'portrait-hevc-rotated' }).click()
      await page.getByTestId('renditions-table').waitFor()
      expect(await page.getByTestId('renditions-table').locator('tbody tr').count()).toBe(3)
      const played = await page.getByTestId('preview-player').evaluate(async (el) => {
        const v = el as HTMLVideoElement
        v.muted = true
        await v.play()
        await new Promise((r) => setTimeout(r, 1200))
        return { time: v.currentTime, w: v.videoWidth, h: v.videoHeight, error: v.error?.code ?? null }
      })
      expect(played.error).toBeNull()
      expect(played.time).toBeGreaterThan(0.3)
      expect(played.h).toBeGreaterThan(played.w) // portrait stays portrait in the browser too
      await page.getByTestId('preview-player').evaluate((el) => (el as HTMLVideoElement).pause())
      await page.screenshot({
        animations: 'disabled',
        path: screenshotPath('22-video-detail-zh'),
        fullPage: true,
      })
      await page.context().close()
    },
  )

  it('shows refusals in the list and the library in English', { timeout: 120_000 }, async () => {
    const page = await loggedIn('en')
    await page.getByTestId('nav-videos').click()
    const bad = badCorpus().filter((b) => ['song.mp4', 'photo.mp4', 'truncated.mp4'].includes(b.name))
    await page.locator('input[type=file]').setInputFiles(bad.map((b) => b.path))
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid=upload-item]')].filter(
          (e) => e.getAttribute('data-state') === 'refused',
        ).length === 3,
      undefined,
      { timeout: 60_000 },
    )
    const messages = await page.getByTestId('upload-message').allTextContents()
    expect(messages.sort()).toEqual([
      'the file has sound only, no picture',
      'the file is incomplete (an interrupted copy or export?); export or copy it again',
      'this is a still image, not a video',
    ])
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('23-videos-refused-en'),
      fullPage: true,
    })
    await page.getByRole('link', { name: 'console-landscape' }).click()
    await page.getByTestId('renditions-table').waitFor()
    await page.screenshot({
      animations: 'disabled',
      path: screenshotPath('24-video-detail-en'),
      fullPage: true,
    })
    await page.context().close()
  })
})

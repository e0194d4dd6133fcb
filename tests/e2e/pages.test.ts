import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright'
import { startTestHub, setupOwner, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'

let t: TestHub
let owner: TestSession
let browser: Browser
beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  // Something for the audit log to word: an account with a role.
  const kiosk = await owner.invoke('user-create', {
    username: 'kiosk',
    role: 'viewer',
    password: 'kiosk-password',
  })
  await owner.invoke('user-set-role', { userId: kiosk.id, role: 'staff' })
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await t?.stop()
})

/** Each page of the console: where it is, what shows it has loaded (a CSS selector), its title in each language. */
const PAGES = [
  { path: '/', ready: '[data-testid=hub-info]', title: { 'zh-CN': '监控大屏', en: 'Dashboard' } },
  { path: '/videos', ready: '[data-testid=videos-table]', title: { 'zh-CN': '视频素材', en: 'Videos' } },
  { path: '/tags', ready: '[data-testid=tags-table]', title: { 'zh-CN': 'NFC 标签', en: 'NFC tags' } },
  { path: '/nfc', ready: '[data-testid=batch-setup]', title: { 'zh-CN': '写标签', en: 'Program tags' } },
  {
    path: '/transfers',
    ready: '[data-testid=transfers-table]',
    title: { 'zh-CN': '传输记录', en: 'Transfers' },
  },
  {
    path: '/users',
    ready: '[data-testid=audit-table]',
    title: { 'zh-CN': '账号与权限', en: 'Users & roles' },
  },
  {
    path: '/brand',
    ready: '[data-testid=brand-form]',
    frame: '[data-testid=brand-preview]',
    title: { 'zh-CN': '品牌与贴牌', en: 'Branding' },
  },
  { path: '/settings', ready: '[data-testid=media-tools]', title: { 'zh-CN': '系统设置', en: 'Settings' } },
  {
    path: '/account',
    ready: 'input[autocomplete=current-password]',
    title: { 'zh-CN': '修改我的密码', en: 'Change my password' },
  },
] as const

// A translation key that is not found is shown as the key itself (`settings.lanHost`, `label.tier.vip`).
const RAW_KEY =
  /\b(?:app|nav|common|label|settings|dashboard|videos|tags|nfc|brand|history|notify|transfers|users|account|errors)\.[\w.-]+\b/

async function visit(page: Page, { path, ready, frame }: { path: string; ready: string; frame?: string }) {
  await page.evaluate((p) => {
    history.pushState(null, '', p)
    dispatchEvent(new PopStateEvent('popstate'))
  }, path)
  await page.locator(ready).first().waitFor()
  // A page shown in a frame (the brand's phone preview) has loaded once it has a heading.
  if (frame) await page.frameLocator(frame).locator('h1').waitFor()
  // Let transitions end before looking.
  await page.waitForTimeout(400)
}

describe('every console page', () => {
  for (const lang of ['zh-CN', 'en'] as const)
    it(`shows its title and no untranslated text (${lang})`, { timeout: 120_000 }, async () => {
      const page = await ownerConsole(browser, t.adminUrl, lang)
      for (const p of PAGES) {
        await visit(page, p)
        const heading = await page.locator('main h3, .ant-layout-content h3').first().innerText()
        expect(heading, p.path).toBe(p.title[lang])
        const text = await page.locator('body').innerText()
        expect(RAW_KEY.exec(text)?.[0] ?? null, p.path).toBeNull()
        // The audit log names what it shows as the console does (it showed "username: owner · anonymous").
        if (p.path === '/users') {
          const audit = await page.locator('[data-testid=audit-table]').innerText()
          expect(audit).toContain(lang === 'en' ? 'user name: owner' : '用户名: owner')
          expect(audit).toContain(lang === 'en' ? '(not logged in)' : '（未登录）')
          expect(audit).not.toContain('anonymous')
          // Values too: a role as the console names it (it showed "角色: viewer").
          expect(audit).toContain(lang === 'en' ? 'role: Viewer' : '角色: 只读')
          expect(audit).toContain(lang === 'en' ? 'was: Viewer · now: Staff' : '原为: 只读 · 改为: 店员')
          expect(audit).not.toMatch(/\bviewer\b/)
        }
        const name = p.path.slice(1) || 'dashboard'
        await page.screenshot({
          animations: 'disabled',
          path: screenshotPath(`80-page-${name}-${lang === 'en' ? 'en' : 'zh'}`),
          fullPage: true,
        })
      }
      await page.context().close()
    })
})

describe('the Settings form', () => {
  it('sends what was changed and keeps the rest (en)', { timeout: 60_000 }, async () => {
    const page = await ownerConsole(browser, t.adminUrl, 'en')
    await visit(page, { path: '/settings', ready: '[data-testid=media-tools]' })
    await page.getByTestId('settings-quota-normal').fill('7')
    await page.getByTestId('settings-wifi-ssid').fill('Shop Wi-Fi')
    await page.getByTestId('settings-retentionDays').fill('30')
    await page.locator('.ant-radio-button-wrapper', { hasText: 'English' }).click()
    await page.getByTestId('settings-save').click()
    await page.getByText('Settings saved').waitFor()
    const v = await owner.invoke('settings-get', {})
    expect({
      quota: v.quotaNormal.value,
      ssid: v.wifi.ssid,
      retention: v.retentionDays.value,
      language: v.language.value,
      lanHost: v.lanHost.value,
      maxStreams: v.maxStreams.value,
    }).toEqual({
      quota: 7,
      ssid: 'Shop Wi-Fi',
      retention: 30,
      language: 'en',
      lanHost: '127.0.0.1',
      maxStreams: 8,
    })
    await page.context().close()
  })
})

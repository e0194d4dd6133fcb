import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, loginAs, type TestHub } from '../helpers/hub'
import { post, type TestSession } from '../helpers/api'
import { Phone, PHONE_UA } from '../helpers/phone'
import { REPO } from '../helpers/paths'
import { deflated, writeZip, zeros } from '../helpers/zip'

let t: TestHub
let owner: TestSession

/** The page phones get for an unknown tag: the brand frame around a message, no video needed. */
async function phonePage(lang = 'zh-CN'): Promise<string> {
  return (await new Phone(t.lanUrl, PHONE_UA.android, lang).tap('Unknown00000')).html
}

beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  await owner.invoke('user-create', {
    username: 'li',
    displayName: '小李',
    password: 'staff-password-1',
    role: 'staff',
  })
  // A reseller's profile imported earlier, and a broken one.
  const brands = join(t.dataDir, 'brands')
  mkdirSync(brands, { recursive: true })
  cpSync(join(REPO, 'resources', 'brands', 'shoptap'), join(brands, 'acme'), { recursive: true })
  const acme = join(brands, 'acme', 'brand.json')
  const { readFileSync } = await import('node:fs')
  const json = JSON.parse(readFileSync(acme, 'utf8')) as Record<string, any>
  writeFileSync(
    acme,
    JSON.stringify({ ...json, id: 'acme', productName: { 'zh-CN': '爱克美', en: 'Acme' }, locked: [] }),
  )
  cpSync(join(REPO, 'resources', 'brands', 'shoptap'), join(brands, 'broken'), { recursive: true })
  writeFileSync(
    join(brands, 'broken', 'brand.json'),
    JSON.stringify({ ...json, id: 'broken', colors: { primary: 'red', accent: '#000000' } }),
  )
}, 60_000)
afterAll(() => t?.stop())

describe('brand profiles in the hub', () => {
  it('serves the brand without a login (the login page shows it), and its logo on both listeners', async () => {
    const r = await post(`${t.adminUrl}/api/brand-get`, {}, { Origin: t.adminUrl })
    expect(r.status).toBe(200)
    expect(r.json.result).toMatchObject({ id: 'tapdrop', productName: { en: 'TapDrop' }, locked: [] })
    for (const base of [t.adminUrl, t.lanUrl]) {
      const logo = await fetch(`${base}/brand/logo`)
      expect(logo.status).toBe(200)
      expect(logo.headers.get('content-type')).toBe('image/svg+xml')
      expect(logo.headers.get('content-security-policy')).toContain("default-src 'none'")
      expect(await logo.text()).toContain('<svg')
    }
    expect(await phonePage()).toContain('<img src="/brand/logo?v=tapdrop-')
  })

  it('switches the profile: phone pages and the console follow without a restart', async () => {
    const list = await owner.invoke('brand-list', {})
    // The broken one is left out of the list (and logged), the others are offered.
    expect(list.map((p) => [p.id, p.builtin, p.active])).toEqual([
      ['acme', false, false],
      ['shoptap', true, false],
      ['tapdrop', true, true],
    ])
    const view = await owner.invoke('brand-select', { id: 'shoptap' })
    expect(view).toMatchObject({
      id: 'shoptap',
      productName: { 'zh-CN': '店小碰' },
      colors: { primary: '#e8590c' },
    })
    const zh = await phonePage()
    expect(zh).toContain('<span>店小碰</span>')
    expect(zh).toContain('background:#e8590c')
    expect(zh).toContain('店小碰 · 门店数字化服务<br>客服热线 400-800-1234')
    expect(await phonePage('en-US')).toContain('<span>ShopTap</span>')
    expect((await owner.invoke('hub-info', {})).productName).toBe('店小碰')
    expect(
      JSON.parse((await import('node:fs')).readFileSync(join(t.dataDir, 'config.json'), 'utf8')).brand,
    ).toBe('shoptap')
  })

  it('lets the store change what the profile leaves open, and refuses locked fields by name', async () => {
    await expect(
      owner.invoke('brand-update', { productName: { 'zh-CN': '我的店', en: 'My shop' } }),
    ).rejects.toMatchObject({ code: 'brand-locked', details: { fields: ['productName'] } })
    await expect(
      owner.invoke('brand-update', { colors: { primary: '#000000', accent: '#ffffff' } }),
    ).rejects.toMatchObject({
      code: 'brand-locked',
    })
    const phone = {
      title: { 'zh-CN': '新品视频', en: 'New arrivals' },
      welcome: { 'zh-CN': '欢迎光临朝阳店', en: 'Welcome to our Chaoyang store' },
      footer: { 'zh-CN': '朝阳店', en: 'Chaoyang store' },
    }
    const view = await owner.invoke('brand-update', { phone })
    expect(view.phone.footer['zh-CN']).toBe('朝阳店')
    expect(await phonePage()).toContain('<footer>朝阳店<br>400-800-1234</footer>')
    // Emptying a text is refused with its field; nothing changes.
    await expect(
      owner.invoke('brand-update', { phone: { ...phone, footer: { 'zh-CN': '', en: 'x' } } }),
    ).rejects.toMatchObject({ code: 'validation-failed' })
    expect(await phonePage()).toContain('<footer>朝阳店<br>400-800-1234</footer>')
    // Staff may look, not change; the server says so, whatever the console shows.
    const li = await loginAs(t, 'li', 'staff-password-1')
    expect((await li.invoke('brand-get', {})).id).toBe('shoptap')
    await expect(li.invoke('brand-update', { phone })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(li.invoke('brand-select', { id: 'tapdrop' })).rejects.toMatchObject({ code: 'forbidden' })
    // Back to the profile as shipped.
    await owner.invoke('brand-reset', {})
    expect(await phonePage()).toContain('<footer>店小碰 · 门店数字化服务<br>')
  })

  it('previews unsaved edits with the phone page’s own code and the logo inline', async () => {
    const { html } = await owner.invoke('brand-preview', {
      lang: 'en',
      patch: {
        phone: {
          title: { 'zh-CN': '预览', en: 'Preview' },
          welcome: { 'zh-CN': '你好', en: 'Hello there' },
          footer: { 'zh-CN': '页脚', en: 'Footer' },
        },
      },
    })
    expect(html).toContain('Hello there')
    expect(html).toContain('<img src="data:image/svg+xml;base64,')
    expect(await phonePage('en-US')).not.toContain('Hello there')
  })

  it('refuses a profile that does not hold up, with its reasons, and keeps the one in effect', async () => {
    await expect(owner.invoke('brand-select', { id: 'broken' })).rejects.toMatchObject({
      code: 'brand-invalid',
      details: { reasons: ['brand.json: colors.primary: must be a colour like #1f6feb'] },
    })
    await expect(owner.invoke('brand-select', { id: 'nope' })).rejects.toMatchObject({
      code: 'brand-not-found',
    })
    await expect(owner.invoke('brand-select', { id: '../etc' })).rejects.toMatchObject({
      code: 'brand-not-found',
    })
    expect((await owner.invoke('brand-get', {})).id).toBe('shoptap')
  })
})

describe('a brand chosen by environment', () => {
  it('is in effect from the start and cannot be switched from the console', async () => {
    const pinned = await startTestHub({
      env: { TAPDROP_NFC: 'false', TAPDROP_BRAND: 'shoptap', TAPDROP_MDNS: 'false' },
    })
    try {
      const o = await setupOwner(pinned)
      expect((await o.invoke('brand-get', {})).id).toBe('shoptap')
      // Settings say which values the environment holds, the LAN announcement too (the console locks them).
      expect((await o.invoke('settings-get', {})).mdns).toMatchObject({ enabled: false, source: 'env' })
      await expect(o.invoke('settings-update', { mdns: true })).rejects.toMatchObject({
        message: expect.stringContaining('TAPDROP_MDNS'),
      })
      await expect(o.invoke('brand-select', { id: 'tapdrop' })).rejects.toMatchObject({
        code: 'brand-locked',
        message: expect.stringContaining('TAPDROP_BRAND'),
      })
    } finally {
      await pinned.stop()
    }
  })
})

describe('importing a reseller’s profile archive', () => {
  const shoptap = join(REPO, 'resources', 'brands', 'shoptap')
  const files = (change: (json: Record<string, any>) => void = () => {}, folder = 'profile/') => {
    const { readFileSync } = require('node:fs') as typeof import('node:fs')
    const json = JSON.parse(readFileSync(join(shoptap, 'brand.json'), 'utf8')) as Record<string, any>
    json.id = 'acme2'
    json.productName = { 'zh-CN': '爱克美二号', en: 'Acme Two' }
    change(json)
    return {
      [`${folder}brand.json`]: new TextEncoder().encode(JSON.stringify(json)),
      [`${folder}logo.svg`]: new Uint8Array(readFileSync(join(shoptap, 'logo.svg'))),
      [`${folder}icon.png`]: new Uint8Array(readFileSync(join(shoptap, 'icon.png'))),
    }
  }
  const upload = async (body: Uint8Array | Buffer, session: TestSession = owner, origin = t.adminUrl) => {
    const res = await fetch(`${t.adminUrl}/api/brand/import`, {
      method: 'POST',
      headers: { Cookie: session.cookie!, Origin: origin, 'Content-Type': 'application/zip' },
      body: new Uint8Array(body),
    })
    return { status: res.status, json: (await res.json()) as any }
  }

  it('installs a valid archive, offers it, and it can be put in effect', async () => {
    const { zipSync } = await import('fflate')
    const r = await upload(zipSync(files()))
    expect(r.status).toBe(200)
    expect(r.json.result).toMatchObject({ id: 'acme2', builtin: false, productName: { en: 'Acme Two' } })
    expect((await owner.invoke('brand-list', {})).map((p) => p.id)).toContain('acme2')
    await owner.invoke('brand-select', { id: 'acme2' })
    expect(await phonePage()).toContain('<span>爱克美二号</span>')
    // Files at the top of the archive work as well, and a new version replaces the old one whole.
    const again = await upload(zipSync(files((j) => (j.productName.en = 'Acme 2'), '')))
    expect(again.json.result.productName.en).toBe('Acme 2')
    expect(await phonePage('en-US')).toContain('<span>Acme 2</span>')
  })

  it('refuses what is not a good profile, with the reasons, and installs nothing', async () => {
    const { zipSync } = await import('fflate')
    const before = (await owner.invoke('brand-list', {})).map((p) => p.id)
    const cases: Array<[Uint8Array | Buffer, RegExp]> = [
      [Buffer.from('this is not a zip'), /not a readable \.zip archive/],
      [zipSync(files((j) => (j.colors.primary = 'red'))), /colors\.primary: must be a colour like #1f6feb/],
      [
        zipSync({ ...files(), 'profile/run.sh': new TextEncoder().encode('rm -rf /') }),
        /"profile\/run\.sh": only brand\.json/,
      ],
      [
        zipSync({ 'a/brand.json': files()['profile/brand.json']!, 'b/logo.svg': new Uint8Array(1) }),
        /only brand\.json/,
      ],
      [zipSync(files((j) => (j.id = 'tapdrop'))), /"tapdrop" is a built-in profile/],
    ]
    for (const [body, reason] of cases) {
      const r = await upload(body)
      expect(r.status).toBe(422)
      expect(r.json.error.code).toBe('brand-invalid')
      expect(r.json.error.message).toMatch(reason)
    }
    expect((await owner.invoke('brand-list', {})).map((p) => p.id)).toEqual(before)
  })

  it('stops inflating an archive whose entries lie about their size, and phones are served meanwhile', async () => {
    // 512 MiB of zeros in ~0.5 MB, each entry's header claiming 1,000 bytes: the checks before inflating pass.
    const honest = files((j) => (j.id = 'bomb'))
    const bomb = await zeros(512)
    const zip = writeZip([
      deflated('profile/brand.json', honest['profile/brand.json']!),
      { name: 'profile/logo.png', data: bomb, method: 8, crc: 0, size: 1000 },
    ])
    expect(zip.length).toBeLessThan(600_000)
    // Phones keep asking the hub's LAN port while the import runs, one request after another: the longest time
    // between two answers is the longest any phone would have waited. (One request first: this client's first
    // fetch sets itself up, ~0.3 s on a busy machine, with the hub idle.)
    await (await fetch(`${t.lanUrl}/healthz`)).text()
    const gaps: number[] = []
    let importing = true
    let last = performance.now()
    const probe = (async () => {
      while (importing) {
        await (await fetch(`${t.lanUrl}/healthz`)).text()
        gaps.push(performance.now() - last)
        last = performance.now()
      }
    })()
    const started = performance.now()
    const r = await upload(zip)
    const took = performance.now() - started
    importing = false
    await probe
    expect(gaps.length).toBeGreaterThan(1)
    expect(Math.max(...gaps), `longest /healthz gap during a ${Math.round(took)} ms import`).toBeLessThan(200)
    expect(r.status).toBe(422)
    expect(r.json.error).toMatchObject({
      code: 'brand-invalid',
      message: expect.stringMatching(/archive unpacks to more than 6 MB/),
    })
    expect((await owner.invoke('brand-list', {})).map((p) => p.id)).not.toContain('bomb')
  })

  it('is for admins, from the console only', async () => {
    const { zipSync } = await import('fflate')
    const li = await loginAs(t, 'li', 'staff-password-1')
    expect((await upload(zipSync(files()), li)).json.error.code).toBe('forbidden')
    expect((await upload(zipSync(files()), owner, 'http://evil.example')).status).toBe(403)
  })
})

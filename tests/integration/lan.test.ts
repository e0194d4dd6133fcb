import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, type TestHub } from '../helpers/hub'
import { post, rawRequest, type TestSession } from '../helpers/api'
import WebSocket from 'ws'

let t: TestHub
let owner: TestSession
beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
})
afterAll(() => t.stop())

describe('LAN (phone) listener', () => {
  it('answers /healthz', async () => {
    const r = await fetch(`${t.lanUrl}/healthz`)
    expect(r.status).toBe(200)
    expect(await r.json()).toEqual({ ok: true })
  })

  it('shows a branded "unknown tag" page in Chinese by default and in English on request', async () => {
    const zh = await fetch(`${t.lanUrl}/t/Zx9unknownCode`)
    expect(zh.status).toBe(404)
    expect(zh.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const zhHtml = await zh.text()
    expect(zhHtml).toContain('这个标签还没有启用')
    expect(zhHtml).toContain('<html lang="zh-CN">')
    expect(zhHtml.length).toBeLessThan(4000)
    const en = await fetch(`${t.lanUrl}/t/Zx9unknownCode`, {
      headers: { 'Accept-Language': 'en-US,en;q=0.9' },
    })
    expect(await en.text()).toContain('This tag is not active')
  })

  it('escapes whatever the phone sends in the URL', async () => {
    const r = await fetch(`${t.lanUrl}/t/%3Cscript%3Ealert(1)%3C%2Fscript%3E`)
    expect(await r.text()).not.toContain('<script>')
  })

  it('exposes nothing of the admin API or console', async () => {
    const probes: Array<[string, RequestInit]> = [
      ['/api/auth-status', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }],
      [
        '/api/user-list',
        {
          method: 'POST',
          body: '{}',
          headers: { 'Content-Type': 'application/json', Cookie: owner.cookie! },
        },
      ],
      [
        '/api/auth-login',
        {
          method: 'POST',
          body: JSON.stringify({ username: 'owner', password: 'owner-password-1' }),
          headers: { 'Content-Type': 'application/json' },
        },
      ],
      ['/api/events', {}],
      ['/', {}],
      ['/setup', {}],
      ['/users', {}],
      ['/favicon.svg', {}],
      ['/index.html', {}],
      ['/assets/', {}],
      ['/../../etc/passwd', {}],
    ]
    for (const [path, init] of probes) {
      const r = await fetch(`${t.lanUrl}${path}`, init)
      const body = await r.text()
      // Only GET and HEAD exist on the phone port; every admin path is simply not there.
      expect(r.status, path).toBe(init.method === 'POST' ? 405 : 404)
      expect(body, path).not.toContain('"result"')
      expect(body, path).not.toContain('<div id="root">')
      expect(r.headers.get('set-cookie'), path).toBeNull()
    }
  })

  it('serves only its own page script, with no directory listing or path traversal', async () => {
    const js = await fetch(`${t.lanUrl}/s/tap.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('etag')).toMatch(/^"[\w-]{16}"$/)
    expect(
      (await fetch(`${t.lanUrl}/s/tap.js`, { headers: { 'If-None-Match': js.headers.get('etag')! } })).status,
    ).toBe(304)
    for (const path of [
      '/s/',
      '/s/other.js',
      '/s/..%2f..%2fetc%2fpasswd',
      '/t/..%2f..%2fapi',
      '/m/../../tapdrop.db',
      '/media/',
      '/t/',
    ]) {
      const r = await rawRequest(`${t.lanUrl}${path}`)
      expect(r.status, path).toBe(404)
      expect(r.body, path).not.toMatch(/root:|SQLite format/)
    }
  })

  it('accepts WebSockets only for the queue channel of a transfer', async () => {
    const tryWs = (path: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${t.lanUrl.replace('http', 'ws')}${path}`)
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0))
        ws.on('open', () => {
          ws.close()
          resolve(101)
        })
        ws.on('error', () => resolve(-1))
      })
    expect(await tryWs('/api/events')).toBe(404)
    expect(await tryWs('/q/short')).toBe(404)
  })

  it('sends strict security headers on pages, scripts and errors alike', async () => {
    const answers = [
      await fetch(`${t.lanUrl}/t/abc`),
      await fetch(`${t.lanUrl}/s/tap.js`),
      await fetch(`${t.lanUrl}/m/AAAAAAAAAAAAAAAAAAAAAAAA`),
      await fetch(`${t.lanUrl}/t/abc`, { method: 'DELETE' }),
    ]
    for (const r of answers) {
      expect(r.headers.get('content-security-policy'), r.url).toContain("default-src 'none'")
      expect(r.headers.get('x-content-type-options'), r.url).toBe('nosniff')
      expect(r.headers.get('referrer-policy'), r.url).toBe('no-referrer')
      expect(r.headers.get('x-frame-options'), r.url).toBe('DENY')
      expect(r.headers.get('x-powered-by'), r.url).toBeNull()
    }
    expect(answers.map((r) => r.status)).toEqual([404, 200, 404, 405])
    expect(answers[0]!.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(answers[0]!.headers.get('cache-control')).toBe('no-store')
    expect(answers[3]!.headers.get('allow')).toBe('GET, HEAD')
  })

  it('moves to another port from Settings, and refuses a port in use without changing anything', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const busyPort = (blocker.address() as { port: number }).port
    const before = await owner.invoke('settings-get', {})
    const refused = await post(
      `${t.adminUrl}/api/settings-update`,
      { lanPort: busyPort },
      { Cookie: owner.cookie!, Origin: t.adminUrl },
    )
    expect(refused.status).toBe(409)
    expect(refused.json.error.message).toContain(`port ${busyPort}`)
    expect((await owner.invoke('settings-get', {})).lanPort.value).toBe(before.lanPort.value)
    expect((await fetch(`${t.lanUrl}/healthz`)).status).toBe(200)
    blocker.close()

    const free = createServer()
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()))
    const newPort = (free.address() as { port: number }).port
    await new Promise<void>((r) => free.close(() => r()))
    const after = await owner.invoke('settings-update', { lanPort: newPort })
    expect(after.lanPort).toEqual({ value: newPort, source: 'file' })
    expect(after.lanListening).toContain(`:${newPort}`)
    expect((await fetch(`http://127.0.0.1:${newPort}/healthz`)).status).toBe(200)
    await expect(fetch(`${t.lanUrl}/healthz`)).rejects.toThrow()
    const audit = await owner.invoke('audit-list', { limit: 5, action: 'settings.update' })
    expect(audit.entries[0]?.details).toMatchObject({ lanPort: { to: newPort } })
  })
})

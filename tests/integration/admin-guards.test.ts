import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startTestHub, setupOwner, type TestHub } from '../helpers/hub'
import { post, rawRequest, type TestSession } from '../helpers/api'

let t: TestHub
let owner: TestSession
beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
})
afterAll(() => t.stop())

const port = () => new URL(t.adminUrl).port

function wsOpen(headers: Record<string, string>): Promise<{ status: number; first?: unknown }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${t.adminUrl.replace('http', 'ws')}/api/events`, { headers })
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      ws.terminate()
    })
    ws.on('message', (data) => {
      resolve({ status: 101, first: JSON.parse(String(data)) })
      ws.close()
    })
    ws.on('error', () => resolve({ status: -1 }))
  })
}

describe('admin listener guards', () => {
  it('binds to loopback by default', () => {
    expect(t.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('refuses a foreign Host header (DNS rebinding) before anything else', async () => {
    const r = await rawRequest(`${t.adminUrl}/api/auth-status`, {
      method: 'POST',
      body: '{}',
      headers: { Host: `evil.example:${port()}`, 'Content-Type': 'application/json' },
    })
    expect(r.status).toBe(403)
    expect(JSON.parse(r.body)).toEqual({
      error: { code: 'host-not-allowed', message: expect.stringContaining('evil.example') },
    })
    const page = await rawRequest(`${t.adminUrl}/`, { headers: { Host: '192.168.1.20' } })
    expect(page.status).toBe(403)
    expect(page.body).not.toContain('<div id="root">')
    const session = await rawRequest(`${t.adminUrl}/api/user-list`, {
      method: 'POST',
      body: '{}',
      headers: { Host: `attacker.example:${port()}`, Cookie: owner.cookie! },
    })
    expect(session.status).toBe(403)
    const ok = await rawRequest(`${t.adminUrl}/api/auth-status`, {
      method: 'POST',
      body: '{}',
      headers: { Host: `localhost:${port()}` },
    })
    expect(ok.status).toBe(200)
  })

  it('refuses a foreign Origin and cross-site fetches, accepts its own', async () => {
    const foreign = await post(
      `${t.adminUrl}/api/user-list`,
      {},
      { Origin: 'http://evil.example', Cookie: owner.cookie! },
    )
    expect(foreign.status).toBe(403)
    expect(foreign.json.error.code).toBe('origin-not-allowed')
    const crossSite = await post(
      `${t.adminUrl}/api/user-list`,
      {},
      { 'Sec-Fetch-Site': 'cross-site', Cookie: owner.cookie! },
    )
    expect(crossSite.json.error.code).toBe('origin-not-allowed')
    const own = await post(`${t.adminUrl}/api/user-list`, {}, { Origin: t.adminUrl, Cookie: owner.cookie! })
    expect(own.status).toBe(200)
    const viaLocalhost = await rawRequest(`${t.adminUrl}/api/user-list`, {
      method: 'POST',
      body: '{}',
      headers: {
        Origin: `http://localhost:${port()}`,
        Host: `localhost:${port()}`,
        Cookie: owner.cookie!,
        'Content-Type': 'application/json',
      },
    })
    expect(viaLocalhost.status).toBe(200)
  })

  it('requires a session or the local token for everything but status, login and first run', async () => {
    for (const m of [
      'user-list',
      'user-create',
      'hub-info',
      'settings-get',
      'settings-update',
      'audit-list',
      'auth-logout',
    ]) {
      const r = await post(`${t.adminUrl}/api/${m}`, {})
      expect(r.status, m).toBe(401)
      expect(r.json.error.code, m).toBe('unauthenticated')
    }
    const forged = await post(`${t.adminUrl}/api/user-list`, {}, { Cookie: 'td_admin=forged-token' })
    expect(forged.status).toBe(401)
    const badBearer = await post(`${t.adminUrl}/api/user-list`, {}, { Authorization: 'Bearer nope' })
    expect(badBearer.status).toBe(401)
    expect((await post(`${t.adminUrl}/api/auth-status`, {})).status).toBe(200)
  })

  it('answers bad requests with the one error envelope and stable codes', async () => {
    const unknown = await post(`${t.adminUrl}/api/drop-database`, {}, { Cookie: owner.cookie! })
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'unknown-method'])
    const badJson = await post(`${t.adminUrl}/api/auth-login`, '{"username":', {})
    expect([badJson.status, badJson.json.error.code]).toEqual([400, 'bad-request'])
    const tooBig = await post(`${t.adminUrl}/api/auth-login`, {
      username: 'x',
      password: 'y'.repeat(300_000),
    })
    expect([tooBig.status, tooBig.json.error.code]).toEqual([413, 'payload-too-large'])
    const invalid = await post(
      `${t.adminUrl}/api/user-create`,
      { username: 'a b', role: 'root', password: 'short' },
      { Cookie: owner.cookie! },
    )
    expect([invalid.status, invalid.json.error.code]).toEqual([400, 'validation-failed'])
    expect(invalid.json.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'password',
      'role',
      'username',
    ])
    const extra = await post(
      `${t.adminUrl}/api/user-set-role`,
      { userId: 1, role: 'staff', isAdmin: true },
      { Cookie: owner.cookie! },
    )
    expect(extra.json.error.code).toBe('validation-failed')
    const get = await fetch(`${t.adminUrl}/api/user-list`)
    expect(get.status).toBe(404)
  })

  it('sends security headers and a strict CSP', async () => {
    const r = await fetch(`${t.adminUrl}/`)
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(r.headers.get('x-frame-options')).toBe('DENY')
    expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    expect(r.headers.get('x-powered-by')).toBeNull()
  })

  it('guards the live events socket like the API', async () => {
    expect((await wsOpen({})).status).toBe(401)
    expect((await wsOpen({ Cookie: owner.cookie!, Origin: 'http://evil.example' })).status).toBe(403)
    const ok = await wsOpen({ Cookie: owner.cookie!, Origin: t.adminUrl })
    expect(ok.status).toBe(101)
    expect(ok.first).toMatchObject({ type: 'hello' })
  })
})

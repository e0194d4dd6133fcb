import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/api-client'
import { startTestHub, OWNER, type TestHub } from '../helpers/hub'
import { TestSession, post } from '../helpers/api'

let t: TestHub
const secrets: string[] = []
beforeAll(async () => {
  t = await startTestHub()
  secrets.push(t.setupToken!, OWNER.password)
})
afterAll(() => t.stop())

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    return err instanceof ApiError ? err.code : String(err)
  }
}

describe('first run, login, roles and the audit log over HTTP', () => {
  let owner: TestSession
  it('creates the owner only with the one-time token from the console', async () => {
    const status = await new TestSession(t.adminUrl).invoke('auth-status', {})
    expect(status).toMatchObject({ setupRequired: true, user: null, language: 'zh-CN' })
    const intruder = new TestSession(t.adminUrl)
    expect(await errorCode(intruder.invoke('auth-setup', { token: 'x'.repeat(32), ...OWNER }))).toBe(
      'setup-token-invalid',
    )
    owner = new TestSession(t.adminUrl)
    const me = await owner.invoke('auth-setup', { token: t.setupToken!, ...OWNER })
    expect(me).toMatchObject({ username: 'owner', role: 'admin', displayName: '店长' })
    expect(owner.cookie).toMatch(/^td_admin=/)
    secrets.push(owner.cookie!.split('=')[1]!)
    // Setting up logged the owner in: the users list does not say "never logged in" to them.
    const [listed] = await owner.invoke('user-list', {})
    expect(listed).toMatchObject({ username: 'owner', lastLoginAt: expect.any(String) })
    expect(Date.now() - Date.parse(listed!.lastLoginAt!)).toBeLessThan(60_000)
    expect(
      await errorCode(
        intruder.invoke('auth-setup', {
          token: t.setupToken!,
          username: 'second',
          password: 'second-password',
        }),
      ),
    ).toBe('setup-done')
  })

  it('sets an HttpOnly, SameSite=Strict session cookie on login', async () => {
    const r = await post(`${t.adminUrl}/api/auth-login`, { username: 'OWNER', password: OWNER.password })
    expect(r.status).toBe(200)
    const cookie = r.headers.get('set-cookie')!
    expect(cookie).toMatch(/td_admin=[\w-]{43}; Path=\/; Expires=.*; HttpOnly; SameSite=Strict/)
    secrets.push(cookie.split(';')[0]!.split('=')[1]!)
  })

  it('lets a staff member log in but refuses the Users API, and logs them out', async () => {
    await owner.invoke('user-create', {
      username: 'mei',
      displayName: '小美',
      role: 'staff',
      password: 'mei-password-1',
    })
    secrets.push('mei-password-1')
    const staff = new TestSession(t.adminUrl)
    const me = await staff.invoke('auth-login', { username: 'mei', password: 'mei-password-1' })
    expect(me.role).toBe('staff')
    expect(await errorCode(staff.invoke('user-list', {}))).toBe('forbidden')
    expect(
      await errorCode(
        staff.invoke('user-create', { username: 'evil', role: 'admin', password: 'evil-password' }),
      ),
    ).toBe('forbidden')
    expect(await errorCode(staff.invoke('settings-update', { language: 'en' }))).toBe('forbidden')
    expect((await staff.invoke('hub-info', {})).version).toMatch(/^\d+\.\d+\.\d+/)
    const cookie = staff.cookie!
    await staff.invoke('auth-logout', {})
    expect(staff.cookie).toBeNull()
    const reused = await post(`${t.adminUrl}/api/hub-info`, {}, { Cookie: cookie })
    expect(reused.status).toBe(401)
  })

  it('throttles repeated wrong passwords, even when the right one finally comes', async () => {
    const s = new TestSession(t.adminUrl)
    for (let i = 0; i < 5; i++)
      expect(await errorCode(s.invoke('auth-login', { username: 'mei', password: `wrong-${i}` }))).toBe(
        'invalid-credentials',
      )
    const r = await post(`${t.adminUrl}/api/auth-login`, { username: 'mei', password: 'mei-password-1' })
    expect(r.status).toBe(429)
    expect(r.json.error.code).toBe('throttled')
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    // Other accounts are not locked by someone guessing Mei's password.
    expect(
      await errorCode(
        new TestSession(t.adminUrl).invoke('auth-login', { username: 'owner', password: OWNER.password }),
      ),
    ).toBe('ok')
  })

  it('refuses a new user name that looks like an existing one, saying which', async () => {
    await owner.invoke('user-create', { username: 'staff1', role: 'staff', password: 'staff-password-1' })
    const cases: Array<[string, string]> = [
      ['ｏｗｎｅｒ', 'owner'], // full-width
      ['ѕtaff1', 'staff1'], // Cyrillic dze
      ['staffl', 'staff1'], // the letter l for the digit one
      ['rnei', 'mei'], // "rn" for "m"
    ]
    for (const [username, similarTo] of cases) {
      const r = await post(
        `${t.adminUrl}/api/user-create`,
        { username, role: 'staff', password: 'staff-password-1' },
        { Cookie: owner.cookie!, Origin: t.adminUrl },
      )
      expect([username, r.status, r.json.error]).toEqual([
        username,
        409,
        {
          code: 'user-confusable',
          message: expect.stringContaining(similarTo),
          details: { similarTo },
        },
      ])
    }
    // The hub's own names for who is not an account (the console words them "command line", "not logged in").
    for (const [username, code] of [
      ['local-cli', 'user-exists'],
      ['Anonymous', 'user-exists'],
      ['ｌocal-cli', 'user-confusable'], // a full-width l
    ] as const) {
      const r = await post(
        `${t.adminUrl}/api/user-create`,
        { username, role: 'staff', password: 'staff-password-1' },
        { Cookie: owner.cookie!, Origin: t.adminUrl },
      )
      expect([username, r.status, (r.json.error as { code: string } | undefined)?.code]).toEqual([
        username,
        409,
        code,
      ])
    }
    const names = (await owner.invoke('user-list', {})).map((u) => u.username)
    expect(names.filter((n) => !/^[a-z0-9]+$/.test(n))).toEqual([])
    // A name of its own, in any script, is still welcome.
    await owner.invoke('user-create', { username: '店员小王', role: 'viewer', password: 'staff-password-1' })
  })

  it('records account creation, role changes and logins in the audit log', async () => {
    const users = await owner.invoke('user-list', {})
    const mei = users.find((u) => u.username === 'mei')!
    await owner.invoke('user-set-role', { userId: mei.id, role: 'viewer' })
    const { entries } = await owner.invoke('audit-list', { limit: 50 })
    const actions = entries.map((e) => `${e.actor}:${e.action}`)
    expect(actions).toEqual(
      expect.arrayContaining([
        'anonymous:setup.owner-created',
        'owner:user.create',
        'owner:user.role-change',
        'mei:auth.login',
        'anonymous:auth.login-failed',
      ]),
    )
    const role = entries.find((e) => e.action === 'user.role-change')!
    expect(role.details).toEqual({ username: 'mei', from: 'staff', to: 'viewer' })
    expect(Date.now() - Date.parse(role.at)).toBeLessThan(60_000)
    expect(role.ip).toBe('127.0.0.1')
  })

  it('never writes a password, the setup token or a session token into the logs', async () => {
    await t.hub.stop()
    const dir = join(t.dataDir, 'logs')
    const text = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n')
    expect(text).toContain('login failed')
    expect(text).toContain('user created')
    for (const secret of secrets)
      expect(text.includes(secret), `log contains a secret (${secret.slice(0, 4)}…)`).toBe(false)
  })
})

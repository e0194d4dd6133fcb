import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { AuditService } from '../../src/main/core/audit/service'
import { AuthService } from '../../src/main/core/auth/service'
import { UsersService } from '../../src/main/core/users/service'
import { EventBus } from '../../src/main/core/events/bus'
import { silentLogger } from '../../src/main/core/logger'
import { HubError } from '../../src/main/core/errors'
import type { CallContext } from '../../src/main/core/auth/actor'
import { tempDir } from '../helpers/tmp'

let dir: ReturnType<typeof tempDir>
let repos: Repos
let now: number
let auth: AuthService
let users: UsersService
let audit: AuditService
const logger = silentLogger()

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'backups'), logger }).db,
  )
  now = Date.UTC(2026, 10, 24, 9)
  audit = new AuditService(repos.audit, () => now)
  auth = new AuthService(
    repos,
    audit,
    () => ({ idleMinutes: 60, maxDays: 2 }),
    logger,
    () => now,
  )
  users = new UsersService(repos, audit, new EventBus(), logger, () => now)
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

function sessionCtx(): CallContext & { token: string | null } {
  const ctx: CallContext & { token: string | null } = {
    actor: { kind: 'anonymous' },
    ip: '127.0.0.1',
    userAgent: 'test',
    token: null,
    session: { set: (t) => (ctx.token = t), clear: () => (ctx.token = null) },
  }
  return ctx
}

async function owner() {
  const ctx = sessionCtx()
  await auth.setup(ctx, { token: auth.issueSetupToken()!, username: 'owner', password: 'owner-password' })
  return { ...ctx, actor: auth.authenticateSession(ctx.token!)! }
}

function code(fn: () => unknown): Promise<string> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => 'no error',
      (err: unknown) => (err instanceof HubError ? err.code : `not a HubError: ${String(err)}`),
    )
}

describe('roles are enforced by the services, whatever the transport', () => {
  it('lets only admins manage accounts; staff and viewers are refused, anonymous callers must log in', async () => {
    const admin = await owner()
    await users.create(admin, { username: 'staff1', role: 'staff', password: 'staff-password' })
    await users.create(admin, { username: 'viewer1', role: 'viewer', password: 'viewer-password' })
    const staff = sessionCtx()
    await auth.login(staff, { username: 'staff1', password: 'staff-password' })
    const staffCtx = { ...staff, actor: auth.authenticateSession(staff.token!)! }
    const viewer = sessionCtx()
    await auth.login(viewer, { username: 'viewer1', password: 'viewer-password' })
    const viewerCtx = { ...viewer, actor: auth.authenticateSession(viewer.token!)! }

    for (const ctx of [staffCtx, viewerCtx]) {
      expect(await code(() => users.list(ctx))).toBe('forbidden')
      expect(
        await code(() => users.create(ctx, { username: 'x1', role: 'admin', password: 'password-x' })),
      ).toBe('forbidden')
      expect(await code(() => users.setRole(ctx, { userId: 1, role: 'viewer' }))).toBe('forbidden')
      expect(await code(() => audit.list(ctx, { limit: 10 }))).toBe('forbidden')
    }
    expect(await code(() => users.list(sessionCtx()))).toBe('unauthenticated')
    expect(repos.users.findByUsername('x1')).toBeNull()
    expect(users.list(admin).map((u) => u.username)).toEqual(['owner', 'staff1', 'viewer1'])
  })

  it('audits account creation and role changes with who, what and when', async () => {
    const admin = await owner()
    const created = await users.create(admin, {
      username: 'staff1',
      role: 'staff',
      password: 'staff-password',
    })
    now += 60_000
    users.setRole(admin, { userId: created.id, role: 'viewer' })
    const { entries } = audit.list(admin, { limit: 10 })
    const create = entries.find((e) => e.action === 'user.create')!
    const role = entries.find((e) => e.action === 'user.role-change')!
    expect(create).toMatchObject({
      actor: 'owner',
      target: `user:${created.id}`,
      details: { username: 'staff1', role: 'staff' },
      at: new Date(now - 60_000).toISOString(),
    })
    expect(role).toMatchObject({
      actor: 'owner',
      details: { from: 'staff', to: 'viewer' },
      at: new Date(now).toISOString(),
    })
  })

  it('never leaves the hub without an active admin and refuses changes to oneself', async () => {
    const admin = await owner()
    const second = await users.create(admin, {
      username: 'admin2',
      role: 'admin',
      password: 'admin2-password',
    })
    expect(
      await code(() =>
        users.setRole(admin, { userId: admin.actor.kind === 'user' ? admin.actor.userId : 0, role: 'staff' }),
      ),
    ).toBe('self-change')
    users.setDisabled(admin, { userId: second.id, disabled: true })
    const ctx2 = sessionCtx()
    // Only one active admin left: the owner. A local (CLI) actor trying to demote them is refused too.
    const local: CallContext = { actor: { kind: 'local', role: 'admin' }, ip: null, userAgent: null }
    expect(await code(() => users.setRole(local, { userId: 1, role: 'staff' }))).toBe('last-admin')
    expect(await code(() => users.setDisabled(local, { userId: 1, disabled: true }))).toBe('last-admin')
    expect(await code(() => auth.login(ctx2, { username: 'admin2', password: 'admin2-password' }))).toBe(
      'forbidden',
    )
  })

  it('ends sessions when an account is disabled or its password reset', async () => {
    const admin = await owner()
    const staff = await users.create(admin, { username: 'staff1', role: 'staff', password: 'staff-password' })
    const s = sessionCtx()
    await auth.login(s, { username: 'staff1', password: 'staff-password' })
    expect(auth.authenticateSession(s.token!)).not.toBeNull()
    await users.resetPassword(admin, { userId: staff.id, password: 'new-password-1' })
    expect(auth.authenticateSession(s.token!)).toBeNull()
    await auth.login(s, { username: 'staff1', password: 'new-password-1' })
    users.setDisabled(admin, { userId: staff.id, disabled: true })
    expect(auth.authenticateSession(s.token!)).toBeNull()
  })
})

describe('sessions', () => {
  it('expire after the idle time, slide with use, and end at the absolute limit', async () => {
    const admin = await owner()
    await users.create(admin, { username: 'staff1', role: 'staff', password: 'staff-password' })
    const s = sessionCtx()
    await auth.login(s, { username: 'staff1', password: 'staff-password' })
    now += 59 * 60_000
    expect(auth.authenticateSession(s.token!)).not.toBeNull() // used: slides to now + 60 min
    now += 59 * 60_000
    expect(auth.authenticateSession(s.token!)).not.toBeNull()
    now += 61 * 60_000
    expect(auth.authenticateSession(s.token!)).toBeNull()

    await auth.login(s, { username: 'staff1', password: 'staff-password' })
    for (let i = 0; i < 50; i++) {
      now += 59 * 60_000
      auth.authenticateSession(s.token!)
    }
    expect(auth.authenticateSession(s.token!)).toBeNull() // past 2 days, however busy
  })

  it('stores only a hash of the session token', async () => {
    const admin = await owner()
    void admin
    const rows = repos.db.prepare('SELECT token_hash FROM sessions').all() as Array<{ token_hash: Buffer }>
    expect(rows.length).toBe(1)
    expect(rows[0]!.token_hash.length).toBe(32)
  })

  it('refuses the first-run form with a wrong token, and a second owner', async () => {
    auth.issueSetupToken()
    expect(
      await code(() =>
        auth.setup(sessionCtx(), { token: 'guess', username: 'mallory', password: 'mallory-password' }),
      ),
    ).toBe('setup-token-invalid')
    await owner()
    expect(
      await code(() =>
        auth.setup(sessionCtx(), { token: 'whatever', username: 'x2', password: 'x2-password' }),
      ),
    ).toBe('setup-done')
    expect(auth.issueSetupToken()).toBeNull()
  })
})

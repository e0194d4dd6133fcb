import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, spawnHub, type SpawnedHub } from '../helpers/cli'
import { tempDir } from '../helpers/tmp'

describe('tapdrop CLI against a running hub', () => {
  const dir = tempDir()
  let hub: SpawnedHub
  beforeAll(async () => {
    hub = await spawnHub(dir.path)
  })
  afterAll(async () => {
    if (hub.child.exitCode === null) {
      process.kill(hub.pid, 'SIGTERM')
      await hub.exited()
    }
    dir.cleanup()
  })

  it('starts headless and prints the admin URL, the LAN URL and a one-time setup link', () => {
    expect(hub.info.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(hub.info.lanUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(hub.info.setupUrl).toMatch(new RegExp(`^${hub.info.adminUrl}/setup#token=[\\w-]{32}$`))
  })

  it('keeps its local credential readable by the owner only', () => {
    if (process.platform === 'win32') return
    const file = join(dir.path, 'run', 'hub.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir.path, 'run')).mode & 0o777).toBe(0o700)
    expect(statSync(dir.path).mode & 0o077).toBe(0)
  })

  it('adds users with the password from TAPDROP_PASSWORD and lists them as JSON', async () => {
    const add = await runCli(
      [
        'user',
        'add',
        '店长',
        '--role',
        'admin',
        '--display-name',
        '王店长',
        '--data-dir',
        dir.path,
        '--json',
      ],
      { env: { TAPDROP_PASSWORD: 'owner-password-1' } },
    )
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
    expect(JSON.parse(add.stdout)).toMatchObject({
      username: '店长',
      role: 'admin',
      displayName: '王店长',
      disabled: false,
    })
    const staff = await runCli(['user', 'add', 'Mei', '--role', 'staff', '--data-dir', dir.path], {
      env: { TAPDROP_PASSWORD: 'mei-password-1' },
    })
    expect(staff.code).toBe(0)
    expect(staff.stdout).toContain('created staff account "mei"')
    const list = await runCli(['--json', 'user', 'list', '--data-dir', dir.path])
    expect(list.code).toBe(0)
    expect(
      JSON.parse(list.stdout).map((u: { username: string; role: string }) => `${u.username}:${u.role}`),
    ).toEqual(['店长:admin', 'mei:staff'])
    const table = await runCli(['user', 'list', '--data-dir', dir.path])
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+USER\s+NAME\s+ROLE\s+STATUS\s+LAST LOGIN$/)
  })

  it('fails with a one-line reason and a non-zero exit code', async () => {
    const dup = await runCli(['user', 'add', 'mei', '--role', 'staff', '--data-dir', dir.path], {
      env: { TAPDROP_PASSWORD: 'another-pass' },
    })
    expect(dup.code).toBe(1)
    expect(dup.stderr.trim().split('\n')).toEqual(['tapdrop: the user mei already exists (user-exists)'])
    const weak = await runCli(['user', 'add', 'kai', '--role', 'staff', '--data-dir', dir.path], {
      env: { TAPDROP_PASSWORD: 'short' },
    })
    expect(weak.code).toBe(1)
    expect(weak.stderr).toMatch(/^tapdrop: password: at least 8 characters \(validation-failed\)\n$/)
    const role = await runCli(['user', 'add', 'kai', '--role', 'boss', '--data-dir', dir.path], {
      env: { TAPDROP_PASSWORD: 'kai-password' },
    })
    expect(role.code).toBe(2)
    expect(role.stderr).toBe('tapdrop: --role must be one of admin, staff, viewer\n')
    const noPassword = await runCli(['user', 'add', 'kai', '--role', 'staff', '--data-dir', dir.path])
    expect(noPassword.code).toBe(1)
    expect(noPassword.stderr).toContain('set TAPDROP_PASSWORD')
    const unknown = await runCli(['frobnicate'])
    expect(unknown.code).toBe(2)
    // Usage errors too are one line worded like the rest (they were "error: …" and the whole usage text).
    expect(unknown.stderr).toBe("tapdrop: unknown command 'frobnicate' (see --help)\n")
    for (const args of [
      ['user', 'list', '--bogus'],
      ['video', 'show'],
      ['user', 'add', 'bob'],
      ['tag', 'lst'], // with commander's "(Did you mean list?)"
    ]) {
      const r = await runCli([...args, '--data-dir', dir.path])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/^tapdrop: [^\n]+ \(see --help\)\n$/)
    }
  })

  it('says clearly when no hub runs for a data directory', async () => {
    const empty = tempDir()
    const r = await runCli(['user', 'list', '--data-dir', empty.path])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      `tapdrop: no TapDrop hub is running for ${empty.path}; start one with: tapdrop hub --data-dir "${empty.path}"\n`,
    )
    empty.cleanup()
  })

  it('refuses a second hub on the same data directory', async () => {
    const r = await runCli([
      'hub',
      '--data-dir',
      dir.path,
      '--admin-port',
      '0',
      '--lan-port',
      '0',
      '--lan-host',
      '127.0.0.1',
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`a TapDrop hub is already running for ${dir.path} (pid ${hub.pid}`)
  })

  it('stops on SIGTERM: requests finished, database closed and whole, run file removed', async () => {
    process.kill(hub.pid, 'SIGTERM')
    expect(await hub.exited()).toEqual({ code: 0, signal: null })
    expect(existsSync(join(dir.path, 'run', 'hub.json'))).toBe(false)
    expect(existsSync(join(dir.path, 'tapdrop.db-wal'))).toBe(false)
    const db = new Database(join(dir.path, 'tapdrop.db'), { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 2 })
    db.close()
  })
})

describe('tapdrop hub refuses bad start-up conditions clearly', () => {
  it('names the environment variable holding a bad value', async () => {
    const d = tempDir()
    const r = await runCli(['hub', '--data-dir', d.path], { env: { TAPDROP_LAN_PORT: 'eighty' } })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('environment TAPDROP_LAN_PORT: lanPort: must be a number')
    d.cleanup()
  })

  it('names the flag holding a bad value', async () => {
    const d = tempDir()
    const r = await runCli(['hub', '--data-dir', d.path, '--public-url', 'not a url'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('flag --public-url: publicUrl: must look like http://192.168.1.20:8080')
    d.cleanup()
  })

  it('leaves a database from a newer version untouched', async () => {
    const d = tempDir()
    const file = join(d.path, 'tapdrop.db')
    const db = new Database(file)
    db.exec('CREATE TABLE t (x)')
    db.pragma('user_version = 999')
    db.close()
    const before = createHash('sha256').update(readFileSync(file)).digest('hex')
    const r = await runCli([
      'hub',
      '--data-dir',
      d.path,
      '--admin-port',
      '0',
      '--lan-port',
      '0',
      '--lan-host',
      '127.0.0.1',
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('is at schema version 999')
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(before)
    expect(existsSync(file + '-wal')).toBe(false)
    d.cleanup()
  })

  it('explains a port already in use', async () => {
    const d = tempDir()
    const first = await spawnHub(d.path)
    const other = tempDir()
    const port = new URL(first.info.adminUrl).port
    const r = await runCli([
      'hub',
      '--data-dir',
      other.path,
      '--admin-port',
      port,
      '--lan-port',
      '0',
      '--lan-host',
      '127.0.0.1',
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      `admin console: port ${port} on 127.0.0.1 is already in use by another program`,
    )
    process.kill(first.pid, 'SIGTERM')
    await first.exited()
    d.cleanup()
    other.cleanup()
  })
})

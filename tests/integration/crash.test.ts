import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { spawnHub } from '../helpers/cli'
import { TestSession } from '../helpers/api'
import { tempDir } from '../helpers/tmp'

describe('crash safety', () => {
  it('kill -9 while the hub writes: the database is whole and nothing is half-applied', async () => {
    const dir = tempDir()
    const hub = await spawnHub(dir.path)
    const token = new URL(hub.info.setupUrl!).hash.replace('#token=', '')
    const owner = new TestSession(hub.info.adminUrl)
    await owner.invoke('auth-setup', { token, username: 'owner', password: 'owner-password-1' })

    // Four writers create accounts (each: a user row + an audit row in one transaction) until the hub dies.
    const confirmed: string[] = []
    let n = 0
    const writer = async () => {
      for (let i = 0; i < 500; i++) {
        const name = `u${n++}`
        try {
          await owner.invoke('user-create', { username: name, role: 'staff', password: 'password-' + name })
          confirmed.push(name)
        } catch {
          return
        }
      }
    }
    const writers = [writer(), writer(), writer(), writer()]
    while (confirmed.length < 12) await new Promise((r) => setTimeout(r, 20))
    process.kill(hub.pid, 'SIGKILL')
    await Promise.all(writers)
    expect((await hub.exited()).signal).toBe('SIGKILL')

    // What a writer thread killed with its hub leaves: its mark (a hub that recorded taps before the kill has one).
    const file = new Database(join(dir.path, 'tapdrop.db'))
    file
      .prepare('INSERT INTO writer_marks (writer, seq) VALUES (?, ?)')
      .run('a-thread-killed-with-its-hub', 42)
    file.close()

    // Restart on the same data: it must come up (stale run file and all) and serve what was confirmed.
    const again = await spawnHub(dir.path)
    const relogin = new TestSession(again.info.adminUrl)
    await relogin.invoke('auth-login', { username: 'owner', password: 'owner-password-1' })
    const users = (await relogin.invoke('user-list', {})).map((u) => u.username)
    for (const name of confirmed) expect(users).toContain(name)
    process.kill(again.pid, 'SIGTERM')
    await again.exited()

    const db = new Database(join(dir.path, 'tapdrop.db'), { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    // The killed thread's mark was forgotten at the restart; the new hub's own went with its clean stop.
    expect(db.prepare('SELECT count(*) AS n FROM writer_marks').get()).toEqual({ n: 0 })
    const staff = db.prepare("SELECT id FROM users WHERE role = 'staff' ORDER BY id").all() as Array<{
      id: number
    }>
    const audited = db
      .prepare("SELECT target FROM audit_log WHERE action = 'user.create' ORDER BY id")
      .all() as Array<{ target: string }>
    // Every user has its audit row and every audit row its user: no transaction was cut in half.
    expect(audited.map((a) => a.target)).toEqual(staff.map((s) => `user:${s.id}`))
    expect(staff.length).toBeGreaterThanOrEqual(confirmed.length)
    db.close()
    dir.cleanup()
  })
})

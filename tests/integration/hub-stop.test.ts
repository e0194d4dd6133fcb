import { readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { startTestHub } from '../helpers/hub'
import { tempDir } from '../helpers/tmp'

/** Files of this process open on the database (its threads share the process's descriptors). */
function openOn(file: string): string[] {
  const fds = readdirSync('/proc/self/fd')
  return fds
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`)
      } catch {
        return ''
      }
    })
    .filter((target) => target.startsWith(file))
}

// A stopped hub lets go of its database file entirely, the threads it started included: the owner may copy a
// backup over it next, and a connection still open elsewhere keeps SQLite from folding its WAL into the file.
describe.runIf(process.platform === 'linux')('stopping the hub', () => {
  it('leaves nothing open on the database, even with the start-up check still reading it', async () => {
    const dir = tempDir()
    const file = join(dir.path, 'tapdrop.db')
    // A database large enough that reading all of it (the start-up check) takes a while.
    const first = await startTestHub({ dataDir: dir.path, keepDir: true })
    await first.stop()
    const db = new Database(file)
    const add = db.prepare(
      "INSERT INTO audit_log (at, actor, action, details) VALUES (?, 'system', 'test.filler', ?)",
    )
    db.transaction(() => {
      for (let i = 0; i < 40_000; i++) add.run(i, 'x'.repeat(2000))
    })()
    db.close()
    const t = await startTestHub({ dataDir: dir.path, keepDir: true })
    // The integrity check starts with the hub and reads the whole file on a thread of its own.
    expect(openOn(file).length).toBeGreaterThan(0)
    await t.hub.stop()
    expect(openOn(file)).toEqual([])
    // Nor opens it again afterwards (a thread that was still starting when the hub stopped).
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100))
      expect(openOn(file)).toEqual([])
    }
    await t.stop()
    dir.cleanup()
  })
})

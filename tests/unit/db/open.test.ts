import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../../src/main/db/open'
import { MIGRATIONS } from '../../../src/main/db/migrations'
import type { Migration } from '../../../src/main/db/migration'
import { DatabaseFromFutureError } from '../../../src/main/db/errors'
import { silentLogger } from '../../../src/main/core/logger'
import { tempDir } from '../../helpers/tmp'

const dirs: Array<{ cleanup(): void }> = []
function dir(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
const logger = silentLogger()

describe('opening the database', () => {
  it('uses WAL, foreign keys, a busy timeout and synchronous=NORMAL, and migrates to the latest version', () => {
    const d = dir()
    const { db, migration } = openDatabase(join(d, 'tapdrop.db'), { backupsDir: join(d, 'backups'), logger })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    expect(migration).toEqual({ from: 0, to: MIGRATIONS.length, backup: null })
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    closeDatabase(db)
    expect(existsSync(join(d, 'tapdrop.db-wal'))).toBe(false)
  })

  it('refuses a database from a newer TapDrop with a clear message and leaves the file untouched', () => {
    const d = dir()
    const file = join(d, 'tapdrop.db')
    const raw = new Database(file)
    raw.exec('CREATE TABLE future_things (x)')
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`)
    raw.close()
    const before = sha(file)
    let error: unknown
    try {
      openDatabase(file, { backupsDir: join(d, 'backups'), logger })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(DatabaseFromFutureError)
    expect((error as Error).message).toMatch(
      /schema version \d+, but this TapDrop understands up to \d+.*newer TapDrop.*not changed/s,
    )
    expect(sha(file)).toBe(before)
    expect(readdirSync(d).sort()).toEqual(['tapdrop.db'])
  })

  it('backs up a database holding data before migrating it', () => {
    const d = dir()
    const file = join(d, 'tapdrop.db')
    const v1: Migration = { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE notes (body TEXT)') }
    const v2: Migration = {
      version: 2,
      name: 'two',
      up: (db) => db.exec('ALTER TABLE notes ADD COLUMN at INTEGER'),
    }
    const first = openDatabase(file, { backupsDir: join(d, 'backups'), logger, migrations: [v1] })
    first.db.prepare('INSERT INTO notes (body) VALUES (?)').run('keep me')
    closeDatabase(first.db)

    const second = openDatabase(file, { backupsDir: join(d, 'backups'), logger, migrations: [v1, v2] })
    expect(second.migration.from).toBe(1)
    expect(second.migration.backup).toMatch(/backups\/tapdrop-v1-.*\.db$/)
    closeDatabase(second.db)
    const backup = new Database(second.migration.backup!, { readonly: true })
    expect(backup.pragma('user_version', { simple: true })).toBe(1)
    expect(backup.prepare('SELECT body FROM notes').get()).toEqual({ body: 'keep me' })
    backup.close()
  })

  it('rolls a failing step back completely and keeps the last good version', () => {
    const d = dir()
    const file = join(d, 'tapdrop.db')
    const v1: Migration = { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE notes (body TEXT)') }
    const bad: Migration = {
      version: 2,
      name: 'half',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)')
        throw new Error('disk on fire')
      },
    }
    closeDatabase(openDatabase(file, { backupsDir: join(d, 'b'), logger, migrations: [v1] }).db)
    expect(() => openDatabase(file, { backupsDir: join(d, 'b'), logger, migrations: [v1, bad] })).toThrow(
      'disk on fire',
    )
    const raw = new Database(file)
    expect(raw.pragma('user_version', { simple: true })).toBe(1)
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({
      n: 0,
    })
    raw.close()
  })

  it('has migrations numbered 1, 2, 3… and a test file for each', () => {
    MIGRATIONS.forEach((m, i) => expect(m.version).toBe(i + 1))
    const tests = readdirSync(join(__dirname, 'migrations'))
    for (const m of MIGRATIONS) {
      const prefix = String(m.version).padStart(4, '0') + '-'
      expect(
        tests.some((f) => f.startsWith(prefix) && f.endsWith('.test.ts')),
        `a test for migration ${m.version}`,
      ).toBe(true)
    }
  })
})

import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { checkIntegrity } from '../../../src/main/db/integrity'
import { tempDir } from '../../helpers/tmp'

describe('checkIntegrity', () => {
  const dir = tempDir()
  afterAll(() => dir.cleanup())

  const database = (name: string) => {
    const file = join(dir.path, name)
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t (v)')
    const add = db.prepare('INSERT INTO t (v) VALUES (?)')
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) add.run(`row ${i} ${'x'.repeat(60)}`)
    })()
    db.close()
    return file
  }

  it('finds nothing wrong in a whole file', async () => {
    expect(await checkIntegrity(database('whole.db'))).toEqual({ problems: [] })
  })

  it('reports SQLite’s findings for a damaged index page, and still answers', async () => {
    const file = database('index.db')
    const db = new Database(file)
    const { pageno } = db
      .prepare("SELECT max(pageno) AS pageno FROM dbstat WHERE name = 't_v' AND pagetype = 'leaf'")
      .get() as { pageno: number }
    const size = db.pragma('page_size', { simple: true }) as number
    db.close()
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(size - 200, 0x5a), 0, size - 200, (pageno - 1) * size + 100)
    closeSync(fd)
    const report = await checkIntegrity(file)
    expect(report.problems.length).toBeGreaterThan(0)
  })

  it('calls a file that is not a database damaged', async () => {
    const file = join(dir.path, 'text.db')
    writeFileSync(file, 'x'.repeat(8192))
    expect(await checkIntegrity(file)).toEqual({
      problems: ['file is not a database'],
      code: 'SQLITE_NOTADB',
    })
  })

  it('rejects, without calling anything damaged, when the check cannot run', async () => {
    await expect(checkIntegrity(join(dir.path, 'missing.db'))).rejects.toThrow(
      /the integrity check could not run: unable to open database file/,
    )
  })
})

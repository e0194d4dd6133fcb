import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'
import { deliveryRepo, WRITER_MARK_SQL } from '../../../../src/main/db/repos/delivery'

describe('migration 13: writer marks', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }

  it('is number 13, after the records’ 12', () => {
    expect(MIGRATIONS.slice(0, 13).map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
    expect(MIGRATIONS[12]!.name).toBe('writer marks')
  })

  it('keeps one mark a writer, the last batch set, and reads 0 for a writer without one', () => {
    // The repo is today's: it runs on the whole schema.
    const db = upTo(MIGRATIONS.length)
    const repo = deliveryRepo(db)
    const set = db.prepare(WRITER_MARK_SQL.set)
    expect(repo.writerMark('a')).toBe(0)
    set.run('a', 1)
    set.run('a', 2)
    set.run('b', 7)
    expect(repo.writerMark('a')).toBe(2)
    expect(repo.writerMark('b')).toBe(7)
    db.prepare(WRITER_MARK_SQL.drop).run('a')
    expect(repo.writerMark('a')).toBe(0)
    expect((db.prepare('SELECT count(*) AS n FROM writer_marks').get() as { n: number }).n).toBe(1)
    expect(() => set.run('c', 0)).toThrow(/CHECK/)
  })
})

import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'

describe('migration 4: tag programming', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }

  it('keeps existing tags and adds who programmed them, cleared when that account is deleted', () => {
    const db = upTo(3)
    db.prepare(
      "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at) VALUES ('li', 'Li', 'staff', 'x', 1, 1)",
    ).run()
    db.prepare(
      "INSERT INTO tags (code, tier, strategy, base_url, uid, created_at, updated_at) VALUES ('old', 'normal', 'fixed', 'http://x', '04aa', 1, 1)",
    ).run()
    MIGRATIONS[3]!.up(db)
    expect(db.prepare('SELECT code, uid, programmed_by FROM tags').get()).toEqual({
      code: 'old',
      uid: '04aa',
      programmed_by: null,
    })
    db.prepare("UPDATE tags SET programmed_by = (SELECT id FROM users WHERE username = 'li')").run()
    db.prepare("DELETE FROM users WHERE username = 'li'").run()
    expect(db.prepare('SELECT programmed_by FROM tags').get()).toEqual({ programmed_by: null })
  })

  it('finds a placed tag by its UID through an index', () => {
    const db = upTo(4)
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM tags WHERE uid = '04aa'").all() as Array<{
      detail: string
    }>
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/tags_by_uid/)
  })
})

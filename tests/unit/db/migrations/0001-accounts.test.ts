import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { m0001Accounts } from '../../../../src/main/db/migrations/0001-accounts'

describe('migration 1: accounts, sessions, audit log', () => {
  function fresh() {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    m0001Accounts.up(db)
    return db
  }
  const user = (db: Database.Database, name: string, role = 'staff') =>
    Number(
      db
        .prepare(
          "INSERT INTO users (username, role, password_hash, created_at, updated_at) VALUES (?, ?, 'h', 1, 1)",
        )
        .run(name, role).lastInsertRowid,
    )

  it('keeps user names unique and roles to the three known ones', () => {
    const db = fresh()
    user(db, 'a')
    expect(() => user(db, 'a')).toThrow(/UNIQUE/)
    expect(() => user(db, 'b', 'root')).toThrow(/CHECK/)
  })

  it('removes sessions with their user and keeps audit rows when the user goes', () => {
    const db = fresh()
    const id = user(db, 'a')
    db.prepare(
      'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, 1, 1, 2)',
    ).run(Buffer.alloc(32, 1), id)
    db.prepare(
      "INSERT INTO audit_log (at, actor_user_id, actor, action) VALUES (1, ?, 'a', 'user.create')",
    ).run(id)
    db.prepare('DELETE FROM users WHERE id = ?').run(id)
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT actor_user_id, actor FROM audit_log').get()).toEqual({
      actor_user_id: null,
      actor: 'a',
    })
  })

  it('refuses a session for a user that does not exist', () => {
    const db = fresh()
    expect(() =>
      db
        .prepare(
          'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, 99, 1, 1, 2)',
        )
        .run(Buffer.alloc(32)),
    ).toThrow(/FOREIGN KEY/)
  })
})

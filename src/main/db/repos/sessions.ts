import type { Database } from 'better-sqlite3'
import type { Role } from '../../../shared/roles'
import { roleOf } from './users'

export interface SessionWithUser {
  id: number
  userId: number
  createdAt: number
  lastSeenAt: number
  expiresAt: number
  username: string
  displayName: string
  role: Role
  disabled: boolean
}

interface SessionRow {
  id: number
  user_id: number
  created_at: number
  last_seen_at: number
  expires_at: number
  username: string
  display_name: string
  role: string
  disabled: 0 | 1
}

const SELECT = `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at,
                       u.username, u.display_name, u.role, u.disabled
                  FROM sessions s JOIN users u ON u.id = s.user_id`

function toSession(row: SessionRow): SessionWithUser {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    username: row.username,
    displayName: row.display_name,
    role: roleOf(row.role),
    disabled: row.disabled === 1,
  }
}

export type SessionsRepo = ReturnType<typeof sessionsRepo>

/** Sessions are stored by the SHA-256 of their token: a copy of the database does not let anyone log in. */
export function sessionsRepo(db: Database) {
  const insert = db.prepare(
    `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  const find = db.prepare<[Buffer], SessionRow>(`${SELECT} WHERE s.token_hash = ?`)
  const byId = db.prepare<[number], SessionRow>(`${SELECT} WHERE s.id = ?`)
  const touch = db.prepare('UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?')
  const remove = db.prepare('DELETE FROM sessions WHERE id = ?')
  const removeForUser = db.prepare('DELETE FROM sessions WHERE user_id = ?')
  const removeForUserExcept = db.prepare('DELETE FROM sessions WHERE user_id = ? AND id <> ?')
  const removeExpired = db.prepare('DELETE FROM sessions WHERE expires_at <= ?')

  return {
    insert(s: {
      tokenHash: Buffer
      userId: number
      now: number
      expiresAt: number
      ip: string | null
      userAgent: string | null
    }): number {
      return Number(
        insert.run(s.tokenHash, s.userId, s.now, s.now, s.expiresAt, s.ip, s.userAgent).lastInsertRowid,
      )
    },
    findByTokenHash(tokenHash: Buffer): SessionWithUser | null {
      const row = find.get(tokenHash)
      return row ? toSession(row) : null
    },
    findById(id: number): SessionWithUser | null {
      const row = byId.get(id)
      return row ? toSession(row) : null
    },
    touch(id: number, now: number, expiresAt: number): void {
      touch.run(now, expiresAt, id)
    },
    delete(id: number): void {
      remove.run(id)
    },
    deleteForUser(userId: number, exceptSessionId?: number): number {
      return exceptSessionId === undefined
        ? removeForUser.run(userId).changes
        : removeForUserExcept.run(userId, exceptSessionId).changes
    },
    deleteExpired(now: number): number {
      return removeExpired.run(now).changes
    },
  }
}

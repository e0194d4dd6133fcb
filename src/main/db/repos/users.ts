import type { Database } from 'better-sqlite3'
import { RoleSchema } from '../../../shared/contract/common'
import type { Role } from '../../../shared/roles'
import { oneOf } from '../check'

export interface UserRecord {
  id: number
  username: string
  displayName: string
  role: Role
  disabled: boolean
  passwordHash: string
  createdAt: number
  updatedAt: number
  lastLoginAt: number | null
}

interface UserRow {
  id: number
  username: string
  display_name: string
  role: string
  password_hash: string
  disabled: 0 | 1
  created_at: number
  updated_at: number
  last_login_at: number | null
}

/** users.role, checked (sessions read it through their join too). */
export function roleOf(value: unknown): Role {
  return oneOf(RoleSchema, 'users', 'role', value)
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: roleOf(row.role),
    disabled: row.disabled === 1,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  }
}

export type UsersRepo = ReturnType<typeof usersRepo>

export function usersRepo(db: Database) {
  const byId = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?')
  const byName = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?')
  const all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY id')
  const counts = db.prepare<[], { total: number; active: number; activeAdmins: number }>(
    `SELECT count(*) AS total,
            coalesce(sum(disabled = 0), 0) AS active,
            coalesce(sum(disabled = 0 AND role = 'admin'), 0) AS activeAdmins
       FROM users`,
  )
  const insert = db.prepare(
    `INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
     VALUES (@username, @displayName, @role, @passwordHash, @now, @now)`,
  )
  const setRole = db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE id = ?')
  const setDisabled = db.prepare('UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?')
  const setHash = db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?')
  const touchLogin = db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?')

  return {
    findById(id: number): UserRecord | null {
      const row = byId.get(id)
      return row ? toRecord(row) : null
    },
    findByUsername(username: string): UserRecord | null {
      const row = byName.get(username)
      return row ? toRecord(row) : null
    },
    list(): UserRecord[] {
      return all.all().map(toRecord)
    },
    counts() {
      return counts.get()!
    },
    insert(user: {
      username: string
      displayName: string
      role: Role
      passwordHash: string
      now: number
    }): number {
      return Number(insert.run(user).lastInsertRowid)
    },
    setRole(id: number, role: Role, now: number): void {
      setRole.run(role, now, id)
    },
    setDisabled(id: number, disabled: boolean, now: number): void {
      setDisabled.run(disabled ? 1 : 0, now, id)
    },
    setPasswordHash(id: number, hash: string, now: number): void {
      setHash.run(hash, now, id)
    },
    touchLogin(id: number, now: number): void {
      touchLogin.run(now, id)
    },
  }
}

import type { Database } from 'better-sqlite3'

export interface AuditRecord {
  id: number
  at: number
  actorUserId: number | null
  actor: string
  action: string
  target: string | null
  details: Record<string, unknown> | null
  ip: string | null
}

interface AuditRow {
  id: number
  at: number
  actor_user_id: number | null
  actor: string
  action: string
  target: string | null
  details: string | null
  ip: string | null
}

export type AuditRepo = ReturnType<typeof auditRepo>

export function auditRepo(db: Database) {
  const insert = db.prepare(
    'INSERT INTO audit_log (at, actor_user_id, actor, action, target, details, ip) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const page = db.prepare<[number, string | null, string | null, number], AuditRow>(
    `SELECT * FROM audit_log
      WHERE id < ? AND (? IS NULL OR action = ?)
      ORDER BY id DESC LIMIT ?`,
  )
  return {
    insert(e: Omit<AuditRecord, 'id'>): number {
      return Number(
        insert.run(
          e.at,
          e.actorUserId,
          e.actor,
          e.action,
          e.target,
          e.details ? JSON.stringify(e.details) : null,
          e.ip,
        ).lastInsertRowid,
      )
    },
    list(q: { limit: number; beforeId?: number; action?: string }): AuditRecord[] {
      const action = q.action ?? null
      return page.all(q.beforeId ?? Number.MAX_SAFE_INTEGER, action, action, q.limit).map((row) => ({
        id: row.id,
        at: row.at,
        actorUserId: row.actor_user_id,
        actor: row.actor,
        action: row.action,
        target: row.target,
        details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
        ip: row.ip,
      }))
    },
  }
}

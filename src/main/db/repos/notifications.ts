import type { Database } from 'better-sqlite3'
import { NotificationKindSchema, type NotificationKind } from '../../../shared/contract/monitoring'
import { oneOf } from '../check'
import { UnknownValueError } from '../errors'

export interface NotificationRow {
  id: number
  at: number
  kind: NotificationKind
  key: string
  params: Record<string, string | number>
}

export type NotificationsRepo = ReturnType<typeof notificationsRepo>

export function notificationsRepo(db: Database) {
  const insert = db.prepare<[number, string, string, string]>(
    'INSERT INTO notifications (at, kind, key, params) VALUES (?, ?, ?, ?)',
  )
  const lastFor = db.prepare<[string, string], { at: number }>(
    'SELECT at FROM notifications WHERE kind = ? AND key = ? ORDER BY at DESC LIMIT 1',
  )
  const latest = db.prepare<[number], Record<string, unknown>>(
    'SELECT * FROM notifications ORDER BY id DESC LIMIT ?',
  )
  const prefs = db.prepare<[number], { seen_id: number; muted: string }>(
    'SELECT seen_id, muted FROM notification_prefs WHERE user_id = ?',
  )
  const upsertSeen = db.prepare(
    `INSERT INTO notification_prefs (user_id, seen_id) VALUES (?, ?)
     ON CONFLICT (user_id) DO UPDATE SET seen_id = max(seen_id, excluded.seen_id)`,
  )
  const upsertMuted = db.prepare(
    `INSERT INTO notification_prefs (user_id, muted) VALUES (?, ?)
     ON CONFLICT (user_id) DO UPDATE SET muted = excluded.muted`,
  )
  const toRow = (r: Record<string, unknown>): NotificationRow => ({
    id: r.id as number,
    at: r.at as number,
    kind: oneOf(NotificationKindSchema, 'notifications', 'kind', r.kind),
    key: r.key as string,
    params: JSON.parse(r.params as string) as Record<string, string | number>,
  })

  return {
    insert(n: Omit<NotificationRow, 'id'>): NotificationRow {
      const id = Number(insert.run(n.at, n.kind, n.key, JSON.stringify(n.params)).lastInsertRowid)
      return { ...n, id }
    },
    lastAt: (kind: NotificationKind, key: string) => lastFor.get(kind, key)?.at ?? null,
    latest: (limit: number) => latest.all(limit).map(toRow),
    prefs(userId: number): { seenId: number; muted: NotificationKind[] } {
      const r = prefs.get(userId)
      const muted: unknown = r ? JSON.parse(r.muted) : []
      if (!Array.isArray(muted)) throw new UnknownValueError('notification_prefs', 'muted', r?.muted)
      return {
        seenId: r?.seen_id ?? 0,
        muted: muted.map((k) => oneOf(NotificationKindSchema, 'notification_prefs', 'muted', k)),
      }
    },
    markSeen: (userId: number, upTo: number) => void upsertSeen.run(userId, upTo),
    setMuted: (userId: number, kinds: NotificationKind[]) =>
      void upsertMuted.run(userId, JSON.stringify(kinds)),
  }
}

import type { Database } from 'better-sqlite3'

/** How long a connection waits for another one's write lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000

/**
 * The settings of every connection to the hub's database, in one place: the hub's own connection (`main`), the
 * delivery writer thread's (`writer`) and the read-only threads' (`readonly`). WAL is a property of the file, set
 * once by the main connection; synchronous=NORMAL is safe with WAL (a process crash loses nothing committed).
 */
export function applyPragmas(db: Database, role: 'main' | 'writer' | 'readonly'): void {
  if (role === 'main') db.pragma('journal_mode = WAL')
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  if (role === 'readonly') return
  db.pragma('foreign_keys = ON')
  db.pragma('synchronous = NORMAL')
}

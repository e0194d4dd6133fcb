import { closeSync, existsSync, mkdirSync, openSync, readSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Logger } from 'pino'
import { DatabaseFromFutureError } from './errors'
import { latestVersion, migrate, type MigrateResult } from './migrate'
import type { Migration } from './migration'
import { MIGRATIONS } from './migrations'
import { applyPragmas } from './pragmas'

export type { Database } from 'better-sqlite3'

/** user_version straight from the 100-byte file header (offset 60, big-endian), without opening SQLite. */
export function headerUserVersion(file: string): number | null {
  if (!existsSync(file)) return null
  const fd = openSync(file, 'r')
  try {
    const header = Buffer.alloc(100)
    const n = readSync(fd, header, 0, 100, 0)
    if (n < 100 || header.toString('latin1', 0, 15) !== 'SQLite format 3') return null
    return header.readUInt32BE(60)
  } finally {
    closeSync(fd)
  }
}

export interface OpenedDatabase {
  db: Database.Database
  migration: MigrateResult
}

/**
 * Opens the hub's one SQLite connection: WAL (readers never block the writer), foreign keys on, a busy timeout,
 * synchronous=NORMAL (safe with WAL: a process crash loses nothing committed). Migrates to the latest schema.
 */
export function openDatabase(
  file: string,
  options: { backupsDir: string; logger: Logger; migrations?: readonly Migration[] },
): OpenedDatabase {
  const migrations = options.migrations ?? MIGRATIONS
  const latest = latestVersion(migrations)
  // Refuse a newer database before SQLite touches it: even setting WAL mode would rewrite its header.
  const headerVersion = headerUserVersion(file)
  if (headerVersion !== null && headerVersion > latest)
    throw new DatabaseFromFutureError(file, headerVersion, latest)

  mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  try {
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > latest) throw new DatabaseFromFutureError(file, version, latest)
    applyPragmas(db, 'main')
    const migration = migrate(db, migrations, {
      file,
      backupsDir: options.backupsDir,
      logger: options.logger,
    })
    return { db, migration }
  } catch (err) {
    db.close()
    throw err
  }
}

/** Folds the WAL into the main file and closes; after this the .db file alone is a complete copy. */
export function closeDatabase(db: Database.Database): void {
  if (!db.open) return
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
}

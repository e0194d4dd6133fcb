import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import type { Logger } from 'pino'
import { DatabaseFromFutureError } from './errors'
import type { Migration } from './migration'

export interface MigrateResult {
  from: number
  to: number
  backup: string | null
}

export function latestVersion(migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migrations must be numbered 1, 2, 3…; found ${m.version} at position ${i + 1}`)
  })
  return migrations.length
}

/**
 * Brings the schema up to date. A database from a newer TapDrop is refused (never "repaired"); a database with
 * data is copied with VACUUM INTO before the first step; each step runs in its own transaction together with the
 * version bump, so a crash leaves the database at the last completed step.
 */
export function migrate(
  db: Database,
  migrations: readonly Migration[],
  options: { file: string; backupsDir: string; logger: Logger; now?: () => Date },
): MigrateResult {
  const latest = latestVersion(migrations)
  const from = db.pragma('user_version', { simple: true }) as number
  if (from > latest) throw new DatabaseFromFutureError(options.file, from, latest)
  if (from === latest) return { from, to: from, backup: null }

  let backup: string | null = null
  if (from > 0) {
    mkdirSync(options.backupsDir, { recursive: true })
    const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')
    backup = join(options.backupsDir, `tapdrop-v${from}-${stamp}.db`)
    db.prepare('VACUUM INTO ?').run(backup)
    options.logger.info({ backup, from, to: latest }, 'database backed up before migrating')
  }

  for (const m of migrations.slice(from)) {
    db.transaction(() => {
      m.up(db)
      db.pragma(`user_version = ${m.version}`)
    })()
    options.logger.info({ version: m.version }, `migrated: ${m.name}`)
  }
  return { from, to: latest, backup }
}

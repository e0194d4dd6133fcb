import type { Database } from 'better-sqlite3'

/** A store's sync state: one row (migration 10), what must survive a kill -9. */
export interface ChainStateRecord {
  appliedVersion: number | null
  /** The last good catalog as applied (JSON); the bindings are read from it at start. */
  appliedCatalog: string | null
  /** Its pointer's ETag: the conditional GET asks with it, so an unchanged catalog costs no body. */
  appliedEtag: string | null
  appliedAt: number | null
  lastSyncAt: number | null
  lastAttemptAt: number | null
  error: { code: string; message: string; at: number } | null
  failures: number
}

/** A complete, checked copy of a bucket object under media/chain/ (a partial one is never a row). */
export interface ChainFileRecord {
  sha256: string
  key: string
  path: string
  sizeBytes: number
  addedAt: number
}

type Row = Record<string, unknown>

export type ChainRepo = ReturnType<typeof chainRepo>

export function chainRepo(db: Database) {
  const state = db.prepare<[], Row>('SELECT * FROM chain_state WHERE id = 1')
  const applied = db.prepare(`
    UPDATE chain_state SET applied_version = @version, applied_catalog = @catalog, applied_etag = @etag,
                           applied_at = @now, last_sync_at = @now, error_code = NULL, error_message = NULL,
                           error_at = NULL, failures = 0
    WHERE id = 1`)
  const synced = db.prepare(`
    UPDATE chain_state SET last_sync_at = @now, error_code = NULL, error_message = NULL, error_at = NULL, failures = 0
    WHERE id = 1`)
  const attempt = db.prepare('UPDATE chain_state SET last_attempt_at = ? WHERE id = 1')
  const failed = db.prepare(`
    UPDATE chain_state SET error_code = @code, error_message = @message, error_at = @now, failures = failures + 1
    WHERE id = 1`)
  const files = db.prepare<[], Row>('SELECT * FROM chain_files')
  const file = db.prepare<[string], Row>('SELECT * FROM chain_files WHERE sha256 = ?')
  const addFile = db.prepare(`
    INSERT INTO chain_files (sha256, key, path, size_bytes, added_at) VALUES (@sha256, @key, @path, @sizeBytes, @addedAt)
    ON CONFLICT (sha256) DO UPDATE SET key = excluded.key, path = excluded.path, size_bytes = excluded.size_bytes`)
  const removeFile = db.prepare('DELETE FROM chain_files WHERE sha256 = ?')

  const toFile = (r: Row): ChainFileRecord => ({
    sha256: r.sha256 as string,
    key: r.key as string,
    path: r.path as string,
    sizeBytes: r.size_bytes as number,
    addedAt: r.added_at as number,
  })

  return {
    state(): ChainStateRecord {
      const r = state.get()!
      return {
        appliedVersion: (r.applied_version as number | null) ?? null,
        appliedCatalog: (r.applied_catalog as string | null) ?? null,
        appliedEtag: (r.applied_etag as string | null) ?? null,
        appliedAt: (r.applied_at as number | null) ?? null,
        lastSyncAt: (r.last_sync_at as number | null) ?? null,
        lastAttemptAt: (r.last_attempt_at as number | null) ?? null,
        error:
          r.error_code === null
            ? null
            : { code: r.error_code as string, message: r.error_message as string, at: r.error_at as number },
        failures: r.failures as number,
      }
    },
    /** A catalog applied whole (the caller's transaction also recorded its videos). */
    setApplied(a: { version: number; catalog: string; etag: string; now: number }): void {
      applied.run(a)
    },
    /** The store has the newest catalog applied (the pointer did not change, or nothing is published). */
    setSynced(now: number): void {
      synced.run({ now })
    },
    setAttempt(now: number): void {
      attempt.run(now)
    },
    setFailed(e: { code: string; message: string; now: number }): void {
      failed.run(e)
    },
    files(): ChainFileRecord[] {
      return files.all().map(toFile)
    },
    file(sha256: string): ChainFileRecord | null {
      const r = file.get(sha256)
      return r ? toFile(r) : null
    },
    addFile(f: ChainFileRecord): void {
      addFile.run(f)
    },
    removeFile(sha256: string): void {
      removeFile.run(sha256)
    },
  }
}

// Errors of the database layer. They live here, not in core/, so that db/ imports nothing above it; core/errors.ts
// turns them into the API's codes (explainError).

/** The database was written by a newer TapDrop; it is left untouched. */
export class DatabaseFromFutureError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `the database ${file} is at schema version ${found}, but this TapDrop understands up to ${supported}. ` +
        'It was written by a newer TapDrop; install that version (or newer) to open it. The file was not changed.',
    )
    this.name = 'DatabaseFromFutureError'
  }
}

/**
 * SQLite's codes for a damaged file: SQLITE_CORRUPT and its extended codes (…_INDEX, …_SEQUENCE, …_VTAB), and a
 * file that is not a database at all. Anything else (no file, no driver, a busy lock) is not damage.
 */
export function isDatabaseDamage(code: unknown): code is string {
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
}

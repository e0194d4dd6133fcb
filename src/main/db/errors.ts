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

/**
 * A stored value outside the contract's vocabulary (a status, kind, role …): the row was written by hand or by some
 * other program. Raised where the row is read (its repository's fromRow), naming the table and column, instead of
 * passing an unknown value on as if it were one of ours.
 */
export class UnknownValueError extends Error {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly value: unknown,
  ) {
    super(
      `the database holds ${JSON.stringify(value)} in ${table}.${column}, which this TapDrop does not know`,
    )
    this.name = 'UnknownValueError'
  }
}

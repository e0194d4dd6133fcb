import type { Database, Transaction } from 'better-sqlite3'

/**
 * A stored transaction that takes the write lock at BEGIN. Taps and transfers are written by a second connection
 * (the delivery writer thread): a deferred transaction that reads and then writes fails at once with
 * SQLITE_BUSY_SNAPSHOT if that thread commits in between, while an immediate one waits for the lock (busy_timeout).
 * Transactions run in place use `.immediate()` directly.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- better-sqlite3's own bound for transaction functions
export function immediate<F extends (...args: any[]) => unknown>(
  t: Transaction<F>,
): Transaction<F>['immediate'] {
  // better-sqlite3's variants are plain closures: no `this` to keep.
  return t.immediate
}

/** Runs `fn` in one transaction that takes the write lock at BEGIN (see `immediate`). */
export function inWriteTransaction<T>(db: Database, fn: () => T): T {
  return db.transaction(fn).immediate()
}

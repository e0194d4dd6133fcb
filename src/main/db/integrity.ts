import { isDatabaseDamage } from './errors'
import { onReadOnlyThread } from './threads/readonly-client'

export interface IntegrityReport {
  /** SQLite's own words for each problem found (at most `limit`); empty when the file is whole. */
  problems: string[]
  /** SQLite's error code when the damage stopped the check itself (SQLITE_CORRUPT, SQLITE_NOTADB …). */
  code?: string
}

/**
 * SQLite's quick_check of the database file, on a thread of its own (db/threads/readonly.ts). It reads every page (a
 * 225 MB file took half a second on the build VM), which is why it is not on the start-up path. A damaged page
 * otherwise shows only when something reads it, as an error on whatever screen that is; this says so once, up
 * front. A check that cannot run (no file, no driver) rejects: that is not damage, and staff are not told it is.
 */
export async function checkIntegrity(
  file: string,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<IntegrityReport> {
  const reply = await onReadOnlyThread(
    file,
    { kind: 'quick-check', limit: options.limit ?? 10 },
    options.signal,
  )
  if ('problems' in reply) return { problems: reply.problems }
  if ('error' in reply && isDatabaseDamage(reply.code)) return { problems: [reply.error], code: reply.code }
  throw new Error(`the integrity check could not run: ${'error' in reply ? reply.error : 'no answer'}`)
}

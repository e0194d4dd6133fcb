import { Worker } from 'node:worker_threads'

// Plain JavaScript run with `eval` (as the writer thread is), so it works from the built app, Electron and tests.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
let db
try {
  const Database = require(workerData.driver)
  db = new Database(workerData.file, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  const rows = db.pragma('quick_check(' + workerData.limit + ')', { simple: false })
  const problems = rows.map((r) => String(Object.values(r)[0])).filter((m) => m !== 'ok')
  parentPort.postMessage({ problems })
} catch (err) {
  parentPort.postMessage({ error: String((err && err.message) || err), code: (err && err.code) || null })
} finally {
  if (db) db.close()
}
`

export interface IntegrityReport {
  /** SQLite's own words for each problem found (at most `limit`); empty when the file is whole. */
  problems: string[]
  /** SQLite's error code when the damage stopped the check itself (SQLITE_CORRUPT, SQLITE_NOTADB …). */
  code?: string
}

type Reply = { problems: string[] } | { error: string; code: string | null }

/** Errors that mean the file is damaged, as opposed to a check that could not run (no driver, no file …). */
const DAMAGE = /^SQLITE_(CORRUPT|NOTADB)/

/**
 * SQLite's quick_check of the database file on a thread of its own, with its own read-only connection: WAL lets it
 * read while the hub writes, and the hub serves meanwhile. It reads every page (a 225 MB file took half a second
 * on the build VM), which is why it is not on the start-up path. A damaged page otherwise shows only when something
 * reads it, as an error on whatever screen that is; this says so once, up front. A check that cannot run (no file,
 * no driver) rejects: that is not damage, and staff are not told it is.
 */
export function checkIntegrity(file: string, limit = 10): Promise<IntegrityReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD, {
      eval: true,
      // Resolved here: an eval'd thread has no module path of its own to resolve from.
      workerData: { file, limit, driver: require.resolve('better-sqlite3') },
    })
    // Never holds the hub open: a stop in the middle of the check ends it.
    worker.unref()
    worker.once('message', (m: Reply) => {
      if ('problems' in m) resolve({ problems: m.problems })
      else if (m.code && DAMAGE.test(m.code)) resolve({ problems: [m.error], code: m.code })
      else reject(new Error(`the integrity check could not run: ${m.error}`))
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the integrity check stopped (exit code ${code})`)))
  })
}

import { Worker } from 'node:worker_threads'

// Plain JavaScript run with `eval` (as the writer thread is), so it works from the built app, Electron and tests.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
let db
try {
  const Database = require(workerData.driver)
  db = new Database(workerData.file, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  const task = workerData.task
  if (task.kind === 'quick-check') {
    const rows = db.pragma('quick_check(' + task.limit + ')')
    parentPort.postMessage({ problems: rows.map((r) => String(Object.values(r)[0])).filter((m) => m !== 'ok') })
  } else {
    db.prepare('VACUUM INTO ?').run(task.into)
    parentPort.postMessage({ copied: true })
  }
} catch (err) {
  parentPort.postMessage({ error: String((err && err.message) || err), code: (err && err.code) || null })
} finally {
  if (db) db.close()
}
`

export type ReadOnlyTask = { kind: 'quick-check'; limit: number } | { kind: 'vacuum-into'; into: string }
export type ReadOnlyReply = { problems: string[] } | { copied: true } | { error: string; code: string | null }

/**
 * Runs one long read of the database file on a thread of its own, with its own read-only connection: WAL lets it
 * read a consistent snapshot while the hub writes, and the hub's event loop never waits for it. Resolves with
 * what the thread answered (an SQLite error included); rejects only if the thread itself failed.
 */
export function onReadOnlyThread(file: string, task: ReadOnlyTask): Promise<ReadOnlyReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD, {
      eval: true,
      // Resolved here: an eval'd thread has no module path of its own to resolve from.
      workerData: { file, task, driver: require.resolve('better-sqlite3') },
    })
    // Never holds the hub open: a stop in the middle ends it.
    worker.unref()
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the database thread stopped (exit code ${code})`)))
  })
}

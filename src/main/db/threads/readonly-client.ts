import { startThread } from './spawn'

export type ReadOnlyTask = { kind: 'quick-check'; limit: number } | { kind: 'vacuum-into'; into: string }
export type ReadOnlyReply = { problems: string[] } | { copied: true } | { error: string; code: string | null }

/**
 * Runs one long read of the database file on a thread of its own (readonly.ts), with its own read-only
 * connection: WAL lets it read a consistent snapshot while the hub writes, and the hub's event loop never waits
 * for it. Resolves with what the thread answered (an SQLite error included); rejects only if the thread itself
 * failed.
 */
export function onReadOnlyThread(file: string, task: ReadOnlyTask): Promise<ReadOnlyReply> {
  return new Promise((resolve, reject) => {
    const worker = startThread('readonly', { workerData: { file, task } })
    // Never holds the hub open: a stop in the middle ends it.
    worker.unref()
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the database thread stopped (exit code ${code})`)))
  })
}

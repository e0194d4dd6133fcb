import { startThread } from './spawn'

export type ReadOnlyTask = { kind: 'quick-check'; limit: number } | { kind: 'vacuum-into'; into: string }
export type ReadOnlyReply = { problems: string[] } | { copied: true } | { error: string; code: string | null }

/** The thread was ended before it answered (its `signal` was aborted). */
export class ThreadEndedError extends Error {
  constructor() {
    super('the database thread was ended before it answered')
  }
}

/**
 * Runs one long read of the database file on a thread of its own (readonly.ts), with its own read-only
 * connection: WAL lets it read a consistent snapshot while the hub writes, and the hub's event loop never waits
 * for it. Resolves with what the thread answered (an SQLite error included) once the thread has ended and closed
 * the file; rejects if the thread itself failed, or with ThreadEndedError when `signal` ended it first.
 */
export function onReadOnlyThread(
  file: string,
  task: ReadOnlyTask,
  signal?: AbortSignal,
): Promise<ReadOnlyReply> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ThreadEndedError())
    const worker = startThread('readonly', { workerData: { file, task } })
    // Never holds the hub open by itself; a stop ends it through `signal`.
    worker.unref()
    let reply: ReadOnlyReply | null = null
    let failure: Error | null = null
    const end = () => void worker.terminate()
    signal?.addEventListener('abort', end, { once: true })
    worker.once('message', (m: ReadOnlyReply) => (reply = m))
    worker.once('error', (err) => (failure = err))
    // Settled on exit, not on the answer: only then is the thread's connection closed.
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', end)
      if (reply) resolve(reply)
      else if (failure) reject(failure)
      else if (signal?.aborted) reject(new ThreadEndedError())
      else reject(new Error(`the database thread stopped (exit code ${code})`))
    })
  })
}

import type { BatchOp, DeliveryRepo } from '../../../db/repos/delivery'

/**
 * Where the delivery book's batches go. `write` queues one batch and calls `done` (with an error message or null)
 * once it is committed or has failed; `drain` blocks until every queued batch has settled and its `done` ran.
 */
export interface BatchWriter {
  write(ops: BatchOp[], done: (error: string | null) => void): void
  drain(): void
  /** Writes what is queued and lets go of the database; resolves once nothing of the writer holds the file. */
  close(): Promise<void>
}

/** The hub's own connection as a writer; it also reads a writer thread's mark (see thread-writer.ts). */
export interface DirectWriter extends BatchWriter {
  /** The last batch the writer thread named `writer` committed (0: none), as the file says. */
  writerMark(writer: string): number
}

/** Writes on the caller's own connection, at once (in-memory databases; the fallback of the thread). */
export function directWriter(repo: DeliveryRepo): DirectWriter {
  return {
    writerMark: (writer) => repo.writerMark(writer),
    write(ops, done) {
      let error: string | null = null
      try {
        repo.runOps(ops)
      } catch (err) {
        error = (err as Error).message
      }
      done(error)
    },
    drain() {},
    close: () => Promise.resolve(),
  }
}

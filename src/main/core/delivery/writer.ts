import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import type { Logger } from 'pino'
import { BATCH_SQL, type BatchOp, type DeliveryRepo } from '../../db/repos/delivery'

/**
 * Where the accounting book's batches go. `write` queues one batch and calls `done` (with an error message or
 * null) once it is committed or has failed; `drain` blocks until every queued batch has settled and its `done` ran.
 */
export interface BatchWriter {
  write(ops: BatchOp[], done: (error: string | null) => void): void
  drain(): void
  close(): void
}

/** Writes on the caller's own connection, at once (tests with in-memory databases; the fallback). */
export function directWriter(repo: DeliveryRepo): BatchWriter {
  return {
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
    close() {},
  }
}

// The writer thread: its own connection to the same file (WAL: the hub's connection keeps reading meanwhile),
// the batch statements prepared once, one transaction per batch. Plain JavaScript, run with `eval`, so the same
// code works from the built app, Electron and the tests without a bundler entry of its own.
// settled[0]: the last batch settled; settled[1]: 1 once the thread is ready, -1 if it could not start, -2 once
// it has stopped (an exception it did not catch); settled[2]: the last batch committed (set before its reply, so
// a batch committed by a thread that died before replying is known to be in the file and is not written twice).
const THREAD = `
const { workerData } = require('node:worker_threads')
const settled = new Int32Array(workerData.settled)
process.on('exit', () => {
  if (Atomics.load(settled, 1) !== 1) return
  Atomics.store(settled, 1, -2)
  Atomics.notify(settled, 1)
  Atomics.notify(settled, 0)
})
let db, run
try {
  const Database = require(workerData.driver)
  db = new Database(workerData.file, { fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  const statements = {}
  for (const [name, sql] of Object.entries(workerData.sql)) statements[name] = db.prepare(sql)
  run = db.transaction((ops) => { for (const [name, params] of ops) statements[name].run(params) })
  Atomics.store(settled, 1, 1)
} catch (err) {
  Atomics.store(settled, 1, -1)
  throw err
} finally {
  Atomics.notify(settled, 1)
}
const port = workerData.port
port.on('message', (m) => {
  if (m.close) {
    db.close()
    port.close()
    return
  }
  let error = null
  try {
    run.immediate(m.ops)
    Atomics.store(settled, 2, m.seq)
  } catch (err) { error = String((err && err.message) || err) }
  port.postMessage({ seq: m.seq, error })
  Atomics.store(settled, 0, m.seq)
  Atomics.notify(settled, 0)
})
`

interface Reply {
  seq: number
  error: string | null
}

/**
 * Batches written by a thread of their own, so recording taps and bytes never holds up the event loop that serves
 * phones (measured: SQLite was a fifth of the hub's time per tap under load). Batches are settled in order; a
 * synchronous `drain` (readers that need SQLite up to date) waits on a shared counter the thread bumps after each
 * batch, then takes the replies straight off the port. If the thread cannot start or dies, batches go to
 * `fallback` (the hub's own connection) and nothing is lost: unsettled batches report an error and are retried.
 */
export class ThreadWriter implements BatchWriter {
  private readonly worker: Worker
  private readonly port: MessagePort
  private readonly settled = new Int32Array(new SharedArrayBuffer(12))
  private readonly pending = new Map<number, (error: string | null) => void>()
  private seq = 0
  private broken = false

  constructor(
    file: string,
    private readonly fallback: BatchWriter,
    private readonly logger: Logger,
  ) {
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.worker = new Worker(THREAD, {
      eval: true,
      workerData: {
        file,
        // Resolved here: an eval'd thread has no module path of its own to resolve from.
        driver: require.resolve('better-sqlite3'),
        sql: BATCH_SQL,
        settled: this.settled.buffer,
        port: port2,
      },
      transferList: [port2],
    })
    this.worker.on('error', (err) => this.fail(err))
    this.worker.on('exit', (code) => {
      if (!this.broken && code !== 0) this.fail(new Error(`the writer thread exited with code ${code}`))
    })
    this.port.on('message', (m: Reply) => this.settle(m))
    // Neither keeps the hub alive: stop() drains and closes them.
    this.worker.unref()
    this.port.unref()
  }

  write(ops: BatchOp[], done: (error: string | null) => void): void {
    if (this.broken) return this.fallback.write(ops, done)
    const seq = ++this.seq
    this.pending.set(seq, done)
    this.port.postMessage({ seq, ops })
  }

  drain(): void {
    // Bounded: a thread that neither commits nor fails within 30 s (it cannot happen short of a hung disk) leaves
    // its batches pending rather than blocking the hub; they settle when it answers, and nothing is written twice.
    const giveUp = Date.now() + 30_000
    while (this.pending.size > 0 && !this.broken) {
      if (Date.now() > giveUp) {
        this.logger.error({ waiting: this.pending.size }, 'the writer thread has not committed for 30 s')
        return
      }
      // The thread's 'error' event cannot arrive while this loop blocks the event loop: read its state instead.
      const state = Atomics.load(this.settled, 1)
      if (state === -1) return this.fail(new Error('the writer thread could not start'))
      if (state === -2) return this.fail(new Error('the writer thread stopped'))
      if (state === 0) {
        Atomics.wait(this.settled, 1, 0, 1000)
        continue
      }
      const seen = Atomics.load(this.settled, 0)
      if (seen < this.seq) Atomics.wait(this.settled, 0, seen, 1000)
      this.takeReplies()
    }
  }

  close(): void {
    this.drain()
    if (this.broken) return
    this.broken = true
    this.port.postMessage({ close: true })
    this.port.close()
  }

  /** Settles every reply already on the port, without waiting for the event loop to deliver them. */
  private takeReplies(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port))
      this.settle(m.message as Reply)
  }

  private settle(m: Reply): void {
    const done = this.pending.get(m.seq)
    if (!done) return
    this.pending.delete(m.seq)
    done(m.error)
  }

  private fail(err: Error): void {
    if (this.broken) return
    this.broken = true
    this.logger.error(
      { err },
      'the writer thread failed; taps and transfers are written on the main connection',
    )
    // Replies the thread sent before it stopped are still on the port; a batch it committed without replying is
    // in the file all the same (settled[2]). Only the rest are reported unwritten, and the book writes them again.
    this.takeReplies()
    const committed = Atomics.load(this.settled, 2)
    const unsettled = [...this.pending]
    this.pending.clear()
    for (const [seq, done] of unsettled)
      done(seq <= committed ? null : 'the writer thread stopped before committing')
  }
}

import { randomUUID } from 'node:crypto'
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { BatchOp } from '../../../db/repos/delivery'
import {
  SLOT,
  SLOTS,
  STATE,
  type BatchWriterData,
  type BatchWriterReply,
  type BatchWriterRequest,
} from '../../../db/threads/batch-writer-protocol'
import { startThread } from '../../../db/threads/spawn'
import type { BatchWriter, DirectWriter } from './writer'

/**
 * Batches written by a thread of their own (db/threads/batch-writer.ts), so recording taps and bytes never holds
 * up the event loop that serves phones (measured: SQLite was a fifth of the hub's time per tap under load). Batches
 * are settled in order; a synchronous `drain` (readers that need SQLite up to date) waits on a shared counter the
 * thread bumps after each batch, then takes the replies straight off the port. If the thread cannot start or dies,
 * batches go to `fallback` (the hub's own connection) and nothing is lost: unsettled batches report an error and
 * are retried.
 */
export class ThreadWriter implements BatchWriter {
  private readonly worker: Worker | null = null
  private readonly port: MessagePort
  private readonly slots = new Int32Array(new SharedArrayBuffer(SLOTS * 4))
  private readonly pending = new Map<number, (error: string | null) => void>()
  private seq = 0
  private broken = false
  /** This thread's row in writer_marks. */
  private readonly name = randomUUID()
  /** Resolved once the thread has ended (its connection closed). */
  private readonly ended: Promise<void>
  private markEnded: () => void = () => {}

  constructor(
    file: string,
    private readonly fallback: DirectWriter,
    private readonly logger: Logger,
  ) {
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.ended = new Promise((resolve) => (this.markEnded = resolve))
    try {
      this.worker = startThread('batch-writer', {
        workerData: {
          file,
          writer: this.name,
          slots: this.slots.buffer as SharedArrayBuffer,
          port: port2,
        } satisfies BatchWriterData,
        transferList: [port2],
      })
    } catch (err) {
      // Its file missing (a broken install): the hub's own connection writes, as before the thread existed.
      port2.close()
      this.fail(err as Error)
      this.markEnded()
      return
    }
    this.worker.on('error', (err) => this.fail(err))
    this.worker.on('exit', (code) => {
      this.markEnded()
      if (!this.broken && code !== 0) this.fail(new Error(`the writer thread exited with code ${code}`))
    })
    this.port.on('message', (m: BatchWriterReply) => this.settle(m))
    // Neither keeps the hub alive: stop() drains and closes them.
    this.worker.unref()
    this.port.unref()
  }

  write(ops: BatchOp[], done: (error: string | null) => void): void {
    if (this.broken) return this.fallback.write(ops, done)
    const seq = ++this.seq
    this.pending.set(seq, done)
    this.port.postMessage({ seq, ops } satisfies BatchWriterRequest)
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
      const state = Atomics.load(this.slots, SLOT.state)
      if (state === STATE.failed) return this.fail(new Error('the writer thread could not start'))
      if (state === STATE.stopped) return this.fail(new Error('the writer thread stopped'))
      if (state === STATE.starting) {
        Atomics.wait(this.slots, SLOT.state, STATE.starting, 1000)
        continue
      }
      const seen = Atomics.load(this.slots, SLOT.settled)
      if (seen < this.seq) Atomics.wait(this.slots, SLOT.settled, seen, 1000)
      this.takeReplies()
    }
  }

  close(): Promise<void> {
    this.drain()
    // Unreferenced, the thread would let the process end (with code 0) before its 'exit' event: the stop that awaits
    // it would never finish, and the run file and the hub's own connection would be left behind.
    this.worker?.ref()
    if (!this.broken) {
      this.broken = true
      this.port.postMessage({ close: true } satisfies BatchWriterRequest)
      this.port.close()
    } else void this.worker?.terminate()
    // The thread closes its connection and ends; the hub's stop waits for that before it closes its own.
    return this.ended.then(() => this.fallback.close())
  }

  /** Settles every reply already on the port, without waiting for the event loop to deliver them. */
  private takeReplies(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port))
      this.settle(m.message as BatchWriterReply)
  }

  private settle(m: BatchWriterReply): void {
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
    // in the file all the same (SLOT.committed, or the mark committed with it when the thread died before that
    // store). Only the rest are reported unwritten, and the book writes them again.
    this.takeReplies()
    const committed = Math.max(Atomics.load(this.slots, SLOT.committed), this.markInFile())
    const unsettled = [...this.pending]
    this.pending.clear()
    for (const [seq, done] of unsettled)
      done(seq <= committed ? null : 'the writer thread stopped before committing')
  }

  private markInFile(): number {
    try {
      return this.fallback.writerMark(this.name)
    } catch (err) {
      // The file unreadable too: the batches after SLOT.committed are retried, and the retries fail the same way.
      this.logger.warn({ err }, 'could not read the writer thread’s mark')
      return 0
    }
  }
}

// A database thread (see spawn.ts): writes the delivery book's batches of taps and transfers, one transaction per
// batch, on a connection of its own to the same file (WAL: the hub's connection keeps reading meanwhile). The
// statements are the delivery repository's own (BATCH_SQL), prepared once.
import { workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { applyPragmas } from '../pragmas'
import { BATCH_SQL, WRITER_MARK_SQL, type BatchOp } from '../repos/delivery'
import {
  SLOT,
  STATE,
  type BatchWriterData,
  type BatchWriterReply,
  type BatchWriterRequest,
} from './batch-writer-protocol'

const { file, writer, slots: buffer, port } = workerData as BatchWriterData
const slots = new Int32Array(buffer)

function setState(state: number): void {
  Atomics.store(slots, SLOT.state, state)
  Atomics.notify(slots, SLOT.state)
  Atomics.notify(slots, SLOT.settled)
}

// An exception nobody caught ends the thread: the client, possibly blocked in a synchronous wait, learns it here.
process.on('exit', () => {
  if (Atomics.load(slots, SLOT.state) === STATE.ready) setState(STATE.stopped)
})

let db: Database.Database
let run: (seq: number, ops: BatchOp[]) => void
let dropMark: () => void
try {
  db = new Database(file, { fileMustExist: true })
  applyPragmas(db, 'writer')
  const statements = Object.fromEntries(
    Object.entries(BATCH_SQL).map(([name, sql]) => [name, db.prepare(sql)]),
  ) as Record<keyof typeof BATCH_SQL, Database.Statement>
  const mark = db.prepare(WRITER_MARK_SQL.set)
  const drop = db.prepare(WRITER_MARK_SQL.drop)
  dropMark = () => drop.run(writer)
  // Immediate: the write lock is taken at BEGIN, so the hub's own read-then-write transactions stay whole. The mark
  // commits with the batch: the client reads it if this thread dies before SLOT.committed says so.
  run = db.transaction((seq: number, ops: BatchOp[]) => {
    for (const [name, params] of ops) statements[name].run(params)
    mark.run(writer, seq)
  }).immediate
  setState(STATE.ready)
} catch (err) {
  setState(STATE.failed)
  throw err
}

port.on('message', (m: BatchWriterRequest) => {
  if ('close' in m) {
    try {
      dropMark()
    } catch {
      // A full disk or a damaged file: the row stays, one small row a writer, and harms nothing.
    }
    db.close()
    port.close()
    return
  }
  let error: string | null = null
  try {
    run(m.seq, m.ops)
    Atomics.store(slots, SLOT.committed, m.seq)
  } catch (err) {
    error = String((err as Error)?.message ?? err)
  }
  port.postMessage({ seq: m.seq, error } satisfies BatchWriterReply)
  Atomics.store(slots, SLOT.settled, m.seq)
  Atomics.notify(slots, SLOT.settled)
})

import { once } from 'node:events'
import { join } from 'node:path'
import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../src/main/db/open'
import { batchOps, type BatchOp, type NewTap } from '../../src/main/db/repos/delivery'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { silentLogger } from '../../src/main/core/logger'
import { TransferBook } from '../../src/main/core/delivery/records/book'
import { ThreadWriter } from '../../src/main/core/delivery/records/thread-writer'
import { directWriter, type DirectWriter } from '../../src/main/core/delivery/records/writer'
import { inWriteTransaction } from '../../src/main/db/immediate'
import { SLOT } from '../../src/main/db/threads/batch-writer-protocol'
import { newTransfer } from '../helpers/records'
import { tempDir } from '../helpers/tmp'

// The writer thread is real here: its own better-sqlite3 connection to a real database file, in a worker thread.
let dir: ReturnType<typeof tempDir>
let repos: Repos
let file: string
const logger = silentLogger()

beforeEach(() => {
  dir = tempDir()
  file = join(dir.path, 'tapdrop.db')
  repos = createRepos(openDatabase(file, { backupsDir: join(dir.path, 'backups'), logger }).db)
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

const tap = (id: number): NewTap & { id: number } => ({
  id,
  tagId: null,
  tagCode: 'shelf',
  deviceId: `device-${id}`,
  ip: '192.168.1.20',
  userAgent: 'phone',
  at: 1_700_000_000_000 + id,
  outcome: 'unknown-tag',
})
const tapOps = (from: number, n: number): BatchOp[] =>
  batchOps({ taps: Array.from({ length: n }, (_, i) => tap(from + i)), created: [], updated: [] })
const count = () => (repos.db.prepare('SELECT count(*) AS n FROM taps').get() as { n: number }).n

describe('the writer thread', () => {
  it('commits batches in order on its own connection; drain makes them visible to the hub at once', () => {
    const writer = new ThreadWriter(file, directWriter(repos.delivery), logger)
    const settled: Array<[number, string | null]> = []
    for (let b = 0; b < 20; b++) writer.write(tapOps(b * 50 + 1, 50), (error) => settled.push([b, error]))
    writer.drain()
    expect(settled).toEqual(Array.from({ length: 20 }, (_, b) => [b, null]))
    expect(count()).toBe(1000)
    writer.close()
  })

  it('reports a batch SQLite refuses as a whole (nothing of it stays) and goes on with the next', () => {
    const writer = new ThreadWriter(file, directWriter(repos.delivery), logger)
    const errors: Array<string | null> = []
    writer.write(tapOps(1, 10), (e) => errors.push(e))
    // Tap 5 again: a primary-key conflict in the middle of the second batch.
    writer.write([...tapOps(11, 5), ...tapOps(5, 1)], (e) => errors.push(e))
    writer.write(tapOps(16, 5), (e) => errors.push(e))
    writer.drain()
    expect(errors[0]).toBeNull()
    expect(errors[1]).toMatch(/UNIQUE|PRIMARY/i)
    expect(errors[2]).toBeNull()
    const ids = (repos.db.prepare('SELECT id FROM taps ORDER BY id').all() as Array<{ id: number }>).map(
      (r) => r.id,
    )
    expect(ids).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), 16, 17, 18, 19, 20])
    writer.close()
  })

  it('falls back to the hub connection when the thread cannot open the database, losing nothing', () => {
    const fallback = directWriter(repos.delivery)
    let fallbackWrites = 0
    const counting: DirectWriter = {
      ...fallback,
      write: (ops, done) => (fallbackWrites++, fallback.write(ops, done)),
    }
    const writer = new ThreadWriter(join(dir.path, 'missing.db'), counting, logger)
    const errors: Array<string | null> = []
    writer.write(tapOps(1, 5), (e) => errors.push(e))
    writer.drain()
    expect(errors).toEqual([expect.stringMatching(/writer thread/)])
    writer.write(tapOps(1, 5), (e) => errors.push(e))
    expect(errors[1]).toBeNull()
    expect(fallbackWrites).toBe(1)
    expect(count()).toBe(5)
    writer.close()
  })

  it('when the thread dies mid-run, committed batches count once and the rest go to the hub connection', async () => {
    const book = new TransferBook(repos.delivery, { changed: () => {}, status: () => {} }, logger)
    const writer = new ThreadWriter(file, directWriter(repos.delivery), logger)
    book.start(writer)
    for (let i = 1; i <= 30; i++) book.addTap(tap(i))
    book.flush()
    // Batches on their way when the thread stops: some committed, some not; which is down to timing.
    for (let i = 31; i <= 60; i++) {
      book.addTap(tap(i))
      if (i % 10 === 0) (book as unknown as { write(): void }).write()
    }
    // The way a thread ends abnormally short of killing the process (white box: the test reaches the worker).
    const worker = (writer as unknown as { worker: Worker }).worker
    const exited = once(worker, 'exit')
    await worker.terminate()
    await exited
    for (let i = 61; i <= 90; i++) book.addTap(tap(i))
    // Retries run on the book's timer; a few rounds of flush bring every batch in.
    for (let round = 0; round < 5 && count() < 90; round++) {
      book.flush()
      await new Promise((r) => setTimeout(r, 50))
    }
    const ids = (repos.db.prepare('SELECT id FROM taps ORDER BY id').all() as Array<{ id: number }>).map(
      (r) => r.id,
    )
    expect(ids).toEqual(Array.from({ length: 90 }, (_, i) => i + 1))
    expect(book.idle).toBe(true)
    book.stop()
  })

  it('when the thread dies between committing a batch and saying so, that batch counts once and later taps are saved', async () => {
    const book = new TransferBook(repos.delivery, { changed: () => {}, status: () => {} }, logger)
    const writer = new ThreadWriter(file, directWriter(repos.delivery), logger)
    book.start(writer)
    writer.drain() // the thread is up
    for (let i = 1; i <= 10; i++) book.addTap(tap(i))
    ;(book as unknown as { write(): void }).write()
    // White box, to reach the narrow moment deterministically: the thread has committed the batch; then its
    // "committed" slot and its reply are taken back, as if it had died right after SQLite's commit.
    const inner = writer as unknown as { slots: Int32Array; port: MessagePort; worker: Worker }
    while (Atomics.load(inner.slots, SLOT.settled) < 1) Atomics.wait(inner.slots, SLOT.settled, 0, 1000)
    expect(count()).toBe(10)
    Atomics.store(inner.slots, SLOT.committed, 0)
    while (receiveMessageOnPort(inner.port));
    const exited = once(inner.worker, 'exit')
    await inner.worker.terminate()
    await exited
    for (let i = 11; i <= 20; i++) book.addTap(tap(i))
    for (let round = 0; round < 5 && count() < 20; round++) {
      book.flush()
      await new Promise((r) => setTimeout(r, 50))
    }
    const ids = (repos.db.prepare('SELECT id FROM taps ORDER BY id').all() as Array<{ id: number }>).map(
      (r) => r.id,
    )
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(book.idle).toBe(true)
    book.stop()
  })

  it("keeps the hub connection's read-then-write transactions whole while the thread commits", () => {
    const writer = new ThreadWriter(file, directWriter(repos.delivery), logger)
    writer.write(tapOps(1, 1), () => {})
    writer.drain() // the thread is up
    const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
    const audit = repos.db.prepare(
      "INSERT INTO audit_log (at, actor, action, target) VALUES (?, 'test', 'x', 'y')",
    )
    const readThenWrite = () => {
      const before = count()
      writer.write(tapOps(before + 1, 1), () => {})
      pause(200) // the thread commits now, if it can
      audit.run(Date.now())
    }
    // Deferred (SQLite's default): the thread commits between our read and our write; the write is refused.
    expect(() => repos.db.transaction(readThenWrite)()).toThrow(/SQLITE_BUSY|database is locked/i)
    writer.drain()
    // Taking the write lock at BEGIN: the thread waits for it, and both commits go through.
    expect(() => inWriteTransaction(repos.db, readThenWrite)).not.toThrow()
    writer.drain()
    expect(count()).toBe(3)
    writer.close()
  })

  it('flush() waits for what the thread has not committed yet', () => {
    const book = new TransferBook(repos.delivery, { changed: () => {}, status: () => {} }, logger)
    book.start(new ThreadWriter(file, directWriter(repos.delivery), logger))
    book.addTap({ ...tap(1), tagId: null })
    const t = book.create(
      newTransfer({ id: book.nextId(), tapId: 1, tagCode: 'shelf', createdAt: Date.now() }),
    )
    expect(t.record.id).toBe(1)
    expect(book.idle).toBe(false)
    book.flush()
    expect(book.idle).toBe(true)
    const other = new Database(file, { readonly: true })
    expect(other.prepare('SELECT count(*) AS n FROM transfers').get()).toEqual({ n: 1 })
    other.close()
    book.stop()
  })
})

import { describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../src/main/core/logger'
import type { DirectWriter } from '../../src/main/core/delivery/records/writer'

// A writer thread whose file is missing (a broken install): the hub still records every tap, on its own connection.
vi.mock('../../src/main/db/threads/spawn', () => ({
  startThread: () => {
    throw new Error('the database thread batch-writer is missing (looked for db-batch-writer.js)')
  },
}))

describe('the writer thread, missing', () => {
  it('hands every batch to the fallback instead of failing the hub', async () => {
    const { ThreadWriter } = await import('../../src/main/core/delivery/records/thread-writer')
    const written: unknown[] = []
    const fallback: DirectWriter = {
      writerMark: () => 0,
      write: (ops, done) => (written.push(ops), done(null)),
      drain: () => {},
      close: () => Promise.resolve(),
    }
    const writer = new ThreadWriter('/nowhere/tapdrop.db', fallback, silentLogger())
    const results: Array<string | null> = []
    writer.write([['cursor', [1, 7]]], (e) => results.push(e))
    writer.drain()
    expect(results).toEqual([null])
    expect(written).toHaveLength(1)
    await writer.close()
  })
})

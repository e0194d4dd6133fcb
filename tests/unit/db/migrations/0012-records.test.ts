import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'

describe('migration 12: the chain’s records', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }

  it('is number 12, after the remix work’s 11', () => {
    expect(MIGRATIONS.slice(0, 12).map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(MIGRATIONS[11]!.name).toBe('records')
  })

  it('gives each batch one sequence number and key at a store, and applies a store’s batch once at HQ', () => {
    const db = upTo(12)
    const add =
      db.prepare(`INSERT INTO records_outbox (seq, key, day, taps_to, transfers_to, funnel_to, days_to,
      records, body, size, sha256, created_at) VALUES (?, ?, '2026-11-24', 0, 0, 0, '', 0, x'00', 1, 'a', 1)`)
    add.run(1, 'records/s/2026-11-24/0000000001.jsonl.gz')
    expect(() => add.run(1, 'records/s/2026-11-24/0000000001b.jsonl.gz')).toThrow(/UNIQUE|PRIMARY/)
    expect(() => add.run(2, 'records/s/2026-11-24/0000000001.jsonl.gz')).toThrow(/UNIQUE/)
    const apply = db.prepare(
      `INSERT INTO hq_record_batches (store_id, seq, key, records, applied_at) VALUES (?, ?, 'k', 0, 1)`,
    )
    apply.run('sh-01', 1)
    apply.run('sh-02', 1)
    expect(() => apply.run('sh-01', 1)).toThrow(/UNIQUE|PRIMARY/)
  })
})

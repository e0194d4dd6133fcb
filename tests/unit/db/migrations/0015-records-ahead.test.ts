import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'

describe('migration 15: records shipped ahead', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }

  it('is number 15, after the HQ dashboard’s 14', () => {
    expect(MIGRATIONS.slice(0, 15).map((m) => m.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ])
    expect(MIGRATIONS[14]!.name).toBe('records shipped ahead')
  })

  it('lists a transfer once, in a batch that exists', () => {
    const db = upTo(15)
    db.prepare(
      `INSERT INTO records_outbox (seq, key, day, taps_to, transfers_to, funnel_to, days_to, records, body, size, sha256, created_at)
       VALUES (1, 'records/s/2026-12-05/000001.ndjson.gz', '2026-12-05', 0, 3, 0, '', 1, x'00', 1, 'x', 0)`,
    ).run()
    const add = db.prepare(
      'INSERT INTO records_transfers_ahead (transfer_id, created_at, seq) VALUES (?, ?, ?)',
    )
    add.run(5, 1000, 1)
    expect(() => add.run(5, 1000, 1)).toThrow(/UNIQUE|PRIMARY/)
    expect(() => add.run(6, 1000, 2)).toThrow(/FOREIGN KEY/)
  })
})

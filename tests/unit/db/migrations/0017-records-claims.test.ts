import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'
import { recordsRepo } from '../../../../src/main/db/repos/records'

describe('migration 17: records claims', () => {
  function all() {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS) m.up(db)
    return db
  }

  it('is number 17, after the id marks', () => {
    expect(MIGRATIONS.slice(0, 17).map((m) => m.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
    ])
    expect(MIGRATIONS[16]!.name).toBe('records claims')
  })

  it('keeps one claim per store id, read back as it was made', () => {
    const repo = recordsRepo(all())
    expect(repo.claimOf('sh-01')).toBeNull()
    const claim = {
      storeId: 'sh-01',
      seqAfter: 41,
      dayFloor: '2026-12-05',
      idBase: 1_764_900_000_000_000,
      at: 5,
    }
    repo.addClaim(claim)
    expect(repo.claimOf('sh-01')).toEqual(claim)
    expect(() => repo.addClaim({ ...claim, seqAfter: 0 })).toThrow(/UNIQUE|PRIMARY/)
    expect(repo.claimOf('sh-02')).toBeNull()
  })
})

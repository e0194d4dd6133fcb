import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'
import { douyinSharesRepo } from '../../../../src/main/db/repos/douyin-shares'
import { UnknownValueError } from '../../../../src/main/db/errors'

describe('migration 7: Douyin shares', () => {
  function migrated() {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS) m.up(db)
    return db
  }

  it('is number 7, after the number the caption library holds', () => {
    expect(MIGRATIONS.slice(0, 7).map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(MIGRATIONS[6]!.name).toBe('douyin-shares')
  })

  it('records a share for a transfer not yet written, finds it by id and by transfer, and keeps its result', () => {
    const db = migrated()
    const shares = douyinSharesRepo(db)
    // No transfer 42 in SQLite: its row may still be on the writer thread when its page asks for a share.
    shares.insert({ shareId: '7000000001', source: 'douyin', transferId: 42, createdAt: 1000 })
    shares.insert({ shareId: 'td_abc', source: 'hub', transferId: 42, createdAt: 2000 })
    expect(() =>
      shares.insert({ shareId: 'td_abc', source: 'hub', transferId: 43, createdAt: 3000 }),
    ).toThrow(/UNIQUE/)
    expect(shares.forTransfer(42).map((s) => s.shareId)).toEqual(['7000000001', 'td_abc'])
    expect(shares.setResult('7000000001', 'published', 5000)).toBe(true)
    expect(shares.setResult('nope', 'published', 5000)).toBe(false)
    expect(shares.find('7000000001')).toEqual({
      shareId: '7000000001',
      source: 'douyin',
      transferId: 42,
      createdAt: 1000,
      result: 'published',
      resultAt: 5000,
    })
    expect(shares.find('nope')).toBeNull()
  })

  it('ages shares out by time in bounded steps, through an index', () => {
    const db = migrated()
    const shares = douyinSharesRepo(db)
    for (let i = 0; i < 5; i++)
      shares.insert({ shareId: `s${i}`, source: 'hub', transferId: i, createdAt: i * 10 })
    expect(shares.prune(35, 2)).toBe(2)
    expect(shares.prune(35, 2)).toBe(2)
    expect(shares.prune(35, 2)).toBe(0)
    expect(shares.forTransfer(4)).toHaveLength(1)
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT share_id FROM douyin_shares WHERE created_at < 35 LIMIT 2')
      .all() as Array<{ detail: string }>
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/douyin_shares_by_time/)
  })

  it('reads an unknown source or result as an error, never as a cast', () => {
    const db = migrated()
    db.prepare(
      "INSERT INTO douyin_shares (share_id, source, transfer_id, created_at) VALUES ('x', 'weibo', 1, 1)",
    ).run()
    expect(() => douyinSharesRepo(db).find('x')).toThrow(UnknownValueError)
  })
})

import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'

describe('migration 3: tags, taps, transfers', () => {
  function fresh() {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, 3)) m.up(db)
    return db
  }

  it('keeps tag codes unique, tiers and strategies known', () => {
    const db = fresh()
    const ins = db.prepare(
      "INSERT INTO tags (code, tier, strategy, base_url, created_at, updated_at) VALUES (?, ?, ?, 'http://x', 1, 1)",
    )
    ins.run('abc', 'normal', 'fixed')
    expect(() => ins.run('abc', 'normal', 'fixed')).toThrow(/UNIQUE/)
    expect(() => ins.run('abd', 'gold', 'fixed')).toThrow(/CHECK/)
    expect(() => ins.run('abe', 'vip', 'shuffle')).toThrow(/CHECK/)
  })

  it('keeps the history of taps and transfers when a tag is deleted', () => {
    const db = fresh()
    const tag = Number(
      db
        .prepare(
          "INSERT INTO tags (code, tier, strategy, base_url, created_at, updated_at) VALUES ('c', 'normal', 'fixed', 'http://x', 1, 1)",
        )
        .run().lastInsertRowid,
    )
    db.prepare(
      "INSERT INTO taps (tag_id, tag_code, device_id, at, outcome) VALUES (?, 'c', 'd', 1, 'delivered')",
    ).run(tag)
    db.prepare(
      "INSERT INTO transfers (token, tag_id, tag_code, rendition, device_id, tier, bytes_total, status, created_at, updated_at) VALUES ('t', ?, 'c', '720p', 'd', 'normal', 10, 'completed', 1, 1)",
    ).run(tag)
    db.prepare('DELETE FROM tags WHERE id = ?').run(tag)
    expect(db.prepare('SELECT tag_id, tag_code FROM taps').get()).toEqual({ tag_id: null, tag_code: 'c' })
    expect(db.prepare('SELECT tag_id, tag_code, status FROM transfers').get()).toEqual({
      tag_id: null,
      tag_code: 'c',
      status: 'completed',
    })
  })

  it('answers the quota question through an index', () => {
    const db = fresh()
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM transfers WHERE device_id = 'd' AND tier = 'normal' AND created_at >= 5",
      )
      .all() as Array<{ detail: string }>
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/transfers_by_device_time/)
  })
})

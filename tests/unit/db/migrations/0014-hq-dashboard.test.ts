import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'

describe('migration 14: the chain dashboard’s roll-ups at HQ', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }

  it('is number 14, after the writer marks’ 13', () => {
    expect(MIGRATIONS.slice(0, 14).map((m) => m.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    ])
    expect(MIGRATIONS[13]!.name).toBe('hq dashboard')
  })

  it('rolls up the failed and expired transfers and the funnel steps HQ received before it', () => {
    const db = upTo(13)
    const transfer =
      db.prepare(`INSERT INTO hq_transfers (store_id, id, day, tag_code, rendition, tier, status,
      bytes_total, bytes_sent, created_at) VALUES (?, ?, ?, 'c', '720p', 'normal', ?, 1, 0, 1)`)
    const statuses = ['completed', 'failed', 'failed', 'expired', 'aborted']
    statuses.forEach((s, i) => transfer.run('sh-01', i + 1, '2026-11-24', s))
    transfer.run('sh-01', 9, '2026-11-25', 'failed')
    transfer.run('sh-02', 1, '2026-11-24', 'expired')
    db.exec(`INSERT INTO hq_daily (store_id, day, transfers) VALUES ('sh-01', '2026-11-24', 5),
      ('sh-01', '2026-11-25', 1), ('sh-02', '2026-11-24', 1)`)
    const step = db.prepare(`INSERT INTO hq_funnel (store_id, id, day, transfer_id, kind, platform, at, count)
      VALUES (?, ?, '2026-11-24', ?, ?, ?, 1, 3)`)
    step.run('sh-01', 1, 1, 'played', '')
    step.run('sh-01', 2, 2, 'played', '')
    step.run('sh-01', 3, 1, 'platform-chosen', '')
    step.run('sh-01', 4, 1, 'platform-chosen', 'douyin')
    step.run('sh-02', 1, 1, 'played', '')
    MIGRATIONS[13]!.up(db)
    expect(
      db.prepare('SELECT store_id, day, failed, expired FROM hq_daily ORDER BY store_id, day').all(),
    ).toEqual([
      { store_id: 'sh-01', day: '2026-11-24', failed: 2, expired: 1 },
      { store_id: 'sh-01', day: '2026-11-25', failed: 1, expired: 0 },
      { store_id: 'sh-02', day: '2026-11-24', failed: 0, expired: 1 },
    ])
    // Transfers per step (each row one transfer's step, whatever its count of reports).
    expect(
      db
        .prepare('SELECT store_id, step, platform, n FROM hq_daily_funnel ORDER BY store_id, step, platform')
        .all(),
    ).toEqual([
      { store_id: 'sh-01', step: 'platform-chosen', platform: '', n: 1 },
      { store_id: 'sh-01', step: 'platform-chosen', platform: 'douyin', n: 1 },
      { store_id: 'sh-01', step: 'played', platform: '', n: 2 },
      { store_id: 'sh-02', step: 'played', platform: '', n: 1 },
    ])
  })
})

import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'

describe('migration 5: monitoring', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }

  it('keeps tags, taps and transfers and fills each tag’s last tap from its taps', () => {
    const db = upTo(4)
    db.exec(`
      INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES
        (1, 'a', 'normal', 'fixed', 'http://x', 1, 1), (2, 'b', 'normal', 'fixed', 'http://x', 1, 1);
      INSERT INTO taps (tag_id, tag_code, device_id, at, outcome) VALUES (1, 'a', 'd', 100, 'delivered'), (1, 'a', 'd', 250, 'quota');
      INSERT INTO transfers (token, tag_id, tag_code, rendition, device_id, tier, bytes_total, status, created_at, updated_at)
        VALUES ('t1', 1, 'a', '720p', 'd', 'normal', 10, 'completed', 100, 100);
    `)
    MIGRATIONS[4]!.up(db)
    expect(db.prepare('SELECT id, last_tap_at FROM tags ORDER BY id').all()).toEqual([
      { id: 1, last_tap_at: 250 },
      { id: 2, last_tap_at: null },
    ])
    expect(db.prepare('SELECT count(*) AS n FROM transfers').get()).toEqual({ n: 1 })
  })

  it('deletes a transfer’s timeline with the transfer', () => {
    const db = upTo(5)
    db.exec(`
      INSERT INTO transfers (id, token, tag_code, rendition, device_id, tier, bytes_total, status, created_at, updated_at)
        VALUES (7, 't', 'a', '720p', 'd', 'normal', 10, 'completed', 1, 1);
      INSERT INTO transfer_events (transfer_id, at, kind) VALUES (7, 1, 'request'), (7, 2, 'completed');
      DELETE FROM transfers WHERE id = 7;
    `)
    expect(db.prepare('SELECT count(*) AS n FROM transfer_events').get()).toEqual({ n: 0 })
  })

  it('answers the history filters and the retention deletes through indexes', () => {
    const db = upTo(5)
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join(' | ')
    expect(
      plan("SELECT id FROM transfers WHERE status = 'failed' AND created_at >= 5 ORDER BY created_at DESC"),
    ).toMatch(/transfers_by_status_time/)
    expect(
      plan('SELECT id FROM transfers WHERE video_id = 3 AND created_at >= 5 ORDER BY created_at DESC'),
    ).toMatch(/transfers_by_video_time/)
    expect(plan('SELECT id FROM transfers ORDER BY bytes_total DESC LIMIT 50')).toMatch(/transfers_by_size/)
    expect(plan("SELECT count(*) FROM taps WHERE outcome IN ('quota', 'tag-cap') AND at >= 5")).toMatch(
      /taps_by_outcome_time/,
    )
    expect(plan('SELECT id FROM transfers WHERE tap_id = 9')).toMatch(/transfers_by_tap/)
  })
})

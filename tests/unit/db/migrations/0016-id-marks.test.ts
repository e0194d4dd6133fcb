import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'
import { deliveryRepo } from '../../../../src/main/db/repos/delivery'
import { funnelRepo, type FunnelRow } from '../../../../src/main/db/repos/funnel'
import { rollupsRepo } from '../../../../src/main/db/repos/rollups'

describe('migration 16: id marks', () => {
  function all() {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS) m.up(db)
    return db
  }

  it('is number 16, after the records shipped ahead', () => {
    expect(MIGRATIONS.slice(0, 16).map((m) => m.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    ])
    expect(MIGRATIONS[15]!.name).toBe('id marks')
  })

  it('keeps the highest ids through a prune of every row, so new rows never take an old id', () => {
    const db = all()
    db.exec(`
      INSERT INTO taps (id, tag_code, device_id, at, outcome) VALUES (41, 'AbCdEfGhIjKl', 'd', 1000, 'delivered');
      INSERT INTO transfers (id, token, tag_code, rendition, device_id, tier, bytes_total, status, created_at, updated_at)
        VALUES (77, 'tok-77', 'AbCdEfGhIjKl', '720p', 'd', 'normal', 10, 'completed', 1000, 1000);`)
    const funnel = funnelRepo(db)
    const step: FunnelRow = {
      transferId: 77,
      kind: 'played',
      platform: '',
      detail: null,
      tagId: null,
      videoId: null,
      transferAt: 1000,
      day: '1970-01-01',
      firstAt: 1000,
      lastAt: 1000,
      count: 1,
    }
    funnel.write([step])
    const funnelTop = (db.prepare('SELECT max(id) AS id FROM funnel_events').get() as { id: number }).id
    expect(rollupsRepo(db).prune(2000, 100)).toBe(2)
    expect(funnel.prune(2000, 100)).toBe(1)
    expect(deliveryRepo(db).maxIds()).toEqual({ taps: 41, transfers: 77 })
    funnel.write([{ ...step, transferId: 78, transferAt: 3000, firstAt: 3000, lastAt: 3000 }])
    expect((db.prepare('SELECT id FROM funnel_events').get() as { id: number }).id).toBe(funnelTop + 1)
    // Marks are for these three tables only.
    expect(() => db.prepare("INSERT INTO id_marks (name, top) VALUES ('notifications', 5)").run()).toThrow(
      /CHECK/,
    )
  })

  it('starts an emptied store after what its outbox shipped', () => {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, 15)) m.up(db)
    // Retention emptied the tables before this migration; the outbox had shipped up to these ids.
    db.prepare(
      `INSERT INTO records_outbox (seq, key, day, taps_to, transfers_to, funnel_to, days_to, records, body, size, sha256, created_at)
       VALUES (1, 'records/s/2026-12-05/0000000001.jsonl.gz', '2026-12-05', 120, 80, 33, '', 1, NULL, 1, 'x', 0)`,
    ).run()
    db.prepare('INSERT INTO records_transfers_ahead (transfer_id, created_at, seq) VALUES (95, 0, 1)').run()
    MIGRATIONS[15]!.up(db)
    expect(deliveryRepo(db).maxIds()).toEqual({ taps: 120, transfers: 95 })
    expect(db.prepare("SELECT top FROM id_marks WHERE name = 'funnel_events'").get()).toEqual({ top: 33 })
  })
})

import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'
import { couponsRepo } from '../../../../src/main/db/repos/coupons'
import { tagsRepo } from '../../../../src/main/db/repos/tags'
import { UnknownValueError } from '../../../../src/main/db/errors'

describe('migration 9: store actions', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }
  const plan = (db: Database.Database, sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join(' | ')

  it('is number 9 and gives existing tags no store actions', () => {
    expect(MIGRATIONS.slice(0, 9).map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    const db = upTo(8)
    db.exec(
      "INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1)",
    )
    MIGRATIONS[8]!.up(db)
    // The repository reads today's schema: the later steps too.
    for (const m of MIGRATIONS.slice(9)) m.up(db)
    expect(tagsRepo(db).findById(1)!.storeActions).toEqual([])
    db.exec(`UPDATE tags SET store_actions = '["coupon","wifi"]'`)
    expect(tagsRepo(db).findById(1)!.storeActions).toEqual(['coupon', 'wifi'])
    db.exec(`UPDATE tags SET store_actions = '["lottery"]'`)
    expect(() => tagsRepo(db).findById(1)).toThrow(UnknownValueError)
    expect(() => db.exec(`UPDATE tags SET store_actions = 'wifi'`)).toThrow(/CHECK/)
  })

  it('gives each code once, one per phone and tag, the same again to the same phone, and none when used up', () => {
    const db = upTo(9)
    db.exec(`
      INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1);
      INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (2, 'b', 'normal', 'fixed', 'http://x', 1, 1);
    `)
    const coupons = couponsRepo(db)
    expect(coupons.import(1, ['A1', 'A2', 'A1'], 10)).toEqual({ added: 2, duplicates: 1 })
    // A code the hub has for another tag is the hub's already: never given twice, whichever tag asks.
    expect(coupons.import(2, ['A2', 'B1'], 10)).toEqual({ added: 1, duplicates: 1 })
    const claim = (tagId: number, deviceId: string, transferId = 7) =>
      coupons.claim({ tagId, deviceId, transferId, now: 20 })
    expect(claim(1, 'phone-1')).toEqual({ code: 'A1', first: true })
    expect(claim(1, 'phone-1')).toEqual({ code: 'A1', first: false })
    expect(claim(1, 'phone-2')).toEqual({ code: 'A2', first: true })
    expect(claim(1, 'phone-3')).toBeNull()
    // The same phone at another tag gets that tag's code.
    expect(claim(2, 'phone-1')).toEqual({ code: 'B1', first: true })
    expect(coupons.summary(1)).toEqual({ total: 2, claimed: 2 })
    // Clearing removes only codes nobody got.
    coupons.import(2, ['B2', 'B3'], 30)
    expect(coupons.clear(2)).toBe(2)
    expect(coupons.summary(2)).toEqual({ total: 1, claimed: 1 })
    // The unique indexes refuse a second code for one phone, or a code twice, whatever writes it.
    coupons.import(1, ['A3'], 40)
    expect(() =>
      db.prepare("UPDATE coupons SET device_id = 'phone-1', claimed_at = 1 WHERE code = 'A3'").run(),
    ).toThrow(/UNIQUE/)
    expect(() =>
      db.prepare("INSERT INTO coupons (tag_id, code, created_at) VALUES (2, 'A1', 1)").run(),
    ).toThrow(/UNIQUE/)
    expect(
      plan(db, 'SELECT id FROM coupons WHERE tag_id = 1 AND device_id IS NULL ORDER BY id LIMIT 1'),
    ).toMatch(/coupons_free/)
    expect(plan(db, "SELECT code FROM coupons WHERE tag_id = 1 AND device_id = 'x'")).toMatch(
      /coupons_by_phone/,
    )
  })

  it('drops a tag’s codes with the tag', () => {
    const db = upTo(9)
    db.exec(
      "INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1)",
    )
    couponsRepo(db).import(1, ['X'], 1)
    db.exec('DELETE FROM tags WHERE id = 1')
    expect(db.prepare('SELECT count(*) AS n FROM coupons').get()).toEqual({ n: 0 })
  })
})

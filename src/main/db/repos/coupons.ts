import type { Database } from 'better-sqlite3'
import { immediate } from '../immediate'

export type CouponsRepo = ReturnType<typeof couponsRepo>

/** Coupon codes of tags (migration 9): imported by staff, each given to one phone, one per phone and tag. */
export function couponsRepo(db: Database) {
  const insert = db.prepare<[number, string, number]>(
    'INSERT INTO coupons (tag_id, code, created_at) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING',
  )
  const summary = db.prepare<[number], { total: number; claimed: number }>(
    'SELECT count(*) AS total, count(device_id) AS claimed FROM coupons WHERE tag_id = ?',
  )
  const clear = db.prepare<[number]>('DELETE FROM coupons WHERE tag_id = ? AND device_id IS NULL')
  const ofPhone = db.prepare<[number, string], { code: string }>(
    'SELECT code FROM coupons WHERE tag_id = ? AND device_id = ?',
  )
  const take = db.prepare<
    { tagId: number; deviceId: string; transferId: number; now: number },
    { code: string }
  >(`
    UPDATE coupons SET device_id = @deviceId, transfer_id = @transferId, claimed_at = @now
     WHERE id = (SELECT id FROM coupons WHERE tag_id = @tagId AND device_id IS NULL ORDER BY id LIMIT 1)
    RETURNING code`)

  return {
    /** Adds codes to a tag; one the hub holds anywhere already (or twice in the list) is left out. */
    import: immediate(
      db.transaction((tagId: number, codes: readonly string[], now: number) => {
        let added = 0
        for (const code of codes) added += insert.run(tagId, code, now).changes
        return { added, duplicates: codes.length - added }
      }),
    ),
    summary: (tagId: number) => summary.get(tagId)!,
    /** Removes a tag's codes nobody was given; returns how many. */
    clear: (tagId: number) => clear.run(tagId).changes,
    /**
     * The code of this phone at this tag: the one it was given before, else the next free one, now its own (null
     * when none is left). One immediate transaction: two pages asking at once cannot get the same code, and the
     * unique indexes would refuse it if they could.
     */
    claim: immediate(
      db.transaction((q: { tagId: number; deviceId: string; transferId: number; now: number }) => {
        const had = ofPhone.get(q.tagId, q.deviceId)
        if (had) return { code: had.code, first: false }
        const got = take.get(q)
        return got ? { code: got.code, first: true } : null
      }),
    ),
  }
}

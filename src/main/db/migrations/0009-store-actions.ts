import type { Migration } from '../migration'

/**
 * Store actions beside the video (issue 18, item 6): which blocks a tag shows, and the coupon codes staff import
 * for a tag. A code is the hub's once (unique everywhere), given to at most one phone, and a phone gets at most one
 * code per tag: both are unique indexes, so a code can never be given twice whatever the timing.
 */
export const m0009StoreActions: Migration = {
  version: 9,
  name: 'store actions',
  up(db) {
    db.exec(`
      ALTER TABLE tags ADD COLUMN store_actions TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(store_actions) AND json_type(store_actions) = 'array');

      CREATE TABLE coupons (
        id          INTEGER PRIMARY KEY,
        tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        code        TEXT    NOT NULL UNIQUE,
        -- The phone it was given to (its device id), the transfer whose page asked, and when.
        device_id   TEXT,
        transfer_id INTEGER,
        claimed_at  INTEGER,
        created_at  INTEGER NOT NULL,
        CHECK ((device_id IS NULL) = (claimed_at IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX coupons_by_phone ON coupons (tag_id, device_id) WHERE device_id IS NOT NULL;
      -- The next free code of a tag, in the order imported.
      CREATE INDEX coupons_free ON coupons (tag_id, id) WHERE device_id IS NULL;
    `)
  },
}

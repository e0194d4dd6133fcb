import type { Migration } from '../migration'

/**
 * Douyin shares: each signed "发布到抖音" link the hub hands a phone, under the id it carries as `state`, so a
 * later callback or return can be matched to its transfer. No foreign key to transfers: a transfer may still be on
 * its way to SQLite (the writer thread batches them) when its page asks for a share; rows age out by created_at.
 */
export const m0007Douyin: Migration = {
  version: 7,
  name: 'douyin-shares',
  up(db) {
    db.exec(`
      CREATE TABLE douyin_shares (
        share_id    TEXT    PRIMARY KEY,
        source      TEXT    NOT NULL,
        transfer_id INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        result      TEXT,
        result_at   INTEGER
      ) STRICT;
      CREATE INDEX douyin_shares_by_transfer ON douyin_shares (transfer_id);
      CREATE INDEX douyin_shares_by_time ON douyin_shares (created_at);
    `)
  },
}

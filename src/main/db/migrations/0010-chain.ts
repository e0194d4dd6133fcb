import type { Migration } from '../migration'

/**
 * A chain of stores (issue 20), at a store: the videos headquarters publishes live in `videos` beside the store's
 * own (origin 'chain', read-only there), so tags, delivery and captions take them unchanged; `chain_files` lists the
 * complete, checked copies of bucket objects under media/chain/ (a partial download is a `.part` file and never a
 * row); `chain_state` is the one row of sync state that must survive a kill -9: the last good catalog as applied,
 * its pointer's ETag (the conditional GET asks with it), when the store was last known up to date, the last error.
 * Headquarters keeps nothing here: the catalog in the bucket is the truth, and its publish jobs are rows of `jobs`.
 */
export const m0010Chain: Migration = {
  version: 10,
  name: 'chain sync',
  up(db) {
    db.exec(`
      ALTER TABLE videos ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'chain'));
      ALTER TABLE videos ADD COLUMN chain_id TEXT;
      ALTER TABLE videos ADD COLUMN chain_meta TEXT;
      ALTER TABLE videos ADD COLUMN chain_leaving_at INTEGER;
      CREATE UNIQUE INDEX videos_by_chain_id ON videos (chain_id) WHERE chain_id IS NOT NULL;

      CREATE TABLE chain_files (
        sha256     TEXT    PRIMARY KEY,
        key        TEXT    NOT NULL,
        path       TEXT    NOT NULL,
        size_bytes INTEGER NOT NULL,
        added_at   INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE chain_state (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        applied_version INTEGER,
        applied_catalog TEXT,
        applied_etag    TEXT,
        applied_at      INTEGER,
        last_sync_at    INTEGER,
        last_attempt_at INTEGER,
        error_code      TEXT,
        error_message   TEXT,
        error_at        INTEGER,
        failures        INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      INSERT INTO chain_state (id) VALUES (1);
    `)
  },
}

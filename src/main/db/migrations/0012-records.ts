import type { Migration } from '../migration'

/**
 * The chain's records (issue 21). A store's outbox: each batch of records it exports gets the next sequence number,
 * its key and its exact gzip'd bytes in one transaction with the cursors that say which rows it holds, so a batch
 * re-sent after a crash is the same object byte for byte; `shipped_at` is set only once the object store confirmed
 * the object. Headquarters' side: the records of every store, applied once per (store, sequence), their daily
 * roll-ups, where ingest stands per store, and the objects it could not read (quarantine).
 */
export const m0012Records: Migration = {
  version: 12,
  name: 'records',
  up(db) {
    db.exec(`
      CREATE TABLE records_outbox (
        seq          INTEGER PRIMARY KEY,
        key          TEXT    NOT NULL UNIQUE,
        day          TEXT    NOT NULL,
        -- The last row of each table this batch holds (rows after the previous batch's, up to these).
        taps_to      INTEGER NOT NULL,
        transfers_to INTEGER NOT NULL,
        funnel_to    INTEGER NOT NULL,
        days_to      TEXT    NOT NULL,
        records      INTEGER NOT NULL,
        body         BLOB,
        size         INTEGER NOT NULL,
        sha256       TEXT    NOT NULL,
        created_at   INTEGER NOT NULL,
        shipped_at   INTEGER,
        etag         TEXT
      ) STRICT;
      CREATE INDEX records_outbox_unshipped ON records_outbox (seq) WHERE shipped_at IS NULL;

      CREATE TABLE hq_record_stores (
        store_id        TEXT    PRIMARY KEY,
        last_key        TEXT,
        last_seq        INTEGER NOT NULL DEFAULT 0,
        batches         INTEGER NOT NULL DEFAULT 0,
        quarantined     INTEGER NOT NULL DEFAULT 0,
        last_record_at  INTEGER,
        last_applied_at INTEGER,
        last_shipped_at INTEGER
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE hq_record_batches (
        store_id   TEXT    NOT NULL,
        seq        INTEGER NOT NULL,
        key        TEXT    NOT NULL,
        records    INTEGER NOT NULL,
        applied_at INTEGER NOT NULL,
        PRIMARY KEY (store_id, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE hq_record_quarantine (
        id       INTEGER PRIMARY KEY,
        store_id TEXT    NOT NULL,
        key      TEXT    NOT NULL UNIQUE,
        reason   TEXT    NOT NULL,
        at       INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE hq_taps (
        store_id  TEXT    NOT NULL,
        id        INTEGER NOT NULL,
        day       TEXT    NOT NULL,
        at        INTEGER NOT NULL,
        tag_code  TEXT    NOT NULL,
        tag_label TEXT,
        device    TEXT,
        ip        TEXT,
        outcome   TEXT    NOT NULL,
        PRIMARY KEY (store_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX hq_taps_by_time ON hq_taps (at, store_id);
      CREATE TABLE hq_transfers (
        store_id    TEXT    NOT NULL,
        id          INTEGER NOT NULL,
        day         TEXT    NOT NULL,
        tap_id      INTEGER,
        tag_code    TEXT    NOT NULL,
        tag_label   TEXT,
        video_chain TEXT,
        video_title TEXT,
        rendition   TEXT    NOT NULL,
        tier        TEXT    NOT NULL,
        device      TEXT,
        ip          TEXT,
        status      TEXT    NOT NULL,
        bytes_total INTEGER NOT NULL,
        bytes_sent  INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        finished_at INTEGER,
        PRIMARY KEY (store_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX hq_transfers_by_time ON hq_transfers (created_at, store_id);
      CREATE TABLE hq_funnel (
        store_id    TEXT    NOT NULL,
        id          INTEGER NOT NULL,
        day         TEXT    NOT NULL,
        transfer_id INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        platform    TEXT    NOT NULL,
        tag_code    TEXT,
        at          INTEGER NOT NULL,
        count       INTEGER NOT NULL,
        PRIMARY KEY (store_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX hq_funnel_by_time ON hq_funnel (at, store_id);
      -- The store's own daily totals per tag, as it rolled them up (the last copy shipped wins).
      CREATE TABLE hq_store_days (
        store_id  TEXT    NOT NULL,
        day       TEXT    NOT NULL,
        tag_code  TEXT    NOT NULL,
        tag_label TEXT,
        taps      INTEGER NOT NULL,
        refused   INTEGER NOT NULL,
        transfers INTEGER NOT NULL,
        completed INTEGER NOT NULL,
        failed    INTEGER NOT NULL,
        bytes     INTEGER NOT NULL,
        PRIMARY KEY (store_id, day, tag_code)
      ) STRICT, WITHOUT ROWID;
      -- HQ's roll-up of the raw records it applied, per store and day (the dashboard's totals and trends).
      CREATE TABLE hq_daily (
        store_id  TEXT    NOT NULL,
        day       TEXT    NOT NULL,
        taps      INTEGER NOT NULL DEFAULT 0,
        transfers INTEGER NOT NULL DEFAULT 0,
        completed INTEGER NOT NULL DEFAULT 0,
        bytes     INTEGER NOT NULL DEFAULT 0,
        funnel    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (store_id, day)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX hq_daily_by_day ON hq_daily (day);
      -- Transfers per day, store, placement label ('' without one) and campaign video (its chain id; '' for a
      -- store's own videos): the dashboard's "by placement" and "by campaign" without reading raw rows.
      CREATE TABLE hq_daily_placements (
        day       TEXT    NOT NULL,
        store_id  TEXT    NOT NULL,
        label     TEXT    NOT NULL,
        campaign  TEXT    NOT NULL,
        title     TEXT,
        transfers INTEGER NOT NULL DEFAULT 0,
        completed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, store_id, label, campaign)
      ) STRICT, WITHOUT ROWID;
    `)
  },
}

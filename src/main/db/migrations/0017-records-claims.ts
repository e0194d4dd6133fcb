import type { Migration } from '../migration'

/**
 * Where this database's records go on under a store id that already has records at headquarters (a store PC
 * replaced or reinstalled, keeping its store id): its batches continue after `seq_after` and never on a day before
 * `day_floor`, and the ids it ships are its own plus `id_base`, so headquarters (which keeps a store's batches by
 * sequence and its rows by id) takes them as new. A store id this database made batches under before has a claim
 * with zeros: it is the one that started it. One row per store id (a store id changed in Settings claims anew).
 */
export const m0017RecordsClaims: Migration = {
  version: 17,
  name: 'records claims',
  up(db) {
    db.exec(`
      CREATE TABLE records_claims (
        store_id  TEXT    PRIMARY KEY,
        seq_after INTEGER NOT NULL CHECK (seq_after >= 0),
        day_floor TEXT    NOT NULL,
        id_base   INTEGER NOT NULL CHECK (id_base >= 0),
        at        INTEGER NOT NULL
      ) STRICT;
    `)
  },
}

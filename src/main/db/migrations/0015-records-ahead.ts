import type { Migration } from '../migration'

/**
 * Final transfers a store shipped ahead of one before them that was not final yet (a phone that stopped watching
 * halfway keeps its transfer open until its link expires, a day by default). The outbox's transfer cursor stays
 * before the open one; the rows here, after the cursor, are in batch `seq` already and are not made again. A row
 * goes once the cursor passes it in a shipped batch. A transfer is named by its id and its creation time: transfer
 * ids can come again after every row was deleted (an idle store's retention), and a new transfer must not be
 * taken for one shipped before.
 */
export const m0015RecordsAhead: Migration = {
  version: 15,
  name: 'records shipped ahead',
  up(db) {
    db.exec(`
      CREATE TABLE records_transfers_ahead (
        transfer_id INTEGER PRIMARY KEY,
        created_at  INTEGER NOT NULL,
        seq         INTEGER NOT NULL REFERENCES records_outbox (seq)
      ) STRICT;
    `)
  },
}

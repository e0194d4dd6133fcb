import type { Migration } from '../migration'

/**
 * The highest id each raw table of records has handed out, kept when retention deletes rows. Without it the ids
 * started again at 1 once every row was gone (an idle store after its retention days, a season's closing): a chain
 * store's outbox ships rows after its cursor and headquarters keeps a store's row by its id, so the store's next
 * taps, transfers and funnel steps never reached headquarters. New ids are above both the table's and this mark.
 */
export const m0016IdMarks: Migration = {
  version: 16,
  name: 'id marks',
  up(db) {
    db.exec(`
      CREATE TABLE id_marks (
        name TEXT    PRIMARY KEY CHECK (name IN ('taps', 'transfers', 'funnel_events')),
        top  INTEGER NOT NULL CHECK (top > 0)
      ) STRICT;
    `)
    // A store whose rows retention already emptied: its ids go on after what its outbox made into batches (the
    // cursors, and the transfers shipped ahead), or they would start again at 1 under the cursor.
    db.exec(`
      INSERT INTO id_marks (name, top)
      SELECT 'taps', n FROM (SELECT max(coalesce((SELECT max(id) FROM taps), 0),
                                     coalesce((SELECT max(taps_to) FROM records_outbox), 0)) AS n) WHERE n > 0;
      INSERT INTO id_marks (name, top)
      SELECT 'transfers', n FROM (SELECT max(coalesce((SELECT max(id) FROM transfers), 0),
                                          coalesce((SELECT max(transfers_to) FROM records_outbox), 0),
                                          coalesce((SELECT max(transfer_id) FROM records_transfers_ahead), 0)) AS n)
       WHERE n > 0;
      INSERT INTO id_marks (name, top)
      SELECT 'funnel_events', n FROM (SELECT max(coalesce((SELECT max(id) FROM funnel_events), 0),
                                              coalesce((SELECT max(funnel_to) FROM records_outbox), 0)) AS n)
       WHERE n > 0;
    `)
  },
}

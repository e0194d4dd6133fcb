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
  },
}

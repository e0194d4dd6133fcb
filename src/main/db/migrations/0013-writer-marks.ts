import type { Migration } from '../migration'

/**
 * The last batch each writer thread committed, written in the same transaction as the batch. When a thread dies
 * between its commit and telling the hub, the hub reads here whether that batch is in the file: without it, the
 * batch was written again (its taps refused as duplicates, and every later batch with them). One row per running
 * writer; the thread removes its own when it closes (a hub killed leaves one small row, never read again).
 */
export const m0013WriterMarks: Migration = {
  version: 13,
  name: 'writer marks',
  up(db) {
    db.exec(`
      CREATE TABLE writer_marks (
        writer TEXT    PRIMARY KEY,
        seq    INTEGER NOT NULL CHECK (seq > 0)
      ) STRICT;
    `)
  },
}

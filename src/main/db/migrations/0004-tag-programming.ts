import type { Migration } from '../migration'

/** Who programmed a tag's chip, and the UID looked up when a tag is placed on the reader. */
export const m0004TagProgramming: Migration = {
  version: 4,
  name: 'tag programming',
  up(db) {
    db.exec(`
      ALTER TABLE tags ADD COLUMN programmed_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
      CREATE INDEX tags_by_uid ON tags (uid) WHERE uid IS NOT NULL;
    `)
  },
}

import type { Migration } from '../migration'

/**
 * What the chain dashboard at headquarters adds to HQ's roll-ups (issue 21, item 3): each store's failed and expired
 * transfers per day beside its other totals, and its funnel steps per day, step and platform (the funnel across
 * stores), both kept by `hqRecords.apply` in the batch's transaction like the rest of `hq_daily`. Records applied
 * before this migration are rolled up here from HQ's raw tables, once, so nothing already received is missing.
 */
export const m0014HqDashboard: Migration = {
  version: 14,
  name: 'hq dashboard',
  up(db) {
    db.exec(`
      ALTER TABLE hq_daily ADD COLUMN failed INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE hq_daily ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;
      UPDATE hq_daily SET
        failed = (SELECT count(*) FROM hq_transfers t
                   WHERE t.store_id = hq_daily.store_id AND t.day = hq_daily.day AND t.status = 'failed'),
        expired = (SELECT count(*) FROM hq_transfers t
                    WHERE t.store_id = hq_daily.store_id AND t.day = hq_daily.day AND t.status = 'expired');

      -- Transfers that took each funnel step, per day of their tap, store, step and platform ('' = the step's own
      -- row; platform-chosen has one more per platform), as the store's daily_funnel counts them.
      CREATE TABLE hq_daily_funnel (
        day      TEXT    NOT NULL,
        store_id TEXT    NOT NULL,
        step     TEXT    NOT NULL,
        platform TEXT    NOT NULL,
        n        INTEGER NOT NULL,
        PRIMARY KEY (day, store_id, step, platform)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO hq_daily_funnel (day, store_id, step, platform, n)
        SELECT day, store_id, kind, platform, count(*) FROM hq_funnel GROUP BY day, store_id, kind, platform;
    `)
  },
}

import type { Migration } from '../migration'

/**
 * The conversion funnel (issue 18): what each customer did with the video a tap gave them, one row per transfer,
 * kind and platform, and daily roll-ups of it per tag and video.
 *
 * `funnel_events` has no foreign key to transfers: a transfer may still be on its way to SQLite (the writer thread
 * batches them) when its page reports a step. Rows age out with their transfer, by `transfer_at` (the transfer's
 * `created_at`, which is also the day the funnel counts them under). Every kind has one row with platform '' per
 * transfer; `platform-chosen` also has one per platform, so "chose any platform" and "chose Douyin" are both counts
 * of rows.
 */
export const m0008Funnel: Migration = {
  version: 8,
  name: 'funnel',
  up(db) {
    db.exec(`
      CREATE TABLE funnel_events (
        id          INTEGER PRIMARY KEY,
        transfer_id INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        platform    TEXT    NOT NULL DEFAULT '',
        -- The share id of douyin-share-id; the first platform of platform-chosen's '' row.
        detail      TEXT,
        tag_id      INTEGER REFERENCES tags (id) ON DELETE SET NULL,
        video_id    INTEGER REFERENCES videos (id) ON DELETE SET NULL,
        transfer_at INTEGER NOT NULL,
        first_at    INTEGER NOT NULL,
        last_at     INTEGER NOT NULL,
        count       INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
        UNIQUE (transfer_id, kind, platform)
      ) STRICT;
      CREATE INDEX funnel_events_by_time ON funnel_events (transfer_at);
      -- Deleting a tag or video sets its id to NULL here: without these, one scan of the table per deletion.
      CREATE INDEX funnel_events_by_tag ON funnel_events (tag_id) WHERE tag_id IS NOT NULL;
      CREATE INDEX funnel_events_by_video ON funnel_events (video_id) WHERE video_id IS NOT NULL;

      -- One row per local day (of the tap), tag, video, step and platform; 'tap' counts the day's new transfers.
      -- Unknown tags and deleted videos count under id 0, as in daily_tags / daily_videos.
      CREATE TABLE daily_funnel (
        day      TEXT    NOT NULL,
        tag_id   INTEGER NOT NULL,
        video_id INTEGER NOT NULL,
        step     TEXT    NOT NULL,
        platform TEXT    NOT NULL,
        n        INTEGER NOT NULL,
        PRIMARY KEY (day, tag_id, video_id, step, platform)
      ) STRICT, WITHOUT ROWID;
      -- Days rolled into daily_funnel; a step reported later for such a day is added to its roll-up directly.
      CREATE TABLE rolled_funnel_days (
        day TEXT    PRIMARY KEY,
        at  INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `)
  },
}

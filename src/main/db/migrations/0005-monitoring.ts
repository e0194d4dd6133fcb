import type { Migration } from '../migration'

/**
 * Monitoring: a per-transfer timeline, daily roll-ups (charts stay fast once raw rows age out), notifications with
 * per-user read marks and mutes, and the indexes the dashboard and the history filters use.
 */
export const m0005Monitoring: Migration = {
  version: 5,
  name: 'monitoring',
  up(db) {
    db.exec(`
      -- Kept on the tag so "tags without taps for N days" needs no scan of taps, and survives retention.
      ALTER TABLE tags ADD COLUMN last_tap_at INTEGER;
      UPDATE tags SET last_tap_at = (SELECT max(at) FROM taps WHERE taps.tag_id = tags.id);

      CREATE TABLE transfer_events (
        id          INTEGER PRIMARY KEY,
        transfer_id INTEGER NOT NULL REFERENCES transfers (id) ON DELETE CASCADE,
        at          INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        range_start INTEGER,
        range_end   INTEGER,
        bytes       INTEGER,
        note        TEXT
      ) STRICT;
      CREATE INDEX transfer_events_by_transfer ON transfer_events (transfer_id, id);

      DROP INDEX transfers_by_video;
      CREATE INDEX transfers_by_video_time ON transfers (video_id, created_at);
      CREATE INDEX transfers_by_status_time ON transfers (status, created_at);
      CREATE INDEX transfers_by_size ON transfers (bytes_total);
      CREATE INDEX taps_by_outcome_time ON taps (outcome, at);
      -- Deleting old taps checks transfers that point at them: without this, one scan of transfers per tap.
      CREATE INDEX transfers_by_tap ON transfers (tap_id);

      -- One row per local day and tag / video. Unknown tags and deleted videos count under id 0.
      CREATE TABLE daily_tags (
        day       TEXT    NOT NULL,
        tag_id    INTEGER NOT NULL,
        taps      INTEGER NOT NULL,
        refused   INTEGER NOT NULL,
        transfers INTEGER NOT NULL,
        completed INTEGER NOT NULL,
        failed    INTEGER NOT NULL,
        bytes     INTEGER NOT NULL,
        PRIMARY KEY (day, tag_id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE daily_videos (
        day       TEXT    NOT NULL,
        video_id  INTEGER NOT NULL,
        transfers INTEGER NOT NULL,
        completed INTEGER NOT NULL,
        failed    INTEGER NOT NULL,
        bytes     INTEGER NOT NULL,
        PRIMARY KEY (day, video_id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE rolled_days (
        day TEXT    PRIMARY KEY,
        at  INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE notifications (
        id     INTEGER PRIMARY KEY,
        at     INTEGER NOT NULL,
        kind   TEXT    NOT NULL,
        key    TEXT    NOT NULL,
        params TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX notifications_by_kind_key ON notifications (kind, key, at);
      CREATE TABLE notification_prefs (
        user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        seen_id INTEGER NOT NULL DEFAULT 0,
        muted   TEXT    NOT NULL DEFAULT '[]'
      ) STRICT;
    `)
  },
}

import type { Migration } from '../migration'

export const m0003Delivery: Migration = {
  version: 3,
  name: 'tags, taps and transfers',
  up(db) {
    db.exec(`
      CREATE TABLE tags (
        id             INTEGER PRIMARY KEY,
        code           TEXT    NOT NULL UNIQUE,
        label          TEXT    NOT NULL DEFAULT '',
        tier           TEXT    NOT NULL CHECK (tier IN ('normal', 'vip')),
        enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        strategy       TEXT    NOT NULL CHECK (strategy IN ('fixed', 'rotate', 'random', 'least-delivered')),
        rotate_cursor  INTEGER NOT NULL DEFAULT 0,
        daily_cap      INTEGER CHECK (daily_cap IS NULL OR daily_cap >= 0),
        base_url       TEXT    NOT NULL,
        uid            TEXT,
        chip           TEXT,
        programmed_at  INTEGER,
        created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE tag_videos (
        tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (tag_id, video_id)
      ) STRICT;
      CREATE INDEX tag_videos_by_video ON tag_videos (video_id);

      CREATE TABLE taps (
        id         INTEGER PRIMARY KEY,
        tag_id     INTEGER REFERENCES tags (id) ON DELETE SET NULL,
        tag_code   TEXT    NOT NULL,
        device_id  TEXT    NOT NULL,
        ip         TEXT,
        user_agent TEXT,
        at         INTEGER NOT NULL,
        outcome    TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX taps_by_time ON taps (at);
      CREATE INDEX taps_by_tag_time ON taps (tag_id, at);

      CREATE TABLE transfers (
        id            INTEGER PRIMARY KEY,
        token         TEXT    NOT NULL UNIQUE,
        tap_id        INTEGER REFERENCES taps (id) ON DELETE SET NULL,
        tag_id        INTEGER REFERENCES tags (id) ON DELETE SET NULL,
        tag_code      TEXT    NOT NULL,
        video_id      INTEGER REFERENCES videos (id) ON DELETE SET NULL,
        rendition     TEXT    NOT NULL,
        device_id     TEXT    NOT NULL,
        tier          TEXT    NOT NULL,
        ip            TEXT,
        user_agent    TEXT,
        bytes_total   INTEGER NOT NULL,
        bytes_sent    INTEGER NOT NULL DEFAULT 0,
        wire_bytes    INTEGER NOT NULL DEFAULT 0,
        requests      INTEGER NOT NULL DEFAULT 0,
        coverage      TEXT    NOT NULL DEFAULT '[]',
        status        TEXT    NOT NULL CHECK (status IN ('pending', 'queued', 'active', 'completed', 'aborted', 'failed', 'expired')),
        error         TEXT,
        created_at    INTEGER NOT NULL,
        admitted_at   INTEGER,
        started_at    INTEGER,
        finished_at   INTEGER,
        updated_at    INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX transfers_by_time ON transfers (created_at);
      CREATE INDEX transfers_by_device_time ON transfers (device_id, created_at);
      CREATE INDEX transfers_by_tag_time ON transfers (tag_id, created_at);
      CREATE INDEX transfers_by_video ON transfers (video_id);
    `)
  },
}

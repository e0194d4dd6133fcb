import type { Migration } from '../migration'

export const m0002Videos: Migration = {
  version: 2,
  name: 'videos, renditions and the persistent job queue',
  up(db) {
    db.exec(`
      CREATE TABLE videos (
        id             INTEGER PRIMARY KEY,
        title          TEXT    NOT NULL,
        description    TEXT    NOT NULL DEFAULT '',
        original_name  TEXT    NOT NULL,
        source_path    TEXT    NOT NULL,
        size_bytes     INTEGER NOT NULL,
        sha256         TEXT    NOT NULL UNIQUE,
        duration_ms    INTEGER NOT NULL,
        width          INTEGER NOT NULL,
        height         INTEGER NOT NULL,
        rotation       INTEGER NOT NULL DEFAULT 0,
        container      TEXT    NOT NULL,
        video_codec    TEXT    NOT NULL,
        audio_codec    TEXT,
        pix_fmt        TEXT,
        frame_rate     REAL,
        bit_rate       INTEGER,
        status         TEXT    NOT NULL CHECK (status IN ('queued', 'processing', 'ready', 'failed')),
        error          TEXT,
        poster_path    TEXT,
        thumb_path     TEXT,
        uploaded_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
        uploader_name  TEXT    NOT NULL,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX videos_by_uploader_day ON videos (uploaded_by, created_at);

      CREATE TABLE renditions (
        id          INTEGER PRIMARY KEY,
        video_id    INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        label       TEXT    NOT NULL,
        width       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        path        TEXT    NOT NULL,
        size_bytes  INTEGER NOT NULL,
        bit_rate    INTEGER,
        duration_ms INTEGER,
        UNIQUE (video_id, label)
      ) STRICT;

      CREATE TABLE jobs (
        id           INTEGER PRIMARY KEY,
        kind         TEXT    NOT NULL,
        video_id     INTEGER REFERENCES videos (id) ON DELETE CASCADE,
        payload      TEXT    NOT NULL,
        status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        priority     INTEGER NOT NULL,
        size_key     INTEGER NOT NULL,
        attempts     INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        next_run_at  INTEGER NOT NULL,
        error        TEXT,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        started_at   INTEGER,
        finished_at  INTEGER
      ) STRICT;
      CREATE INDEX jobs_next ON jobs (status, priority DESC, size_key, id);
      CREATE INDEX jobs_by_video ON jobs (video_id);
    `)
  },
}

import type { Migration } from '../migration'

/**
 * 一碰一个新视频 (issue 19): the music library, remix templates and their clips, the variants rendered for each
 * remix tag's pool, a tag's template, and on each transfer the variant and seed it got (no foreign key: a
 * transfer stays explainable after its variant's file, row or template is gone).
 */
export const m0011Remix: Migration = {
  version: 11,
  name: 'remix templates and variant pools',
  up(db) {
    db.exec(`
      CREATE TABLE music (
        id            INTEGER PRIMARY KEY,
        title         TEXT    NOT NULL,
        original_name TEXT    NOT NULL,
        -- The normalised file (AAC), relative to the data directory.
        path          TEXT    NOT NULL,
        sha256        TEXT    NOT NULL UNIQUE,
        duration_ms   INTEGER NOT NULL CHECK (duration_ms > 0),
        source_lufs   REAL    NOT NULL,
        created_at    INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE remix_templates (
        id         INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        rules      TEXT    NOT NULL CHECK (json_valid(rules) AND json_type(rules) = 'object'),
        -- A template's music cannot be removed while the template uses it.
        music_id   INTEGER REFERENCES music (id),
        created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- A video a template uses cannot be deleted from under it (the service says which template).
      CREATE TABLE remix_clips (
        template_id INTEGER NOT NULL REFERENCES remix_templates (id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        video_id    INTEGER NOT NULL REFERENCES videos (id),
        in_ms       INTEGER NOT NULL CHECK (in_ms >= 0),
        out_ms      INTEGER CHECK (out_ms IS NULL OR out_ms > in_ms),
        pin         TEXT    CHECK (pin IN ('first', 'last')),
        PRIMARY KEY (template_id, position)
      ) STRICT;
      CREATE INDEX remix_clips_by_video ON remix_clips (video_id);

      CREATE TABLE variants (
        id          INTEGER PRIMARY KEY,
        template_id INTEGER NOT NULL REFERENCES remix_templates (id) ON DELETE CASCADE,
        tag_id      INTEGER REFERENCES tags (id) ON DELETE CASCADE,
        seed        INTEGER NOT NULL CHECK (seed BETWEEN 0 AND 4294967295),
        status      TEXT    NOT NULL CHECK (status IN ('rendering', 'ready', 'used', 'failed', 'deleted')),
        -- The clips it used, as rendered (JSON), once planned.
        clips       TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(clips)),
        path        TEXT,
        size_bytes  INTEGER,
        duration_ms INTEGER,
        uses        INTEGER NOT NULL DEFAULT 0,
        error       TEXT,
        created_at  INTEGER NOT NULL,
        ready_at    INTEGER,
        used_at     INTEGER,
        CHECK ((status IN ('ready', 'used')) = (path IS NOT NULL))
      ) STRICT;
      CREATE INDEX variants_by_tag ON variants (tag_id, status);
      CREATE INDEX variants_used ON variants (status, used_at) WHERE status = 'used';

      ALTER TABLE tags ADD COLUMN template_id INTEGER REFERENCES remix_templates (id);
      CREATE INDEX tags_by_template ON tags (template_id) WHERE template_id IS NOT NULL;

      ALTER TABLE transfers ADD COLUMN variant_id INTEGER;
      ALTER TABLE transfers ADD COLUMN seed INTEGER;
      ALTER TABLE transfers ADD COLUMN remix_fallback TEXT CHECK (remix_fallback IN ('least-used', 'base-video'));
      CREATE INDEX transfers_by_variant ON transfers (variant_id) WHERE variant_id IS NOT NULL;
    `)
  },
}

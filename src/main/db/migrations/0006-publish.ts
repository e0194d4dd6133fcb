import type { Migration } from '../migration'

/**
 * Publishing: the caption library (captions of a video, of a tag, or of a tag for one of its videos), each tag's
 * publish settings (the platforms it offers, in order, and how it draws captions), and the caption a transfer got.
 */
export const m0006Publish: Migration = {
  version: 6,
  name: 'captions and tag publish settings',
  up(db) {
    db.exec(`
      CREATE TABLE captions (
        id           INTEGER PRIMARY KEY,
        video_id     INTEGER REFERENCES videos (id) ON DELETE CASCADE,
        tag_id       INTEGER REFERENCES tags (id) ON DELETE CASCADE,
        text         TEXT    NOT NULL,
        hashtags     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(hashtags) AND json_type(hashtags) = 'array'),
        mentions     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(mentions) AND json_type(mentions) = 'array'),
        poi          TEXT,
        -- Taps that drew it: counted in memory on the tap path and added here in batches.
        uses         INTEGER NOT NULL DEFAULT 0,
        last_used_at INTEGER,
        created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        CHECK (video_id IS NOT NULL OR tag_id IS NOT NULL)
      ) STRICT;
      CREATE INDEX captions_by_video ON captions (video_id);
      CREATE INDEX captions_by_tag ON captions (tag_id);

      ALTER TABLE tags ADD COLUMN platforms TEXT NOT NULL
        DEFAULT '["douyin","kuaishou","xiaohongshu","channels","wechat"]'
        CHECK (json_valid(platforms) AND json_type(platforms) = 'array');
      ALTER TABLE tags ADD COLUMN caption_strategy TEXT NOT NULL DEFAULT 'rotate'
        CHECK (caption_strategy IN ('rotate', 'random', 'least-used'));

      -- Written with the transfer by delivery records. Most transfers of a store without captions have none:
      -- the index holds only those that do, and still serves the look-up a caption's deletion makes.
      ALTER TABLE transfers ADD COLUMN caption_id INTEGER REFERENCES captions (id) ON DELETE SET NULL;
      CREATE INDEX transfers_by_caption ON transfers (caption_id) WHERE caption_id IS NOT NULL;
    `)
  },
}

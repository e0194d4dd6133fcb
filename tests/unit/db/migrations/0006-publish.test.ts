import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'

describe('migration 6: captions and tag publish settings', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }
  const plan = (db: Database.Database, sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join(' | ')

  it('gives existing tags every platform in the default order and rotating captions; transfers no caption', () => {
    const db = upTo(5)
    db.exec(`
      INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1);
      INSERT INTO transfers (token, tag_id, tag_code, rendition, device_id, tier, bytes_total, status, created_at, updated_at)
        VALUES ('t1', 1, 'a', '720p', 'd', 'normal', 10, 'completed', 100, 100);
    `)
    MIGRATIONS[5]!.up(db)
    expect(db.prepare('SELECT platforms, caption_strategy FROM tags').get()).toEqual({
      platforms: '["douyin","kuaishou","xiaohongshu","channels","wechat"]',
      caption_strategy: 'rotate',
    })
    expect(db.prepare('SELECT caption_id FROM transfers').get()).toEqual({ caption_id: null })
  })

  it('refuses a caption for nothing, a strategy it does not know and platforms that are not a list', () => {
    const db = upTo(6)
    db.exec(
      `INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1)`,
    )
    expect(() => db.exec(`INSERT INTO captions (text, created_at, updated_at) VALUES ('x', 1, 1)`)).toThrow(
      /CHECK constraint failed/,
    )
    expect(() => db.exec(`UPDATE tags SET caption_strategy = 'newest'`)).toThrow(/CHECK constraint failed/)
    expect(() => db.exec(`UPDATE tags SET platforms = 'douyin'`)).toThrow(/CHECK constraint failed/)
    expect(() =>
      db.exec(
        `INSERT INTO captions (tag_id, text, hashtags, created_at, updated_at) VALUES (1, 'x', '"a"', 1, 1)`,
      ),
    ).toThrow(/CHECK constraint failed/)
  })

  it('deletes captions with their video or tag, and leaves a transfer without the caption it showed', () => {
    const db = upTo(6)
    db.exec(`
      INSERT INTO videos (id, title, original_name, source_path, size_bytes, sha256, duration_ms, width, height, container, video_codec, status, uploader_name, created_at, updated_at)
        VALUES (3, 'v', 'v.mp4', 's', 1, 'h', 1, 2, 2, 'mp4', 'h264', 'ready', 'u', 1, 1);
      INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1);
      INSERT INTO captions (id, video_id, text, created_at, updated_at) VALUES (10, 3, 'of the video', 1, 1);
      INSERT INTO captions (id, tag_id, text, created_at, updated_at) VALUES (11, 1, 'of the tag', 1, 1);
      INSERT INTO captions (id, tag_id, video_id, text, created_at, updated_at) VALUES (12, 1, 3, 'of both', 1, 1);
      INSERT INTO transfers (token, tag_id, tag_code, rendition, device_id, tier, bytes_total, status, created_at, updated_at, caption_id)
        VALUES ('t1', 1, 'a', '720p', 'd', 'normal', 10, 'completed', 100, 100, 11);
    `)
    db.exec('DELETE FROM tags WHERE id = 1')
    expect(db.prepare('SELECT id FROM captions ORDER BY id').all()).toEqual([{ id: 10 }])
    expect(db.prepare('SELECT caption_id FROM transfers').get()).toEqual({ caption_id: null })
    db.exec('DELETE FROM videos WHERE id = 3')
    expect(db.prepare('SELECT count(*) AS n FROM captions').get()).toEqual({ n: 0 })
  })

  it('finds captions by video and by tag, and transfers by caption, through indexes', () => {
    const db = upTo(6)
    expect(plan(db, 'SELECT * FROM captions WHERE video_id = 3')).toMatch(/captions_by_video/)
    expect(plan(db, 'SELECT * FROM captions WHERE tag_id = 3')).toMatch(/captions_by_tag/)
    expect(plan(db, 'SELECT id FROM transfers WHERE caption_id = 9')).toMatch(/transfers_by_caption/)
  })
})

import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { m0001Accounts } from '../../../../src/main/db/migrations/0001-accounts'
import { m0002Videos } from '../../../../src/main/db/migrations/0002-videos'

describe('migration 2: videos, renditions, jobs', () => {
  function fresh() {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    m0001Accounts.up(db)
    m0002Videos.up(db)
    return db
  }
  const video = (db: Database.Database, sha: string, status = 'queued') =>
    Number(
      db
        .prepare(
          `INSERT INTO videos (title, original_name, source_path, size_bytes, sha256, duration_ms, width, height, container, video_codec, status, uploader_name, created_at, updated_at)
           VALUES ('t', 'a.mp4', 'media/sources/x.mp4', 1, ?, 1000, 640, 360, 'mov', 'h264', ?, 'owner', 1, 1)`,
        )
        .run(sha, status).lastInsertRowid,
    )

  it('keeps one video per content hash and only known states', () => {
    const db = fresh()
    video(db, 'aa')
    expect(() => video(db, 'aa')).toThrow(/UNIQUE/)
    expect(() => video(db, 'bb', 'almost')).toThrow(/CHECK/)
  })

  it('removes renditions and jobs with their video', () => {
    const db = fresh()
    const id = video(db, 'cc')
    db.prepare(
      "INSERT INTO renditions (video_id, label, width, height, path, size_bytes) VALUES (?, '480p', 854, 480, 'p', 1)",
    ).run(id)
    db.prepare(
      "INSERT INTO jobs (kind, video_id, payload, status, priority, size_key, max_attempts, next_run_at, created_at, updated_at) VALUES ('transcode', ?, '{}', 'queued', 20, 1, 3, 1, 1, 1)",
    ).run(id)
    expect(() =>
      db
        .prepare(
          "INSERT INTO renditions (video_id, label, width, height, path, size_bytes) VALUES (?, '480p', 854, 480, 'p', 1)",
        )
        .run(id),
    ).toThrow(/UNIQUE/)
    db.prepare('DELETE FROM videos WHERE id = ?').run(id)
    expect(
      db.prepare('SELECT (SELECT count(*) FROM renditions) + (SELECT count(*) FROM jobs) AS n').get(),
    ).toEqual({ n: 0 })
  })

  it('picks the next job by priority, then size, through an index', () => {
    const db = fresh()
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE status = 'queued' AND next_run_at <= 5 ORDER BY priority DESC, size_key, id LIMIT 1",
      )
      .all() as Array<{ detail: string }>
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX jobs_next/)
  })
})

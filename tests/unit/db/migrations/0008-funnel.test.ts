import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'
import { funnelRepo, type FunnelRow } from '../../../../src/main/db/repos/funnel'
import { UnknownValueError } from '../../../../src/main/db/errors'

describe('migration 8: the conversion funnel', () => {
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
  const row = (o: Partial<FunnelRow>): FunnelRow => ({
    transferId: 42,
    kind: 'played',
    platform: '',
    detail: null,
    tagId: 1,
    videoId: 1,
    transferAt: 1000,
    day: '1970-01-01',
    firstAt: 2000,
    lastAt: 2000,
    count: 1,
    ...o,
  })
  function withTagAndVideo() {
    // The repo is today's: it runs on the whole schema (its ids follow migration 16's marks).
    const db = upTo(MIGRATIONS.length)
    db.exec(`
      INSERT INTO videos (id, title, original_name, source_path, size_bytes, sha256, duration_ms, width, height,
                          container, video_codec, status, uploader_name, created_at, updated_at)
        VALUES (1, 'v', 'v.mp4', 'media/v', 1, 'x', 1000, 640, 360, 'mp4', 'h264', 'ready', 'x', 1, 1);
      INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1);
    `)
    return db
  }

  it('is number 8 and upgrades a version-7 database with its data in place', () => {
    expect(MIGRATIONS[7]!.version).toBe(8)
    expect(MIGRATIONS[7]!.name).toBe('funnel')
    const db = upTo(7)
    db.exec(`
      INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1);
      INSERT INTO transfers (token, tag_id, tag_code, rendition, device_id, tier, bytes_total, status, created_at, updated_at)
        VALUES ('t1', 1, 'a', '720p', 'd', 'normal', 10, 'completed', 100, 100);
    `)
    MIGRATIONS[7]!.up(db)
    expect(db.prepare('SELECT count(*) AS n FROM funnel_events').get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM transfers').get()).toEqual({ n: 1 })
  })

  it('keeps one row per transfer, kind and platform, for a transfer not written yet; repeats only count on', () => {
    const db = withTagAndVideo()
    const repo = funnelRepo(db)
    // Transfer 42 is not in SQLite: its row may still be on the writer thread when its page reports.
    repo.write([row({}), row({ kind: 'platform-chosen', detail: 'douyin' })])
    repo.write([
      row({ count: 2, lastAt: 5000 }),
      row({ kind: 'platform-chosen', platform: 'douyin' }),
      row({ kind: 'platform-chosen', detail: 'kuaishou', lastAt: 6000 }),
    ])
    expect(repo.ofTransfer(42)).toEqual([
      { transferId: 42, kind: 'played', platform: null, detail: null, firstAt: 2000, lastAt: 5000, count: 3 },
      {
        transferId: 42,
        kind: 'platform-chosen',
        platform: null,
        detail: 'douyin',
        firstAt: 2000,
        lastAt: 6000,
        count: 2,
      },
      {
        transferId: 42,
        kind: 'platform-chosen',
        platform: 'douyin',
        detail: null,
        firstAt: 2000,
        lastAt: 2000,
        count: 1,
      },
    ])
    expect(() =>
      db
        .prepare(
          "INSERT INTO funnel_events (transfer_id, kind, transfer_at, first_at, last_at) VALUES (42, 'played', 1, 1, 1)",
        )
        .run(),
    ).toThrow(/UNIQUE/)
  })

  it('drops a deleted tag or video from a step instead of failing the batch, and keeps the step', () => {
    const db = withTagAndVideo()
    const repo = funnelRepo(db)
    repo.write([row({ tagId: 99, videoId: 98 })])
    expect(db.prepare('SELECT tag_id, video_id FROM funnel_events').get()).toEqual({
      tag_id: null,
      video_id: null,
    })
    repo.write([row({ transferId: 43 })])
    db.exec('DELETE FROM tags WHERE id = 1')
    expect(db.prepare('SELECT tag_id FROM funnel_events WHERE transfer_id = 43').get()).toEqual({
      tag_id: null,
    })
    expect(plan(db, 'UPDATE funnel_events SET tag_id = NULL WHERE tag_id = 1')).toMatch(
      /funnel_events_by_tag/,
    )
    expect(plan(db, 'UPDATE funnel_events SET video_id = NULL WHERE video_id = 1')).toMatch(
      /funnel_events_by_video/,
    )
  })

  it('adds a step reported after its day was rolled up to that roll-up, once', () => {
    const db = withTagAndVideo()
    const repo = funnelRepo(db)
    repo.write([row({})])
    expect(repo.rollDay({ day: '1970-01-01', from: 0, to: 86_400_000, now: 1 })).toBe(true)
    expect(repo.rollDay({ day: '1970-01-01', from: 0, to: 86_400_000, now: 1 })).toBe(false)
    const rolled = () =>
      repo
        .rolledCounts('none', { tagId: null, videoId: null, days: ['1970-01-01'] })
        .filter((r) => r.step === 'played')
    expect(rolled()).toEqual([{ group: 0, step: 'played', platform: '', n: 1 }])
    // A repeat of a rolled step changes nothing; a new transfer's step on that day counts.
    repo.write([row({}), row({ transferId: 50 })])
    expect(rolled()).toEqual([{ group: 0, step: 'played', platform: '', n: 2 }])
  })

  it('prunes by the transfer’s time in bounded steps, through its index', () => {
    const db = withTagAndVideo()
    const repo = funnelRepo(db)
    repo.write([1, 2, 3, 4, 5].map((i) => row({ transferId: i, transferAt: i * 10 })))
    expect(repo.prune(35, 2)).toBe(2)
    expect(repo.prune(35, 2)).toBe(1)
    expect(repo.prune(35, 2)).toBe(0)
    expect(
      plan(
        db,
        'SELECT id FROM funnel_events INDEXED BY funnel_events_by_time WHERE transfer_at < 35 LIMIT 2',
      ),
    ).toMatch(/funnel_events_by_time/)
  })

  it('reads an unknown kind or platform as an error, never as a cast', () => {
    const db = withTagAndVideo()
    db.prepare(
      "INSERT INTO funnel_events (transfer_id, kind, transfer_at, first_at, last_at) VALUES (1, 'liked', 1, 1, 1)",
    ).run()
    expect(() => funnelRepo(db).ofTransfer(1)).toThrow(UnknownValueError)
    db.prepare(
      "INSERT INTO funnel_events (transfer_id, kind, platform, transfer_at, first_at, last_at) VALUES (2, 'platform-chosen', 'weibo', 1, 1, 1)",
    ).run()
    expect(() => funnelRepo(db).ofTransfer(2)).toThrow(UnknownValueError)
  })
})

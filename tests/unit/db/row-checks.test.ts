import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../../src/main/db/open'
import { createRepos, type Repos } from '../../../src/main/db/repos'
import { UnknownValueError } from '../../../src/main/db/errors'
import { silentLogger } from '../../../src/main/core/logger'
import { tempDir } from '../../helpers/tmp'

// Every status, kind, role and tier a repository reads is checked against the contract's vocabulary in its fromRow:
// a value planted behind the schema's back (CHECK constraints switched off, or a column without one) comes out as
// an UnknownValueError naming the table and column, not as a string passed on as if it were one of ours.

let dir: ReturnType<typeof tempDir>
let repos: Repos
const now = Date.UTC(2026, 10, 24, 9)

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'b'), logger: silentLogger() })
      .db,
  )
  // As a hand edit or another program would: past the CHECK constraints.
  repos.db.pragma('ignore_check_constraints = ON')
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

function unknown(fn: () => unknown): { table: string; column: string; value: unknown } | 'no error' {
  try {
    fn()
  } catch (err) {
    if (err instanceof UnknownValueError) return { table: err.table, column: err.column, value: err.value }
    throw err
  }
  return 'no error'
}

function video(): number {
  return repos.videos.insert({
    title: 'v',
    description: '',
    originalName: 'v.mp4',
    sourcePath: 'sources/v.mp4',
    sizeBytes: 1,
    sha256: 'x',
    durationMs: 1,
    width: 2,
    height: 2,
    rotation: 0,
    container: 'mp4',
    videoCodec: 'h264',
    audioCodec: null,
    pixFmt: null,
    frameRate: null,
    bitRate: null,
    uploadedBy: null,
    uploaderName: 't',
    now,
  })
}

function tag(): number {
  return repos.tags.insert({
    code: 'Ab12Cd34Ef56',
    label: '',
    tier: 'normal',
    strategy: 'fixed',
    dailyCap: null,
    baseUrl: 'http://h:8080',
    platforms: ['douyin'],
    captionStrategy: 'rotate',
    createdBy: null,
    now,
  })
}

function transfer(): number {
  repos.db
    .prepare(
      `INSERT INTO transfers (id, token, tag_code, rendition, device_id, tier, bytes_total, status, created_at, updated_at)
       VALUES (1, 't', 'c', '720p', 'd', 'normal', 1, 'completed', ?, ?)`,
    )
    .run(now, now)
  return 1
}

describe('rows are checked where they are read', () => {
  it('tags: tier and strategy', () => {
    const id = tag()
    repos.db.prepare("UPDATE tags SET tier = 'gold' WHERE id = ?").run(id)
    expect(unknown(() => repos.tags.findById(id))).toEqual({ table: 'tags', column: 'tier', value: 'gold' })
    repos.db.prepare("UPDATE tags SET tier = 'vip', strategy = 'shuffle' WHERE id = ?").run(id)
    expect(unknown(() => repos.tags.list())).toEqual({ table: 'tags', column: 'strategy', value: 'shuffle' })
  })

  it('tags: the platforms offered and the caption strategy', () => {
    const id = tag()
    repos.db.prepare(`UPDATE tags SET platforms = '["douyin","weibo"]' WHERE id = ?`).run(id)
    expect(unknown(() => repos.tags.findById(id))).toEqual({
      table: 'tags',
      column: 'platforms',
      value: 'weibo',
    })
    repos.db.prepare(`UPDATE tags SET platforms = '{"douyin":1}' WHERE id = ?`).run(id)
    expect(unknown(() => repos.tags.findById(id))).toEqual({
      table: 'tags',
      column: 'platforms',
      value: '{"douyin":1}',
    })
    repos.db.prepare(`UPDATE tags SET platforms = '[]', caption_strategy = 'newest' WHERE id = ?`).run(id)
    expect(unknown(() => repos.tags.list())).toEqual({
      table: 'tags',
      column: 'caption_strategy',
      value: 'newest',
    })
  })

  it('captions: hashtags and mentions are lists of words', () => {
    const id = repos.captions.insert({
      videoId: video(),
      tagId: null,
      text: 't',
      hashtags: ['a'],
      mentions: [],
      poi: null,
      createdBy: null,
      now,
    })
    repos.db.prepare(`UPDATE captions SET hashtags = '[1]' WHERE id = ?`).run(id)
    expect(unknown(() => repos.captions.findById(id))).toEqual({
      table: 'captions',
      column: 'hashtags',
      value: '[1]',
    })
  })

  it('videos and jobs: their statuses', () => {
    const id = video()
    repos.db.prepare("UPDATE videos SET status = 'uploading' WHERE id = ?").run(id)
    expect(unknown(() => repos.videos.findById(id))).toEqual({
      table: 'videos',
      column: 'status',
      value: 'uploading',
    })
    const job = repos.jobs.insert({
      kind: 'transcode',
      videoId: null,
      payload: {},
      priority: 1,
      sizeKey: 1,
      maxAttempts: 3,
      now,
    })
    repos.db.prepare("UPDATE jobs SET status = 'paused' WHERE id = ?").run(job)
    expect(unknown(() => repos.jobs.findById(job))).toEqual({
      table: 'jobs',
      column: 'status',
      value: 'paused',
    })
  })

  it('users and sessions: the role', () => {
    const id = repos.users.insert({ username: 'a', displayName: '', role: 'staff', passwordHash: 'h', now })
    repos.sessions.insert({
      tokenHash: Buffer.from('s'),
      userId: id,
      now,
      expiresAt: now + 1,
      ip: null,
      userAgent: null,
    })
    repos.db.prepare("UPDATE users SET role = 'root' WHERE id = ?").run(id)
    const expected = { table: 'users', column: 'role', value: 'root' }
    expect(unknown(() => repos.users.findById(id))).toEqual(expected)
    expect(unknown(() => repos.sessions.findByTokenHash(Buffer.from('s')))).toEqual(expected)
  })

  it('notifications: their kind and the kinds a user muted', () => {
    const id = repos.users.insert({ username: 'a', displayName: '', role: 'staff', passwordHash: 'h', now })
    repos.notifications.insert({ at: now, kind: 'disk-low', key: 'k', params: {} })
    repos.db.prepare("UPDATE notifications SET kind = 'cpu-hot'").run()
    expect(unknown(() => repos.notifications.latest(10))).toEqual({
      table: 'notifications',
      column: 'kind',
      value: 'cpu-hot',
    })
    repos.notifications.setMuted(id, ['disk-low'])
    repos.db.prepare(`UPDATE notification_prefs SET muted = '["disk-low","cpu-hot"]'`).run()
    expect(unknown(() => repos.notifications.prefs(id))).toEqual({
      table: 'notification_prefs',
      column: 'muted',
      value: 'cpu-hot',
    })
  })

  it('transfers, their timeline and their tap, as the history and the dashboard read them', () => {
    const id = transfer()
    repos.db
      .prepare("INSERT INTO taps (id, tag_code, device_id, at, outcome) VALUES (1, 'c', 'd', ?, 'lucky')")
      .run(now)
    repos.db.prepare('UPDATE transfers SET tap_id = 1').run()
    repos.db
      .prepare("INSERT INTO transfer_events (transfer_id, at, kind) VALUES (?, ?, 'teleported')")
      .run(id, now)
    expect(unknown(() => repos.history.tapOf(id))).toEqual({
      table: 'taps',
      column: 'outcome',
      value: 'lucky',
    })
    expect(unknown(() => repos.history.timeline(id))).toEqual({
      table: 'transfer_events',
      column: 'kind',
      value: 'teleported',
    })
    repos.db.prepare("UPDATE transfers SET status = 'lost'").run()
    expect(unknown(() => repos.stats.statusBetween(now - 1, now + 1))).toEqual({
      table: 'transfers',
      column: 'status',
      value: 'lost',
    })
    expect(unknown(() => repos.history.exportChunk({}, 0, 10))).toEqual({
      table: 'transfers',
      column: 'status',
      value: 'lost',
    })
  })

  it('reads the values it knows as they are', () => {
    const id = tag()
    expect(repos.tags.findById(id)).toMatchObject({ tier: 'normal', strategy: 'fixed' })
    expect(repos.videos.findById(video())).toMatchObject({ status: 'queued' })
    transfer()
    expect(repos.stats.statusBetween(now - 1, now + 1)).toEqual([{ status: 'completed', n: 1, bytes: 0 }])
  })
})

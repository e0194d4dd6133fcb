import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import type { TransferRecord } from '../../src/main/db/repos/delivery'
import { silentLogger } from '../../src/main/core/logger'
import { DeliveryRecords } from '../../src/main/core/delivery/records'
import { newTransfer } from '../helpers/records'
import { tempDir } from '../helpers/tmp'

// The records on a real database file, written inline (the thread has its own tests): counts, the memory bound
// and what leaves memory when.
let dir: ReturnType<typeof tempDir>
let repos: Repos
let now: number
let records: DeliveryRecords
const logger = silentLogger()
// A Tuesday, mid-morning, local time.
const MORNING = new Date(2026, 10, 24, 10, 0, 0).getTime()

function open(maxKeys?: number): DeliveryRecords {
  const r = new DeliveryRecords({
    repo: repos.delivery,
    logger,
    now: () => now,
    onChange: () => {},
    ...(maxKeys ? { maxKeys } : {}),
  })
  r.start()
  return r
}

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'backups'), logger }).db,
  )
  now = MORNING
  repos.db
    .prepare(
      "INSERT INTO tags (id, code, label, tier, strategy, base_url, created_at, updated_at) VALUES (7, 'AbCdEfGhIjKl', 'shelf', 'normal', 'rotate', 'http://192.168.1.20:8080', 0, 0)",
    )
    .run()
  records = open()
})
afterEach(() => {
  records.stop()
  closeDatabase(repos.db)
  dir.cleanup()
})

function transfer(deviceId: string, over: Partial<TransferRecord> = {}) {
  return records.create(newTransfer({ id: records.nextId(), tagId: 7, deviceId, createdAt: now, ...over }))
}

describe('delivery records', () => {
  it("count a phone's transfers today at once, give quota back for one that expired, and start afresh at midnight", () => {
    const t = transfer('phone-1')
    transfer('phone-1', { tier: 'vip' })
    expect(records.usedToday('phone-1', 'normal')).toBe(1)
    expect(records.usedToday('phone-1', 'vip')).toBe(1)
    expect(records.givenToday(7)).toBe(2)
    records.setStatus(t, 'expired', 'waited too long in line')
    expect(records.usedToday('phone-1', 'normal')).toBe(0)
    expect(records.givenToday(7)).toBe(2) // a cap counts what the tag handed out, whatever came of it
    now = new Date(2026, 10, 25, 0, 0, 1).getTime()
    expect(records.usedToday('phone-1', 'vip')).toBe(0)
    expect(records.givenToday(7)).toBe(0)
  })

  it('rebuild the counts and the re-tap index from SQLite after a restart', () => {
    const t = transfer('phone-1')
    transfer('phone-2')
    records.stop()
    now += 60_000
    records = open()
    expect(records.usedToday('phone-1', 'normal')).toBe(1)
    expect(records.givenToday(7)).toBe(2)
    expect(records.latestFor('phone-1', 7)?.record.token).toBe(t.record.token)
    now += 31 * 60_000
    expect(records.latestFor('phone-1', 7)).toBeNull()
  })

  it('stay within their bound under a flood of new phones, and still count a dropped phone right (from SQLite)', () => {
    records.stop()
    records = open(50)
    for (let i = 0; i < 500; i++) transfer(`flood-${i}`)
    expect(records.memory.phones).toBeLessThanOrEqual(50)
    let queries = 0
    const ofDevice = repos.delivery.ofDeviceSince
    repos.delivery.ofDeviceSince = (...args) => (queries++, ofDevice(...args))
    // phone 0 was dropped long ago; its transfer is still counted, and still found for a re-tap.
    expect(records.usedToday('flood-0', 'normal')).toBe(1)
    expect(records.latestFor('flood-0', 7)?.record.deviceId).toBe('flood-0')
    expect(queries).toBe(1) // restored once, then held again
    expect(records.usedToday('flood-499', 'normal')).toBe(1)
    // A phone never seen costs no query, however many were dropped before it came (the flood's aftermath).
    queries = 0
    for (let i = 0; i < 100; i++) expect(records.usedToday(`never-seen-${i}`, 'normal')).toBe(0)
    expect(queries).toBeLessThanOrEqual(1) // the filter's rare false "maybe"
    // A dropped phone that taps again counts on from what it had, not from zero.
    transfer('flood-1')
    expect(records.usedToday('flood-1', 'normal')).toBe(2)
  })

  it('let go of a transfer two minutes after it ended, keep the ones waiting in line, and load it again when asked', () => {
    const done = transfer('phone-1')
    const waiting = transfer('phone-2')
    records.setStatus(waiting, 'queued', null)
    records.setStatus(done, 'completed', null)
    records.flush()
    now += 60_000
    records.sweep()
    expect(records.held(done.record.id)).toBe(done)
    now += 61_000
    records.sweep()
    expect(records.held(done.record.id)).toBeUndefined()
    expect(records.held(waiting.record.id)).toBe(waiting)
    expect(records.byToken(done.record.token)?.record).toMatchObject({
      id: done.record.id,
      status: 'completed',
    })
  })

  it('let go of phones with nothing left to count', () => {
    records.stop()
    records = open(20)
    for (let i = 0; i < 20; i++) transfer(`phone-${i}`)
    expect(records.memory.phones).toBe(20)
    // The next day, past the re-tap window: nothing of them counts any more.
    now = new Date(2026, 10, 25, 1, 0, 0).getTime()
    records.sweep()
    expect(records.memory.phones).toBe(0)
  })

  it('write taps with their tag’s last tap, once per tag and batch, the latest winning', () => {
    for (const at of [now, now + 5, now + 2])
      records.addTap({
        tagId: 7,
        tagCode: 'AbCdEfGhIjKl',
        deviceId: 'p',
        ip: null,
        userAgent: null,
        at,
        outcome: 'delivered',
      })
    records.flush()
    expect(repos.db.prepare('SELECT count(*) AS n FROM taps WHERE tag_id = 7').get()).toEqual({ n: 3 })
    expect(repos.db.prepare('SELECT last_tap_at AS at FROM tags WHERE id = 7').get()).toEqual({ at: now + 5 })
  })

  it("save a tag's rotate cursor with the batches, not on the tap path", () => {
    records.setCursor(7, 3)
    const row = () => repos.db.prepare('SELECT rotate_cursor AS c FROM tags WHERE id = 7').get()
    expect(records.cursor(7, 0)).toBe(3)
    expect(row()).toEqual({ c: 0 }) // not yet: it waits for the next batch
    records.flush()
    expect(row()).toEqual({ c: 3 })
  })

  it('count a transfer again when it counts again (failed, then served after all)', () => {
    const t = transfer('phone-1')
    records.setStatus(t, 'failed', 'the rendition file is missing')
    expect(records.usedToday('phone-1', 'normal')).toBe(0)
    expect(records.latestFor('phone-1', 7)).toBeNull()
    records.setStatus(t, 'completed', null)
    expect(records.usedToday('phone-1', 'normal')).toBe(1)
    expect(records.latestFor('phone-1', 7)).toBe(t)
    records.setStatus(t, 'failed', 'again')
    records.setStatus(t, 'failed', 'and again')
    expect(records.usedToday('phone-1', 'normal')).toBe(0)
  })

  it("forget a deleted tag's counts and re-tap entries (its id may be the next tag's)", () => {
    transfer('phone-1')
    records.setCursor(7, 2)
    records.forgetTag(7)
    expect(records.givenToday(7)).toBe(0)
    expect(records.latestFor('phone-1', 7)).toBeNull()
    expect(records.cursor(7, 0)).toBe(0)
    expect(records.usedToday('phone-1', 'normal')).toBe(1) // the phone's quota is its own, whatever the tag
  })

  it('after a restart with more phones today than the bound, still count every phone (from SQLite)', () => {
    records.stop()
    records = open(4)
    for (let i = 0; i < 10; i++) transfer(`phone-${i}`)
    records.flush()
    records.stop()
    now += 60_000
    records = open(4)
    for (let i = 0; i < 10; i++) expect(records.usedToday(`phone-${i}`, 'normal')).toBe(1)
    expect(records.latestFor('phone-0', 7)?.record.deviceId).toBe('phone-0')
    expect(records.usedToday('never-seen', 'normal')).toBe(0)
  })
})

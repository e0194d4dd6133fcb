import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { PHONE_UA } from '../helpers/phone'
import { clip } from '../helpers/corpus'
import type { Video } from '../../src/shared/contract/videos'

// The delivery records against a real database file and the real writer thread: what a phone is allowed counts
// what SQLite holds and what is still on its way there, once each, whatever the thread is doing.
let t: TestHub
let owner: TestSession
let a: Video
let b: Video
beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
  await owner.invoke('settings-update', { maxStreams: 1000 })
  a = await readyVideo(t, clip('records-a.mp4', 1, '854x480'), 'A')
  b = await readyVideo(t, clip('records-b.mp4', 1, '854x480'), 'B')
}, 300_000)
afterAll(() => t?.stop())

const DEVICE = 'AAAAAAAAAAAAAAAAAAAAAA'

function tapNow(code: string, deviceId: string | null = DEVICE) {
  return t.hub.services.delivery.tap({ code, deviceId, ip: '127.0.0.1', userAgent: PHONE_UA.android })
}

function rowCount(db: Database.Database): number {
  return (db.prepare('SELECT count(*) AS n FROM transfers').get() as { n: number }).n
}

describe('delivery records', () => {
  it("counts a batch the writer thread committed before its reply came back once, not twice (a phone's second video)", async () => {
    await owner.invoke('settings-update', { quotaNormal: 2 })
    const tag = await owner.invoke('tag-create', { videoIds: [a.id], label: 'race' })
    const other = await owner.invoke('tag-create', { videoIds: [b.id], label: 'race-2' })
    const third = await owner.invoke('tag-create', { videoIds: [b.id], label: 'race-3' })
    const file = join(t.dataDir, 'tapdrop.db')
    t.hub.services.delivery.flush()
    const before = new Database(file, { readonly: true })
    const start = rowCount(before)
    // Another connection holds the write lock, so the thread cannot commit the first transfer's batch yet.
    const lock = new Database(file)
    lock.pragma('busy_timeout = 5000')
    lock.exec('BEGIN IMMEDIATE')
    try {
      expect(tapNow(tag.code)).toMatchObject({ kind: 'deliver', outcome: 'delivered' })
      // The book hands its batch to the thread within ~50 ms; the thread waits for the lock.
      await new Promise((r) => setTimeout(r, 300))
    } finally {
      lock.exec('COMMIT')
      lock.close()
    }
    // Without giving the event loop a turn (so the thread's reply is not processed), wait until the thread has
    // committed: the transfer is in SQLite and still on its way as far as the hub's own bookkeeping knows.
    const deadline = Date.now() + 10_000
    const pause = new Int32Array(new SharedArrayBuffer(4))
    while (rowCount(before) === start && Date.now() < deadline) Atomics.wait(pause, 0, 0, 5)
    expect(rowCount(before)).toBe(start + 1)
    before.close()
    // The phone's second video of the day (quota 2) must be given: one is used, not two.
    expect(tapNow(other.code)).toMatchObject({ kind: 'deliver', outcome: 'delivered' })
    expect(tapNow(third.code)).toMatchObject({ kind: 'refused', reason: 'quota' })
    await owner.invoke('settings-update', { quotaNormal: 0 })
  })

  it('records the caption drawn for a transfer, shows the same one on a re-tap, and survives its deletion before the write', async () => {
    const tag = await owner.invoke('tag-create', { videoIds: [a.id], label: '文案' })
    await owner.invoke('caption-create', {
      tagId: tag.id,
      text: '第一条 {标签位置}',
      hashtags: ['门店'],
    })
    await owner.invoke('caption-create', { tagId: tag.id, text: '第二条', hashtags: [] })
    const phone = 'CCCCCCCCCCCCCCCCCCCCCC'
    const r = tapNow(tag.code, phone)
    if (r.kind !== 'deliver') throw new Error(`refused: ${r.reason}`)
    expect(r.caption?.captionId).toBeDefined()
    expect(r.caption?.text ?? '').toMatch(/第一条 文案|第二条/)
    // A re-tap continues the transfer and shows the caption it already got.
    const again = tapNow(tag.code, phone)
    if (again.kind !== 'deliver') throw new Error(`refused: ${again.reason}`)
    expect(again.outcome).toBe('repeat')
    expect(again.caption?.captionId).toBe(r.caption?.captionId)
    t.hub.services.delivery.flush()
    const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
    const row = () =>
      db.prepare('SELECT caption_id AS c FROM transfers WHERE token = ?').get(r.transfer.record.token)
    expect(row()).toEqual({ c: r.caption?.captionId })
    // A caption deleted between a tap and its batch (here by another connection, before the event loop turns): the
    // transfer is written without it, and so is every later one.
    const other = tapNow(tag.code, 'DDDDDDDDDDDDDDDDDDDDDD')
    if (other.kind !== 'deliver' || !other.caption) throw new Error('no caption drawn')
    const editor = new Database(join(t.dataDir, 'tapdrop.db'))
    editor.pragma('busy_timeout = 5000')
    editor.prepare('DELETE FROM captions WHERE id = ?').run(other.caption.captionId)
    editor.close()
    t.hub.services.delivery.flush()
    expect(
      db.prepare('SELECT caption_id AS c FROM transfers WHERE token = ?').get(other.transfer.record.token),
    ).toEqual({
      c: null,
    })
    expect(tapNow(tag.code, 'EEEEEEEEEEEEEEEEEEEEEE').kind).toBe('deliver')
    t.hub.services.delivery.flush()
    expect(
      db.prepare('SELECT count(*) AS n FROM transfers WHERE device_id = ?').get('EEEEEEEEEEEEEEEEEEEEEE'),
    ).toEqual({ n: 1 })
    db.close()
  })

  it('writes a tap whose tag was deleted before its batch (without the tag), and every tap after it', async () => {
    const gone = await owner.invoke('tag-create', { videoIds: [a.id], label: 'gone' })
    const stays = await owner.invoke('tag-create', { videoIds: [a.id], label: 'stays' })
    const r = tapNow(gone.code, 'FFFFFFFFFFFFFFFFFFFFFF')
    if (r.kind !== 'deliver') throw new Error(r.reason)
    // Deleted by another connection before the event loop turns: the batch with this tap names a tag no longer there.
    const editor = new Database(join(t.dataDir, 'tapdrop.db'))
    editor.pragma('busy_timeout = 5000')
    editor.prepare('DELETE FROM tags WHERE id = ?').run(gone.id)
    editor.close()
    t.hub.services.delivery.flush()
    expect(tapNow(stays.code, 'GGGGGGGGGGGGGGGGGGGGGG').kind).toBe('deliver')
    t.hub.services.delivery.flush()
    const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
    expect(
      db.prepare('SELECT tag_id AS tagId FROM transfers WHERE token = ?').get(r.transfer.record.token),
    ).toEqual({
      tagId: null,
    })
    expect(
      db.prepare("SELECT count(*) AS n FROM transfers WHERE device_id = 'GGGGGGGGGGGGGGGGGGGGGG'").get(),
    ).toEqual({ n: 1 })
    db.close()
  })

  it("starts a tag made in a deleted tag's place afresh: its id is reused, nothing of the old one carries over", async () => {
    const old = await owner.invoke('tag-create', { videoIds: [a.id], label: 'old', dailyCap: 1 })
    const phone = 'HHHHHHHHHHHHHHHHHHHHHH'
    expect(tapNow(old.code, phone)).toMatchObject({ kind: 'deliver', outcome: 'delivered' })
    await owner.invoke('tag-delete', { id: old.id })
    const fresh = await owner.invoke('tag-create', { videoIds: [b.id], label: 'new', dailyCap: 1 })
    expect(fresh.id).toBe(old.id) // SQLite gives the newest row's id again
    // Not a repeat of the old tag's transfer (another video), not over the new tag's cap of one.
    const r = tapNow(fresh.code, phone)
    expect(r).toMatchObject({ kind: 'deliver', outcome: 'delivered' })
    if (r.kind === 'deliver') expect(r.transfer.record.videoId).toBe(b.id)
  })
})

import { createHash, randomBytes } from 'node:crypto'
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, loginAs, waitForVideo, type TestHub } from '../helpers/hub'
import { uploadFile, type TestSession } from '../helpers/api'
import { badCorpus, clip } from '../helpers/corpus'
import { tempDir } from '../helpers/tmp'
import { REFUSAL_TEXT, type RefusalReason } from '../../src/shared/video-refusals'
import { linuxIo, replaceLinuxIo } from '../../src/main/core/fsutil/linux-io'

let t: TestHub
let owner: TestSession
let staff: TestSession
let staff2: TestSession
let viewer: TestSession
const clips: Record<string, string> = {}
beforeAll(async () => {
  // Generated before the hub starts: a synchronous ffmpeg run would stall the hub sharing this event loop.
  badCorpus()
  clips['upload-a.mp4'] = clip('upload-a.mp4', 2)
  clips['upload-chunked.mp4'] = clip('upload-chunked.mp4', 1)
  clips['upload-big.mp4'] = clip('upload-big.mp4', 4, '1280x720', ['-b:v', '6M'])
  clips['upload-abort.mp4'] = clip('upload-abort.mp4', 6, '1280x720', ['-b:v', '4M'])
  clips['upload-viewer.mp4'] = clip('upload-viewer.mp4', 1)
  clips['quota-1.mp4'] = clip('quota-1.mp4', 1)
  clips['quota-2.mp4'] = clip('quota-2.mp4', 1)
  clips['quota-3.mp4'] = clip('quota-3.mp4', 1)
  clips['owned.mp4'] = clip('owned.mp4', 1)
  clips['after-full.mp4'] = clip('after-full.mp4', 1)
  clips['beside-stalled.mp4'] = clip('beside-stalled.mp4', 1)
  t = await startTestHub()
  owner = await setupOwner(t)
  for (const [username, role] of [
    ['mei', 'staff'],
    ['kai', 'staff'],
    ['lin', 'viewer'],
  ] as const)
    await owner.invoke('user-create', { username, role, password: `${username}-password` })
  staff = await loginAs(t, 'mei', 'mei-password')
  staff2 = await loginAs(t, 'kai', 'kai-password')
  viewer = await loginAs(t, 'lin', 'lin-password')
}, 300_000)
afterAll(() => t?.stop())

/** What is on disk and in SQLite for videos: refused files must leave none of it. */
function traces() {
  const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
  const rows = (db.prepare('SELECT count(*) AS n FROM videos').get() as { n: number }).n
  const jobs = (db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n
  db.close()
  return {
    rows,
    jobs,
    tmp: readdirSync(join(t.dataDir, 'tmp')).length,
    sources: readdirSync(join(t.dataDir, 'media', 'sources')).length,
    videoDirs: readdirSync(join(t.dataDir, 'media', 'videos')).length,
  }
}

describe('uploading videos over the admin API', () => {
  it(
    'refuses every bad file with its reason in both languages, and keeps nothing of it',
    { timeout: 120_000 },
    async () => {
      const before = traces()
      for (const bad of badCorpus()) {
        const r = await uploadFile(t.adminUrl, bad.path, { cookie: staff.cookie })
        expect(r.status, bad.name).toBe(422)
        expect(r.json.error.code, bad.name).toBe('video-refused')
        expect(r.json.error.details.reason, bad.name).toBe(bad.reason)
        expect(r.json.error.message, bad.name).toBe(REFUSAL_TEXT[bad.reason as RefusalReason].en)
        expect(r.json.error.details.messageZh, bad.name).toBe(
          REFUSAL_TEXT[bad.reason as RefusalReason]['zh-CN'],
        )
      }
      expect(traces()).toEqual(before)
    },
  )

  it(
    'stores a real video, queues its transcode, and recognises the same bytes uploaded again',
    { timeout: 120_000 },
    async () => {
      const file = clips['upload-a.mp4']!
      const first = await uploadFile(t.adminUrl, file, { cookie: staff.cookie, title: '春季新品' })
      expect(first.status).toBe(201)
      expect(first.json.result).toMatchObject({
        duplicate: false,
        originalName: 'upload-a.mp4',
        video: {
          title: '春季新品',
          uploader: 'mei',
          width: 640,
          height: 360,
          videoCodec: 'h264',
          audioCodec: 'aac',
        },
      })
      const id = first.json.result.id as number
      const again = await uploadFile(t.adminUrl, file, { cookie: staff2.cookie, name: 'renamed.mp4' })
      expect(again.status).toBe(200)
      expect(again.json.result).toMatchObject({ duplicate: true, id })
      const ready = await waitForVideo(t, id)
      expect(ready.status).toBe('ready')
      expect(ready.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'))
      expect(traces()).toMatchObject({ rows: 1, tmp: 0, sources: 1, videoDirs: 1 })
    },
  )

  it(
    'accepts an upload without Content-Length (chunked) and checks the size as it arrives',
    { timeout: 60_000 },
    async () => {
      const r = await uploadFile(t.adminUrl, clips['upload-chunked.mp4']!, {
        cookie: owner.cookie,
        chunked: true,
      })
      expect(r.status).toBe(201)
      await owner.invoke('settings-update', { uploadMaxMegabytes: 1 })
      const big = clips['upload-big.mp4']!
      const declared = await uploadFile(t.adminUrl, big, { cookie: owner.cookie })
      expect([declared.status, declared.json.error.details.reason]).toEqual([422, 'too-large'])
      const streamed = await uploadFile(t.adminUrl, big, { cookie: owner.cookie, chunked: true })
      expect([streamed.status, streamed.json?.error?.details?.reason]).toEqual([422, 'too-large'])
      await owner.invoke('settings-update', { uploadMaxMegabytes: 4096 })
      expect(traces().tmp).toBe(0)
    },
  )

  it('cleans up after an upload the client abandons halfway', { timeout: 60_000 }, async () => {
    const before = traces()
    const r = await uploadFile(t.adminUrl, clips['upload-abort.mp4']!, {
      cookie: staff.cookie,
      abortAfterBytes: 500_000,
    })
    expect(r.status).toBe(-1)
    await new Promise((res) => setTimeout(res, 500))
    expect(traces()).toEqual(before)
  })

  it.runIf(linuxIo() !== null)(
    'refuses an upload when the disk fills up on the way, answers with the reason, and keeps nothing',
    { timeout: 60_000 },
    async () => {
      // The disk cannot be filled for a test; /dev/full can stand in for the upload's file: every write to it
      // fails with ENOSPC, as on a full disk. The receive thread gets it in place of the real file.
      const real = linuxIo()!
      let swapped = 0
      replaceLinuxIo({
        ...real,
        receive: (socketFd, _fileFd, offset, length, silenceMs, progress, done) => {
          const full = openSync('/dev/full', 'w')
          swapped++
          return real.receive(
            socketFd,
            full,
            offset,
            length,
            silenceMs,
            progress,
            (status, written, writeError) => {
              closeSync(full)
              done(status, written, writeError)
            },
          )
        },
      })
      const dir = tempDir()
      try {
        // Much larger than the thread's 128 KiB reads: after the first failed write it still has ~20 MiB to read.
        const file = join(dir.path, 'too-much.mp4')
        writeFileSync(file, randomBytes(20 << 20))
        const before = traces()
        const r = await uploadFile(t.adminUrl, file, { cookie: owner.cookie })
        expect(swapped).toBe(1)
        // An answer, not a reset connection: the rest of the body was read and dropped first.
        expect(r.status).toBe(422)
        expect(r.json.error.details.reason).toBe('disk-full')
        expect(r.json.error.details.messageZh).toBe(REFUSAL_TEXT['disk-full']['zh-CN'])
        expect(traces()).toEqual(before)
      } finally {
        replaceLinuxIo(undefined)
        dir.cleanup()
      }
      // The hub goes on taking uploads.
      const next = await uploadFile(t.adminUrl, clips['after-full.mp4']!, { cookie: owner.cookie })
      expect(next.status).toBe(201)
    },
  )

  it(
    'uploads stalled half-way on slow laptops leave the console and further uploads working',
    { timeout: 60_000 },
    async () => {
      const before = traces()
      // Four uploads that declare 50 MiB, send 1 MiB and then wait, as from laptops on a weak Wi-Fi.
      const url = new URL(t.adminUrl)
      const stalled = await Promise.all(
        [1, 2, 3, 4].map(
          (i) =>
            new Promise<Socket>((resolve, reject) => {
              const s = connect(Number(url.port), url.hostname, () => {
                s.write(
                  `POST /api/videos/upload HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${t.adminUrl}\r\n` +
                    `Cookie: ${owner.cookie}\r\nContent-Type: application/octet-stream\r\n` +
                    `X-Tapdrop-Filename: stalled-${i}.mp4\r\nContent-Length: ${50 << 20}\r\n\r\n`,
                )
                s.write(randomBytes(1 << 20), () => resolve(s))
              })
              s.on('error', reject)
            }),
        ),
      )
      try {
        await new Promise((r) => setTimeout(r, 500))
        expect(readdirSync(join(t.dataDir, 'tmp')).length).toBe(before.tmp + 4)
        // The console still loads, and another upload goes through, while those four wait.
        const page = await fetch(`${t.adminUrl}/`, { signal: AbortSignal.timeout(10_000) })
        expect(page.status).toBe(200)
        const r = await uploadFile(t.adminUrl, clips['beside-stalled.mp4']!, { cookie: owner.cookie })
        expect(r.status).toBe(201)
      } finally {
        for (const s of stalled) s.destroy()
      }
      // The stalled uploads are given up as soon as their laptops leave, and leave nothing behind.
      for (let i = 0; i < 100 && readdirSync(join(t.dataDir, 'tmp')).length > before.tmp; i++)
        await new Promise((r) => setTimeout(r, 100))
      expect(readdirSync(join(t.dataDir, 'tmp')).length).toBe(before.tmp)
    },
  )

  it('keeps viewers from uploading, and anonymous callers out', async () => {
    const file = clips['upload-viewer.mp4']!
    const v = await uploadFile(t.adminUrl, file, { cookie: viewer.cookie })
    expect([v.status, v.json.error.code]).toEqual([403, 'forbidden'])
    const anon = await uploadFile(t.adminUrl, file, {})
    expect([anon.status, anon.json.error.code]).toEqual([401, 'unauthenticated'])
    const foreign = await uploadFile(t.adminUrl, file, {
      cookie: staff.cookie,
      headers: { Origin: 'http://evil.example' },
    })
    expect([foreign.status, foreign.json.error.code]).toEqual([403, 'origin-not-allowed'])
    expect((await viewer.invoke('video-limits', {})).canUpload).toBe(false)
  })

  it('applies the daily upload quota per staff member', { timeout: 60_000 }, async () => {
    await owner.invoke('settings-update', { uploadsPerDayStaff: 2 })
    expect((await staff2.invoke('video-limits', {})).uploadsLeftToday).toBe(2)
    expect((await uploadFile(t.adminUrl, clips['quota-1.mp4']!, { cookie: staff2.cookie })).status).toBe(201)
    expect((await uploadFile(t.adminUrl, clips['quota-2.mp4']!, { cookie: staff2.cookie })).status).toBe(201)
    const third = await uploadFile(t.adminUrl, clips['quota-3.mp4']!, { cookie: staff2.cookie })
    expect([third.status, third.json.error.details.reason]).toEqual([422, 'quota-exceeded'])
    // Admins have their own limit (none by default).
    expect((await uploadFile(t.adminUrl, clips['quota-3.mp4']!, { cookie: owner.cookie })).status).toBe(201)
    await owner.invoke('settings-update', { uploadsPerDayStaff: 50 })
  })

  it('lets staff edit and delete only their own videos; admins any', { timeout: 60_000 }, async () => {
    const mine = (await uploadFile(t.adminUrl, clips['owned.mp4']!, { cookie: staff.cookie })).json.result
      .id as number
    await expect(staff2.invoke('video-update', { id: mine, title: 'hijack' })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(staff2.invoke('video-delete', { id: mine })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(viewer.invoke('video-update', { id: mine, title: 'x' })).rejects.toMatchObject({
      code: 'forbidden',
    })
    expect(
      (await staff.invoke('video-update', { id: mine, title: '门口大屏', description: '循环播放' })).title,
    ).toBe('门口大屏')
    await expect(staff.invoke('video-update', { id: mine, title: '' })).rejects.toMatchObject({
      code: 'validation-failed',
    })
    expect((await viewer.invoke('video-list', {})).some((v) => v.id === mine)).toBe(true)
    await waitForVideo(t, mine)
    await owner.invoke('video-delete', { id: mine })
    await expect(owner.invoke('video-get', { id: mine })).rejects.toMatchObject({ code: 'video-not-found' })
    expect(readdirSync(join(t.dataDir, 'media', 'videos'))).not.toContain(String(mine))
    const audit = await owner.invoke('audit-list', { limit: 50 })
    expect(audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['video.upload', 'video.update', 'video.delete']),
    )
  })

  it('imports by path only with the local credential', async () => {
    const d = tempDir()
    writeFileSync(join(d.path, 'x.mp4'), 'x')
    await expect(owner.invoke('video-import', { path: join(d.path, 'x.mp4') })).rejects.toMatchObject({
      code: 'forbidden',
    })
    d.cleanup()
  })
})

import { execFileSync } from 'node:child_process'
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, localClient, waitForVideo, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { clip } from '../helpers/corpus'
import { tempDir } from '../helpers/tmp'

let t: TestHub
let owner: TestSession
const dir = tempDir()
const clips: Record<string, string> = {}
beforeAll(async () => {
  // Generated before the hub starts: a synchronous ffmpeg run would stall the hub sharing this event loop.
  clips.damaged = clip('damaged-later.mp4', 2)
  clips.cancel = clip('to-cancel.mp4', 30, '1920x1080')
  clips.hang = clip('to-hang.mp4', 10, '1920x1080')
  for (const x of ['a', 'b', 'c']) clips[x] = clip(`order-${x}.mp4`, 1)
  // Retries wait 1 s, then 4 s: long enough to see the back-off, short enough for a test.
  writeFileSync(
    join(dir.path, 'config.json'),
    JSON.stringify({
      adminPort: 0,
      lanPort: 0,
      lanHost: '127.0.0.1',
      jobRetryBaseSeconds: 1,
      // ffmpeg reports twice a second while it works; 5 s of silence means it hangs.
      transcodeStallSeconds: 5,
      tapRateLimitPerMinute: 0,
      mdns: false,
    }),
  )
  t = await startTestHub({ dataDir: dir.path })
  owner = await setupOwner(t)
}, 300_000)
afterAll(async () => {
  await t?.stop()
  dir.cleanup()
})

describe('transcode failures', () => {
  it(
    'retries a damaged source with back-off, then fails with the reason; retry works once it is fixed',
    { timeout: 120_000 },
    async () => {
      const good = clips.damaged!
      await t.hub.services.queue.stop() // hold the queue so the source can be damaged before the first try
      const r = await localClient(t).invoke('video-import', { path: good })
      const v = await owner.invoke('video-get', { id: r.id! })
      expect(v.status).toBe('queued')
      const source = join(t.dataDir, 'media', 'sources', readdirSync(join(t.dataDir, 'media', 'sources'))[0]!)
      // Zeros, not random bytes: now and then random bytes look like an audio stream to ffprobe, and the job
      // then fails for having no video instead (seen once in CI).
      writeFileSync(source, Buffer.alloc(100_000))
      const started = Date.now()
      t.hub.services.queue.start()

      const failed = await waitForVideo(t, r.id!, 60_000)
      const took = Date.now() - started
      expect(failed.status).toBe('failed')
      expect(failed.job).toMatchObject({ status: 'failed', attempts: 3, maxAttempts: 3 })
      expect(failed.error).toMatch(/source file cannot be read: .*Invalid data found when processing input/)
      expect(took).toBeGreaterThanOrEqual(5000) // 1 s + 4 s of back-off
      expect(failed.renditions).toEqual([])
      expect(
        readdirSync(join(t.dataDir, 'media', 'videos', String(r.id))).filter((f) => f.startsWith('.')),
      ).toEqual([])

      copyFileSync(good, source)
      const again = await owner.invoke('video-retry', { id: r.id! })
      expect(['queued', 'processing']).toContain(again.status)
      const ready = await waitForVideo(t, r.id!)
      expect(ready.status).toBe('ready')
      expect(ready.error).toBeNull()
      expect(ready.renditions.map((x) => x.label)).toEqual(['360p'])
    },
  )

  it('stops a transcode on request, and the video can be retried', { timeout: 120_000 }, async () => {
    const r = await localClient(t).invoke('video-import', { path: clips.cancel! })
    for (let i = 0; i < 100 && (await owner.invoke('video-get', { id: r.id! })).status !== 'processing'; i++)
      await new Promise((res) => setTimeout(res, 100))
    const stopped = await owner.invoke('video-cancel', { id: r.id! })
    expect(stopped).toMatchObject({ status: 'failed', error: 'cancelled', job: { status: 'cancelled' } })
    expect(
      readdirSync(join(t.dataDir, 'media', 'videos', String(r.id))).filter((f) => f.startsWith('.')),
    ).toEqual([])
    await expect(owner.invoke('video-raise', { id: r.id! })).rejects.toMatchObject({ code: 'conflict' })
    await owner.invoke('video-retry', { id: r.id! })
    await owner.invoke('video-cancel', { id: r.id! })
  })

  it('stops an ffmpeg that hangs, retries, and the video becomes ready', { timeout: 120_000 }, async () => {
    const r = await localClient(t).invoke('video-import', { path: clips.hang! })
    // The hub runs in this process, so its ffmpeg is a child of it. Stopping it (SIGSTOP) is a hang as the hub
    // sees one: the process is there and says nothing.
    let pid = 0
    for (let i = 0; i < 200 && !pid; i++) {
      try {
        pid = Number(execFileSync('pgrep', ['-P', String(process.pid), '-x', 'ffmpeg'], { encoding: 'utf8' }))
      } catch {
        await new Promise((res) => setTimeout(res, 50))
      }
    }
    expect(pid).toBeGreaterThan(0)
    process.kill(pid, 'SIGSTOP')
    const errors = new Set<string>()
    let v = await owner.invoke('video-get', { id: r.id! })
    for (let i = 0; i < 600 && v.status !== 'ready' && v.status !== 'failed'; i++) {
      if (v.job?.error) errors.add(v.job.error)
      await new Promise((res) => setTimeout(res, 100))
      v = await owner.invoke('video-get', { id: r.id! })
    }
    expect([...errors]).toContain('ffmpeg stopped making progress (nothing for 5 s) and was stopped')
    // Killed, not left stopped.
    expect(() => process.kill(pid, 0)).toThrow()
    expect(v).toMatchObject({ status: 'ready', error: null, job: { status: 'done', attempts: 2 } })
  })

  it('runs a raised job before the others waiting', { timeout: 120_000 }, async () => {
    await t.hub.services.queue.stop()
    const api = localClient(t)
    const a = await api.invoke('video-import', { path: clips.a! })
    const b = await api.invoke('video-import', { path: clips.b! })
    const c = await api.invoke('video-import', { path: clips.c! })
    expect((await owner.invoke('video-raise', { id: c.id! })).job).toMatchObject({ raised: true })
    t.hub.services.queue.start()
    const done = await Promise.all([a, b, c].map((x) => waitForVideo(t, x.id!)))
    const finished = Object.fromEntries(done.map((v) => [v.id, Date.parse(v.updatedAt)]))
    expect(finished[c.id!]).toBeLessThanOrEqual(finished[a.id!]!)
    expect(finished[c.id!]).toBeLessThanOrEqual(finished[b.id!]!)
  })
})

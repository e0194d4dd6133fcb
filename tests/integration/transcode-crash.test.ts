import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createApiClient } from '../../src/shared/api-client'
import { spawnHub, type SpawnedHub } from '../helpers/cli'
import { clip, ffprobe } from '../helpers/corpus'
import { tempDir } from '../helpers/tmp'

function clientFor(dataDir: string) {
  const run = JSON.parse(readFileSync(join(dataDir, 'run', 'hub.json'), 'utf8')) as {
    adminUrl: string
    token: string
  }
  return createApiClient({ baseUrl: run.adminUrl, headers: { Authorization: `Bearer ${run.token}` } })
}

async function until<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== null) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('crash during a transcode', () => {
  it(
    'kill -9 mid-transcode, restart: the job runs again from clean and completes; nothing is left over',
    { timeout: 300_000 },
    async () => {
      const dir = tempDir()
      let hub: SpawnedHub = await spawnHub(dir.path)
      const source = clip('crash-long.mp4', 12, '1920x1080')
      const r = await clientFor(dir.path).invoke('video-import', { path: source })
      const id = r.id!
      const videoDir = join(dir.path, 'media', 'videos', String(id))

      // Wait until ffmpeg has written part of the renditions, then pull the plug.
      const partial = await until('partial output', async () => {
        const work = readdirSync(videoDir, { withFileTypes: true }).find(
          (e) => e.isDirectory() && e.name.startsWith('.work-'),
        )
        if (!work) return null
        const files = readdirSync(join(videoDir, work.name)).filter(
          (f) => f.endsWith('.mp4') && statSync(join(videoDir, work.name, f)).size > 100_000,
        )
        return files.length ? work.name : null
      })
      process.kill(hub.pid, 'SIGKILL')
      expect((await hub.exited()).signal).toBe('SIGKILL')
      expect(readdirSync(videoDir)).toContain(partial)

      hub = await spawnHub(dir.path)
      const api = clientFor(dir.path)
      const v = await until(
        'ready',
        async () => {
          const x = await api.invoke('video-get', { id })
          return x.status === 'ready' ? x : null
        },
        240_000,
      )
      // The interrupted run did not count as a failed attempt.
      expect(v.job).toMatchObject({ status: 'done', attempts: 1 })
      expect(readdirSync(videoDir).sort()).toEqual([
        '1080p.mp4',
        '480p.mp4',
        '720p.mp4',
        'poster.jpg',
        'thumb.jpg',
      ])
      expect(readdirSync(join(dir.path, 'tmp'))).toEqual([])
      for (const x of v.renditions)
        expect(Math.abs(Number(ffprobe(join(dir.path, x.path)).format.duration) - 12)).toBeLessThan(0.3)
      process.kill(hub.pid, 'SIGTERM')
      await hub.exited()
      const db = new Database(join(dir.path, 'tapdrop.db'), { readonly: true })
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      db.close()
      dir.cleanup()
    },
  )
})

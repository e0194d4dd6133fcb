import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
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

/** The ffmpeg processes writing into a video's folder, from /proc (zombies have no command line). */
function ffmpegsFor(videoDir: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')
    } catch {
      continue // ended meanwhile
    }
    if (basename(argv[0] ?? '').startsWith('ffmpeg') && argv.some((a) => a.startsWith(videoDir + '/')))
      pids.push(Number(name))
  }
  return pids
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

describe.runIf(process.platform === 'linux')('crash during a transcode', () => {
  it(
    'kill -9 mid-transcode, restart: the old ffmpeg is ended, the job runs again from clean, alone, and completes; nothing is left over',
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
      const first = ffmpegsFor(videoDir)
      expect(first).toHaveLength(1)
      process.kill(hub.pid, 'SIGKILL')
      expect((await hub.exited()).signal).toBe('SIGKILL')
      expect(readdirSync(videoDir)).toContain(partial)
      // Nothing ends an ffmpeg with its parent: it goes on alone (the clip is long enough for it to still run
      // when the hub is back).
      expect(ffmpegsFor(videoDir)).toEqual(first)

      hub = await spawnHub(dir.path)
      // Ended by the start itself, before the job could run again beside it.
      expect(ffmpegsFor(videoDir)).not.toContain(first[0])
      const api = clientFor(dir.path)
      let most = 0
      const v = await until(
        'ready',
        async () => {
          most = Math.max(most, ffmpegsFor(videoDir).length)
          const x = await api.invoke('video-get', { id })
          return x.status === 'ready' ? x : null
        },
        240_000,
      )
      // One transcode at a time on a store PC's two cores, and this job's new run was one of them.
      expect(most).toBe(1)
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

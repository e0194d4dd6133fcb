import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { TestSession } from '../helpers/api'
import { runCli, spawnHub, type SpawnedHub } from '../helpers/cli'
import { Phone } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'

// A remix pool after kill -9 of the hub in the middle of rendering: the ffmpeg it left is ended, no half-rendered
// variant is ever served, a variant given out just before the kill counts as used, and the pool fills again.

const dir = tempDir('tapdrop-remix-kill-')
let hub: SpawnedHub | null = null
afterAll(async () => {
  if (hub) {
    process.kill(hub.pid, 'SIGTERM')
    await hub.exited(30_000).catch(() => undefined)
  }
  dir.cleanup()
})

/** Running (a killed orphan may stay a zombie until whoever adopted it reaps it: that is not running). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

function readDb<T>(sql: string, ...args: unknown[]): T[] {
  const db = new Database(join(dir.path, 'data', 'tapdrop.db'), { readonly: true })
  try {
    return db.prepare(sql).all(...args) as T[]
  } finally {
    db.close()
  }
}

async function until<T>(
  what: string,
  get: () => T | Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await get()
    if (ok(v)) return v
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('a remix pool after kill -9', () => {
  it('ends the orphan ffmpeg, serves only whole variants, keeps uses, and refills', async () => {
    const data = join(dir.path, 'data')
    execFileSync('mkdir', ['-p', data])
    writeFileSync(
      join(data, 'config.json'),
      JSON.stringify({
        mdns: false,
        tapRateLimitPerMinute: 0,
        quotaNormal: 0,
        remixPoolMin: 6,
        remixPoolMax: 6,
        remixRendition: '480p',
      }),
    )
    const clips = ['testsrc2', 'mandelbrot', 'rgbtestsrc'].map((src, i) => {
      const out = join(dir.path, `c${i}.mp4`)
      execFileSync('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-t',
        '3',
        '-i',
        `${src}=size=640x360:rate=30`,
        '-f',
        'lavfi',
        '-t',
        '3',
        '-i',
        'sine',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-c:a',
        'aac',
        '-shortest',
        out,
      ])
      return out
    })
    hub = await spawnHub(data)
    const owner = new TestSession(hub.info.adminUrl)
    await owner.invoke('auth-setup', {
      token: new URL(hub.info.setupUrl!).hash.replace('#token=', ''),
      username: 'owner',
      password: 'owner-password-1',
    })
    const cli = (...args: string[]) => runCli([...args, '--data-dir', data, '--json'], { timeoutMs: 120_000 })
    const added = JSON.parse((await cli('video', 'add', ...clips, '--wait')).stdout) as Array<{ id: number }>
    const tpl = JSON.parse(
      (
        await cli(
          'template',
          'create',
          '--videos',
          added.map((v) => v.id).join(','),
          '--clips',
          '2',
          '--seconds',
          '2',
          '--end-card',
          '0.5',
          '--lines',
          '开业大吉',
        )
      ).stdout,
    ) as { id: number }
    const tag = JSON.parse((await cli('tag', 'create', '--template', String(tpl.id))).stdout) as {
      id: number
      code: string
    }
    const tagDir = join(data, 'media', 'variants', String(tag.id))

    // One variant ready and given to a phone; another being rendered: then the hub is killed.
    await until(
      'a ready variant',
      () => readDb<{ id: number }>("SELECT id FROM variants WHERE status = 'ready'"),
      (r) => r.length > 0,
      120_000,
    )
    const phone = new Phone(hub.info.lanUrl!.replace('0.0.0.0', '127.0.0.1'))
    const first = await phone.tap(tag.code)
    expect(first.status).toBe(200)
    const ffmpegPid = await until(
      'a variant being rendered',
      () => {
        const w = existsSync(tagDir)
          ? readdirSync(tagDir).find(
              (f) => f.startsWith('.work-') && existsSync(join(tagDir, f, 'ffmpeg.pid')),
            )
          : undefined
        return w ? Number(readFileSync(join(tagDir, w, 'ffmpeg.pid'), 'utf8')) : 0
      },
      (pid) => pid > 0 && alive(pid),
      60_000,
    )
    // Past the transfer's batch (~50 ms), before the pool's once-a-second write of the use, as often as not.
    await new Promise((r) => setTimeout(r, 150))
    process.kill(hub.pid, 'SIGKILL')
    await hub.exited()
    hub = null
    expect(alive(ffmpegPid)).toBe(true) // the orphan goes on rendering into its work folder

    hub = await spawnHub(data)
    expect(alive(ffmpegPid)).toBe(false)
    const login = new TestSession(hub.info.adminUrl)
    await login.invoke('auth-login', { username: 'owner', password: 'owner-password-1' })
    // The transfer names its variant: that variant is used, whatever the pool had written.
    const given = readDb<{ variant_id: number }>(
      'SELECT variant_id FROM transfers WHERE variant_id IS NOT NULL',
    )
    expect(given).toHaveLength(1)
    const usedRow = readDb<{ status: string }>(
      'SELECT status FROM variants WHERE id = ?',
      given[0]!.variant_id,
    )
    expect(usedRow[0]!.status).toBe('used')
    // The pool fills up again: every ready variant is a whole, playable file.
    const status = await until(
      'the refilled pool',
      async () => (await login.invoke('pool-status', { tagId: tag.id }))[0]!,
      (p) => p.ready >= 6 && p.rendering === 0,
      240_000,
    )
    expect(status.used).toBe(1)
    for (const f of readdirSync(tagDir)) {
      expect(f).toMatch(/^\d+\.mp4$/)
      const streams = execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', join(tagDir, f)],
        { encoding: 'utf8' },
      )
      expect(streams.trim().split('\n').sort()).toEqual(['audio', 'video'])
    }
    // A new phone gets a new variant; the first phone's re-tap continues its own.
    const lan = hub.info.lanUrl!.replace('0.0.0.0', '127.0.0.1')
    const other = await new Phone(lan).tap(tag.code)
    const back = new Phone(lan)
    back.cookie = phone.cookie
    const again = await back.tap(tag.code)
    expect(again.token).toBe(first.token)
    await until(
      'both transfers written',
      () => readDb('SELECT id FROM transfers'),
      (r) => r.length === 2,
      5000,
    )
    expect(other.status).toBe(200)
    const all = readDb<{ variant_id: number; seed: number }>(
      'SELECT variant_id, seed FROM transfers ORDER BY id',
    )
    expect(all[1]!.variant_id).not.toBe(all[0]!.variant_id)
    expect(all.every((r) => typeof r.seed === 'number')).toBe(true)
  }, 600_000)
})

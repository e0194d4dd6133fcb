import { execFileSync } from 'node:child_process'
import {
  closeSync,
  ftruncateSync,
  openSync,
  readdirSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestSession } from '../helpers/api'
import { runCli, spawnHub, type SpawnedHub } from '../helpers/cli'
import { clip } from '../helpers/corpus'
import { Phone } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'

// A disk that fills while a variant renders: the hub's whole data directory on a 40 MiB tmpfs (mounting needs
// root, as in disk-full.test.ts; skipped elsewhere). Only a sliver is left free, so ffmpeg runs out of room part
// way through its output. The variant is retried with that reason, nothing half-made is ever in the pool's folder,
// and once space is freed the pool fills again.
const root = process.getuid?.() === 0

describe.runIf(root)('a disk that fills while a variant renders', () => {
  let hub: SpawnedHub
  let mount: { path: string; cleanup(): void }
  let owner: TestSession
  let tag: { id: number; code: string }

  const status = async () => (await owner.invoke('pool-status', { tagId: tag.id }))[0]!
  const until = async <T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, ms: number) => {
    const end = Date.now() + ms
    for (;;) {
      const v = await get()
      if (ok(v)) return v
      if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  beforeAll(async () => {
    const clips = [0, 1, 2].map((i) => clip(`remix-disk-${i}.mp4`, 3, '640x360'))
    mount = tempDir()
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mount.path])
    writeFileSync(
      join(mount.path, 'config.json'),
      JSON.stringify({
        adminPort: 0,
        lanPort: 0,
        lanHost: '127.0.0.1',
        mdns: false,
        tapRateLimitPerMinute: 0,
        quotaNormal: 0,
        maxStreams: 1000,
        // No floor: the render itself meets the full disk (the floor check would not even start it).
        minFreeDiskMegabytes: 0,
        diskLowMegabytes: 0,
        jobRetryBaseSeconds: 1,
        remixPoolMin: 3,
        remixPoolMax: 3,
        remixRendition: '480p',
      }),
    )
    hub = await spawnHub(mount.path)
    owner = new TestSession(hub.info.adminUrl)
    await owner.invoke('auth-setup', {
      token: new URL(hub.info.setupUrl!).hash.replace('#token=', ''),
      username: 'owner',
      password: 'owner-password-1',
    })
    const cli = async (...args: string[]) => {
      const r = await runCli([...args, '--data-dir', mount.path, '--json'], { timeoutMs: 120_000 })
      if (r.code !== 0) throw new Error(`tapdrop ${args.join(' ')}: ${r.stderr}`)
      return JSON.parse(r.stdout)
    }
    const videos = (await cli('video', 'add', ...clips, '--wait')) as Array<{ id: number }>
    const tpl = await cli(
      'template',
      'create',
      '--videos',
      videos.map((v) => v.id).join(','),
      '--clips',
      '2',
      '--seconds',
      '2',
      '--end-card',
      '0.5',
    )
    tag = await cli('tag', 'create', '--template', String(tpl.id))
  }, 180_000)

  afterAll(async () => {
    if (hub?.child.exitCode !== null) console.log(`the hub ended: ${hub?.stderr().slice(-3000)}`)
    if (hub?.child.exitCode === null) {
      process.kill(hub.pid, 'SIGTERM')
      await hub.exited(30_000).catch(() => undefined)
    }
    try {
      execFileSync('umount', [mount.path])
    } catch {
      // Already gone.
    }
    mount?.cleanup()
  })

  it('retries with the reason, keeps half files out of the pool, and refills once there is room', async () => {
    await until('a full pool', status, (p) => p.ready === 3 && p.rendering === 0, 180_000)
    const logBeforeFull = hub.stderr().length
    // Something else fills the disk, leaving ~96 KB: less than one variant.
    const filler = join(mount.path, 'filler')
    const fd = openSync(filler, 'w')
    let written = 0
    try {
      for (;;) written += writeSync(fd, Buffer.alloc(1 << 16))
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
    }
    ftruncateSync(fd, Math.max(0, written - 96 * 1024))
    closeSync(fd)
    // Three taps take the pool's variants: it refills, into a disk without room.
    for (let i = 0; i < 3; i++) expect((await new Phone(hub.info.lanUrl!).tap(tag.code)).status).toBe(200)
    // SQLite's writes are refused too: either the pool cannot even queue the renders (and tries again on its
    // timer), or the queue cannot record a render's start or end and says it will try again — which one comes first
    // is down to timing. Either way the hub keeps running.
    await until(
      'the refused write',
      () => hub.stderr(),
      (e) =>
        e.includes('the job queue could not write') ||
        /remix pool cannot refill.*(disk is full|disk filled)/.test(e),
      60_000,
    )
    expect(hub.child.exitCode).toBeNull()
    // Only whole variants in the pool's folder, never a partial one.
    const tagDir = join(mount.path, 'media', 'variants', String(tag.id))
    for (const f of readdirSync(tagDir).filter((f) => f.endsWith('.mp4'))) {
      const streams = execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', join(tagDir, f)],
        { encoding: 'utf8' },
      )
      expect(streams.trim().split('\n').sort()).toEqual(['audio', 'video'])
    }
    expect((await status()).ready).toBe(0)
    // Room again: the retries render, and the pool is full once more.
    unlinkSync(filler)
    const logFromFull = () => hub.stderr().slice(logBeforeFull)
    const after = await until('the refilled pool', status, (p) => p.ready === 3, 180_000)
    expect(after.used).toBe(3)
    // A render that ran out of room says so and was retried. (Which comes first depends on timing: the queue may not
    // even have been able to record a start, above, and then no render ran while the disk was full.)
    const failures = logFromFull()
      .split('\n')
      .filter((l) => l.includes('job failed'))
    for (const line of failures) expect(line).toMatch(/will retry .*the disk filled up while rendering/)
    const d = new Database(join(mount.path, 'tapdrop.db'), { readonly: true })
    const jobs = d.prepare("SELECT status FROM jobs WHERE kind = 'remix-variant'").all() as Array<{
      status: string
    }>
    d.close()
    expect(jobs.every((j) => j.status === 'done')).toBe(true)
  }, 400_000)
})

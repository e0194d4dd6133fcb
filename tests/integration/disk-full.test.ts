import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  statfsSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post, TestSession, uploadFile } from '../helpers/api'
import { runCli, spawnHub, type SpawnedHub } from '../helpers/cli'
import { clip } from '../helpers/corpus'
import { tempDir } from '../helpers/tmp'
import { Phone } from '../helpers/phone'
import { REFUSAL_TEXT } from '../../src/shared/video-refusals'

// A real full disk: the headless hub's whole data directory (database, media, temp files, logs) on a 32 MiB
// tmpfs, as on a store PC whose disk is nearly full. Mounting needs root, which this machine and its CI have;
// elsewhere the suite is skipped (the /dev/full case in upload.test.ts still covers the direct path there).
const root = process.getuid?.() === 0

describe.runIf(root)('a disk that fills up', () => {
  let hub: SpawnedHub
  let owner: TestSession
  let code: string
  let lanUrl: string
  let mount: { path: string; cleanup(): void }
  let big: { path: string; cleanup(): void }
  let after: string
  const dataDir = () => mount.path
  const free = () => {
    const s = statfsSync(dataDir())
    return s.bavail * s.bsize
  }
  const counts = () => {
    const db = new Database(join(dataDir(), 'tapdrop.db'), { readonly: true })
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n
    const r = {
      videos: n('SELECT count(*) AS n FROM videos'),
      taps: n('SELECT count(*) AS n FROM taps'),
      transfers: n('SELECT count(*) AS n FROM transfers'),
    }
    db.close()
    return r
  }

  /** Something else on the PC fills the disk to the last byte; returns the file to remove. */
  const fill = () => {
    const filler = join(dataDir(), 'filler')
    const fd = openSync(filler, 'w')
    const block = Buffer.alloc(1 << 16)
    let full = false
    try {
      for (let i = 0; i < 1024; i++) writeSync(fd, block)
    } catch (err) {
      full = (err as NodeJS.ErrnoException).code === 'ENOSPC'
    } finally {
      closeSync(fd)
    }
    expect(full).toBe(true)
    return filler
  }

  beforeAll(async () => {
    const small = clip('disk-full-small.mp4', 1)
    after = clip('disk-full-after.mp4', 1, '320x240')
    big = tempDir()
    // Larger than the whole disk.
    writeFileSync(join(big.path, 'huge.mp4'), randomBytes(48 << 20))
    mount = tempDir()
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mount.path])
    // A reserve that fits this small disk (the default keeps 1 GB free); plenty of download slots, so the flood
    // of phones below does not leave later ones waiting in line. Ports in the file too: the start refused for the
    // full disk below runs without spawnHub's flags, and must not need the default ports free.
    writeFileSync(
      join(mount.path, 'config.json'),
      JSON.stringify({
        adminPort: 0,
        lanPort: 0,
        lanHost: '127.0.0.1',
        mdns: false,
        tapRateLimitPerMinute: 0,
        minFreeDiskMegabytes: 4,
        maxStreams: 1000,
      }),
    )
    hub = await spawnHub(mount.path)
    lanUrl = hub.info.lanUrl!
    owner = new TestSession(hub.info.adminUrl)
    const token = new URL(hub.info.setupUrl!).hash.replace('#token=', '')
    await owner.invoke('auth-setup', { token, username: 'owner', password: 'owner-password-1' })
    const cli = async (args: string[]) => {
      const r = await runCli([...args, '--data-dir', mount.path, '--json'], { timeoutMs: 60_000 })
      if (r.code !== 0) throw new Error(`tapdrop ${args.join(' ')}: ${r.stderr}`)
      return JSON.parse(r.stdout) as Record<string, unknown>
    }
    const video = await cli(['video', 'add', small, '--wait'])
    code = (await cli(['tag', 'create', '--video', String(video.id)])).code as string
  }, 120_000)

  afterAll(async () => {
    if (hub?.child.exitCode === null) {
      process.kill(hub.pid, 'SIGTERM')
      await hub.exited()
    }
    if (mount) {
      execFileSync('umount', [mount.path])
      mount.cleanup()
    }
    big?.cleanup()
  })

  it('refuses an upload of unknown size when the disk fills on the way, with the reason, and frees the space', async () => {
    const before = { free: free(), videos: counts().videos }
    // Chunked: no size is declared, so nothing can be checked before the first byte; it streams through Node.
    const r = await uploadFile(hub.info.adminUrl, join(big.path, 'huge.mp4'), {
      cookie: owner.cookie,
      chunked: true,
    })
    expect(r.status).toBe(422)
    expect(r.json.error.details.reason).toBe('disk-full')
    expect(r.json.error.details.messageZh).toBe(REFUSAL_TEXT['disk-full']['zh-CN'])
    // The partial file is gone and the space with it; no video was added.
    expect(readdirSync(join(dataDir(), 'tmp'))).toEqual([])
    expect(free()).toBeGreaterThan(before.free - (1 << 20))
    expect(counts().videos).toBe(before.videos)
  })

  it('refuses an upload of declared size that cannot fit before reading it', async () => {
    const r = await uploadFile(hub.info.adminUrl, join(big.path, 'huge.mp4'), { cookie: owner.cookie })
    expect(r.status).toBe(422)
    expect(r.json.error.details.reason).toBe('disk-full')
    expect(readdirSync(join(dataDir(), 'tmp'))).toEqual([])
  })

  it('keeps serving phones while the disk is full, and every tap is in SQLite once there is room again', async () => {
    const before = counts()
    const filler = fill()
    try {
      for (let i = 0; i < 300; i++) expect((await new Phone(lanUrl).tap(code)).status).toBe(200)
      // The accounting's writes fail meanwhile and are retried, and the log file cannot be written either.
      // Neither stops the hub: before, the first log line it could not write ended the headless hub.
      await new Promise((r) => setTimeout(r, 1500))
      expect(hub.child.exitCode).toBe(null)
      expect((await new Phone(lanUrl).tap(code)).status).toBe(200)
      // Staff changing something meanwhile are told why it was not saved, not "internal error".
      const answers: number[] = []
      for (let i = 0; i < 200 && !answers.includes(507); i++) {
        const r = await post(
          `${hub.info.adminUrl}/api/user-create`,
          { username: `full${i}`, role: 'staff', password: 'password-full' },
          { Cookie: owner.cookie!, Origin: hub.info.adminUrl },
        )
        answers.push(r.status)
        if (r.status === 507) expect(r.json.error.code).toBe('disk-full')
      }
      expect(answers.filter((s) => s !== 200 && s !== 507)).toEqual([])
      expect(answers).toContain(507)
    } finally {
      unlinkSync(filler)
    }
    // With room again, the next write catches up: nothing was lost, and the log has the lines of the full disk.
    let now = before
    for (let i = 0; i < 150 && now.taps < before.taps + 301; i++) {
      await new Promise((r) => setTimeout(r, 100))
      now = counts()
    }
    expect(now).toEqual({ ...before, taps: before.taps + 301, transfers: before.transfers + 301 })
    // One line when saving first failed (not one per failed batch: a batch a second fails while the disk is full),
    // and one when it worked again; the log is written behind, so it is read until the second line is there.
    const readLog = () =>
      readdirSync(join(dataDir(), 'logs'))
        .map((f) => readFileSync(join(dataDir(), 'logs', f), 'utf8'))
        .join('')
    let log = readLog()
    for (let i = 0; i < 50 && !log.includes('saved again'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      log = readLog()
    }
    expect(log.match(/"msg":"saving taps and transfers failed; will retry"/g)).toHaveLength(1)
    expect(log).toMatch(
      /"error":"database or disk is full".*"msg":"saving taps and transfers failed; will retry"/,
    )
    const failed = Number(
      /"failedBatches":(\d+),"seconds":\d+,"msg":"taps and transfers saved again"/.exec(log)?.[1],
    )
    expect(failed).toBeGreaterThan(1)
  })

  it('will not start on a full disk, says why, and starts with every record once there is room', async () => {
    process.kill(hub.pid, 'SIGTERM')
    expect((await hub.exited()).code).toBe(0)
    const before = counts()
    const filler = fill()
    try {
      const r = await runCli(['hub', '--json', '--data-dir', dataDir()], {
        env: { TAPDROP_NFC: 'false' },
        timeoutMs: 30_000,
      })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/tapdrop: the disk is full \(.+\); free some space on this PC and try again/)
    } finally {
      unlinkSync(filler)
    }
    hub = await spawnHub(dataDir())
    lanUrl = hub.info.lanUrl!
    expect(counts()).toEqual(before)
    owner = new TestSession(hub.info.adminUrl)
    await owner.invoke('auth-login', { username: 'owner', password: 'owner-password-1' })
  })

  it('goes on serving videos and taking uploads that fit', async () => {
    const phone = new Phone(lanUrl)
    const tap = await phone.tap(code)
    expect(tap.status).toBe(200)
    expect((await phone.download(tap.token!)).status).toBe(200)
    const ok = await uploadFile(hub.info.adminUrl, after, { cookie: owner.cookie })
    expect(ok.status).toBe(201)
    expect(hub.child.exitCode).toBe(null)
  })
})

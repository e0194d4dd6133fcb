import { copyFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Database from 'better-sqlite3'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { DailyBackups } from '../../src/main/core/backup/daily'
import { dayKey } from '../../src/main/core/time/days'
import { setupOwner, startTestHub } from '../helpers/hub'
import { tempDir } from '../helpers/tmp'

const DAY = 86_400_000

/** A logger whose lines the test can read. */
function recordingLogger() {
  const lines: Array<{ level: number; msg: string }> = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  return { logger: pino({ level: 'info' }, stream), lines }
}

// Real SQLite files, the real copy thread, and a second connection writing meanwhile (as the writer thread does).
describe('daily backups of the database', () => {
  const dir = tempDir()
  afterAll(() => dir.cleanup())
  const database = join(dir.path, 'tapdrop.db')
  const backups = join(dir.path, 'backups')
  const db = new Database(database)
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE taps (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, note TEXT)')
  const add = db.prepare('INSERT INTO taps (at, note) VALUES (?, ?)')
  db.transaction(() => {
    for (let i = 0; i < 20_000; i++) add.run(i, 'x'.repeat(50))
  })()
  const daily = () =>
    readdirSync(backups)
      .filter((f) => f.startsWith('tapdrop-daily-'))
      .sort()

  const make = (over: Partial<ConstructorParameters<typeof DailyBackups>[0]> = {}) => {
    const { logger, lines } = recordingLogger()
    const b = new DailyBackups({
      database,
      dir: backups,
      logger,
      keepDays: () => 3,
      minFreeBytes: () => 0,
      ...over,
    })
    return { b, lines }
  }

  it('makes today’s copy while the database is being written, whole and readable', async () => {
    const { b, lines } = make()
    let written = 0
    const writer = setInterval(() => {
      add.run(Date.now(), 'during')
      written++
    }, 1)
    try {
      await b.run()
    } finally {
      clearInterval(writer)
    }
    const file = `tapdrop-daily-${dayKey(Date.now())}.db`
    expect(daily()).toEqual([file])
    const copy = new Database(join(backups, file), { readonly: true })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    const n = (copy.prepare('SELECT count(*) AS n FROM taps').get() as { n: number }).n
    copy.close()
    // A snapshot: every row from before the copy, and no more than were ever written.
    expect(n).toBeGreaterThanOrEqual(20_000)
    expect(n).toBeLessThanOrEqual(20_000 + written)
    expect(lines.find((l) => l.msg === 'daily backup made')).toBeTruthy()
    expect(b.info()).toMatchObject({ latest: { file }, kept: 1 })
  })

  it('makes one copy a day: a second check the same day changes nothing', async () => {
    const file = join(backups, `tapdrop-daily-${dayKey(Date.now())}.db`)
    const before = statSync(file).mtimeMs
    await make().b.run()
    expect(statSync(file).mtimeMs).toBe(before)
  })

  it('keeps the newest copies and leaves the migration copies alone', async () => {
    const today = join(backups, `tapdrop-daily-${dayKey(Date.now())}.db`)
    for (const back of [1, 2, 3, 4])
      copyFileSync(today, join(backups, `tapdrop-daily-${dayKey(Date.now() - back * DAY)}.db`))
    writeFileSync(join(backups, 'tapdrop-v3-2026-01-01.db'), 'a migration copy')
    // A copy cut off by a crash on another day.
    writeFileSync(join(backups, `tapdrop-daily-${dayKey(Date.now() - 5 * DAY)}.db.partial`), 'half')
    await make({ now: () => Date.now() + DAY }).b.run()
    expect(daily()).toEqual(
      [-1, 0, 1].map((back) => `tapdrop-daily-${dayKey(Date.now() - back * DAY)}.db`).sort(),
    )
    expect(existsSync(join(backups, 'tapdrop-v3-2026-01-01.db'))).toBe(true)
  })

  it('skips the day’s copy when the disk would fall below its floor, and says so once', async () => {
    const before = daily()
    const { b, lines } = make({
      now: () => Date.now() + 2 * DAY,
      freeBytes: () => 10 * 1024 * 1024,
      minFreeBytes: () => 9 * 1024 * 1024,
    })
    await b.run()
    await b.run()
    expect(daily()).toEqual(before)
    expect(lines.filter((l) => /not enough free disk space/.test(l.msg))).toHaveLength(1)
  })

  it('a copy that fails leaves no file behind and keeps the older copies', async () => {
    const before = daily()
    const broken = join(dir.path, 'broken.db')
    writeFileSync(broken, 'x'.repeat(8192))
    const { b, lines } = make({ database: broken, now: () => Date.now() + 3 * DAY })
    await b.run()
    expect(readdirSync(backups).filter((f) => f.endsWith('.partial'))).toEqual([])
    expect(daily()).toEqual(before)
    expect(lines.find((l) => l.msg === 'the daily backup failed; the older copies are kept')).toBeTruthy()
  })

  it('a stop during a copy waits for it and keeps it whole', async () => {
    const { b } = make({ now: () => Date.now() + 5 * DAY })
    const running = b.run()
    await b.stop()
    await running
    const file = join(backups, `tapdrop-daily-${dayKey(Date.now() + 5 * DAY)}.db`)
    expect(readdirSync(backups).filter((f) => f.endsWith('.partial'))).toEqual([])
    const copy = new Database(file, { readonly: true })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    copy.close()
  })

  it('makes none when switched off (0 days)', async () => {
    const before = daily()
    await make({ keepDays: () => 0, now: () => Date.now() + 4 * DAY }).b.run()
    expect(daily()).toEqual(before)
  })

  it('the hub makes its first copy at start and the console shows it', async () => {
    const t = await startTestHub()
    try {
      const owner = await setupOwner(t)
      let info = await owner.invoke('hub-info', {})
      for (let i = 0; i < 50 && !info.backups.latest; i++) {
        await new Promise((r) => setTimeout(r, 100))
        info = await owner.invoke('hub-info', {})
      }
      expect(info.backups).toMatchObject({
        latest: { file: `tapdrop-daily-${dayKey(Date.now())}.db` },
        kept: 1,
      })
      const copy = new Database(join(t.dataDir, 'backups', info.backups.latest!.file), { readonly: true })
      expect(copy.pragma('user_version', { simple: true })).toBeGreaterThan(0)
      copy.close()
    } finally {
      await t.stop()
    }
  })
})

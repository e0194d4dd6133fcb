import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { EventBus } from '../../src/main/core/events/bus'
import { silentLogger } from '../../src/main/core/logger'
import { Retention } from '../../src/main/core/monitoring/retention'
import { windowSplit } from '../../src/main/core/monitoring/dashboard'
import { NotificationService, type AlertSettings } from '../../src/main/core/monitoring/notifications'
import { csvCell, csvLine } from '../../src/main/core/monitoring/csv'
import { addDays, dayKey, startOfDay } from '../../src/main/core/time/days'
import type { HubEvent } from '../../src/shared/events'
import type { CallContext } from '../../src/main/core/auth/actor'
import { insertSynthetic } from '../helpers/synthetic'
import { tempDir } from '../helpers/tmp'

let dir: ReturnType<typeof tempDir>
let repos: Repos
const logger = silentLogger()
// Mid-afternoon local time, so "today" has hours behind it.
const NOW = new Date(2026, 10, 24, 15, 30).getTime()

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'backups'), logger }).db,
  )
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

const count = (sql: string, ...args: unknown[]) => (repos.db.prepare(sql).get(...args) as { n: number }).n

describe('roll-ups and retention', () => {
  it('rolls finished days up once and prunes old raw rows, and every window still adds up to the same numbers', async () => {
    insertSynthetic(repos.db, { transfers: 20_000, days: 40, now: NOW, tags: 12, videos: 6 })
    const window = (days: number) => {
      const s = windowSplit(repos.stats, NOW, days)
      return {
        videos: repos.stats.topVideos({ ...s, limit: 50 }),
        tags: repos.stats.topTags({ ...s, limit: 50 }),
      }
    }
    // Nothing rolled up yet: the windows come from raw rows alone.
    const before = { 7: window(7), 30: window(30) }
    expect(windowSplit(repos.stats, NOW, 30).rawFrom).toBe(addDays(NOW, -29))
    const total30 = before[30].videos.reduce((a, r) => a + r.transfers, 0)
    expect(total30).toBe(
      count(
        'SELECT count(*) AS n FROM transfers WHERE created_at >= ? AND video_id IS NOT NULL',
        addDays(NOW, -29),
      ),
    )

    const retention = new Retention({ repos, logger, retentionDays: () => 10, now: () => NOW })
    await retention.run()
    // Every finished day is rolled up; today is not.
    expect(repos.rollups.isRolled(dayKey(addDays(NOW, -1)))).toBe(true)
    expect(repos.rollups.isRolled(dayKey(NOW))).toBe(false)
    // Raw rows older than ten days are gone, newer ones stay.
    expect(count('SELECT count(*) AS n FROM transfers WHERE created_at < ?', addDays(NOW, -10))).toBe(0)
    expect(count('SELECT count(*) AS n FROM taps WHERE at < ?', addDays(NOW, -10))).toBe(0)
    expect(
      count('SELECT count(*) AS n FROM transfers WHERE created_at >= ?', addDays(NOW, -10)),
    ).toBeGreaterThan(4000)
    // Windows now read roll-ups for past days and raw rows for today: the same figures as before.
    expect(windowSplit(repos.stats, NOW, 30).rawFrom).toBe(startOfDay(NOW))
    expect(window(7)).toEqual(before[7])
    expect(window(30)).toEqual(before[30])

    // A second pass changes nothing (no day is rolled twice).
    const rolledRows = count('SELECT count(*) AS n FROM daily_videos')
    await retention.run()
    expect(count('SELECT count(*) AS n FROM daily_videos')).toBe(rolledRows)
    expect(window(30)).toEqual(before[30])
  })

  it('counts taps per local hour, today against yesterday', () => {
    const today = startOfDay(NOW)
    const yesterday = addDays(NOW, -1)
    const at = (day: number, h: number, m = 0) => day + h * 3_600_000 + m * 60_000
    const taps = [
      at(today, 9),
      at(today, 9, 59),
      at(today, 14, 1),
      at(yesterday, 9, 30),
      at(yesterday, 23, 59),
    ]
    repos.delivery.writeBatch({
      taps: taps.map((t, i) => ({
        id: i + 1,
        tagId: null,
        tagCode: 'x',
        deviceId: 'd',
        ip: null,
        userAgent: null,
        at: t,
        outcome: 'unknown-tag',
      })),
      created: [],
      updated: [],
    })
    const todayHours = repos.stats.tapsPerHour(today, addDays(NOW, 1))
    const yesterdayHours = repos.stats.tapsPerHour(yesterday, today)
    expect(todayHours[9]).toBe(2)
    expect(todayHours[14]).toBe(1)
    expect(todayHours.reduce((a, b) => a + b)).toBe(3)
    expect(yesterdayHours[9]).toBe(1)
    expect(yesterdayHours[23]).toBe(1)
  })
})

describe('notifications', () => {
  let events: EventBus
  let free = 10 * 1024 ** 3
  let clock = NOW
  const settings: AlertSettings = { failedTransfers: 3, quotaRefusals: 2, diskLowMegabytes: 1024 }
  let service: NotificationService
  const got: HubEvent[] = []
  const person = (id: number): CallContext => ({
    actor: { kind: 'user', userId: id, username: `u${id}`, displayName: '', role: 'staff', sessionId: 1 },
    ip: null,
    userAgent: null,
  })

  beforeEach(() => {
    events = new EventBus()
    got.length = 0
    events.subscribe((e) => got.push(e), ['notification'])
    clock = NOW
    free = 10 * 1024 ** 3
    service = new NotificationService({
      repos,
      events,
      logger,
      settings: () => settings,
      dataDir: dir.path,
      now: () => clock,
      freeBytes: () => free,
    })
    service.start()
    for (const [id, name] of [
      [1, 'li'],
      [2, 'wang'],
    ] as const)
      repos.db
        .prepare(
          "INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES (?, ?, '', 'staff', 'x', 1, 1)",
        )
        .run(id, name)
  })
  afterEach(() => service.stop())

  const failed = () => service.transferFailed()

  it('raises a spike of failed transfers once the threshold is met within ten minutes, then stays quiet for a while', () => {
    failed()
    failed()
    expect(got).toHaveLength(0)
    failed()
    expect(got).toHaveLength(1)
    expect(got[0]).toMatchObject({
      type: 'notification',
      notification: { kind: 'transfer-failures', params: { count: 3, minutes: 10 } },
    })
    failed()
    expect(got).toHaveLength(1)
    // Failures spread out over more than ten minutes are no spike, and the cooldown has passed.
    clock += 31 * 60_000
    failed()
    clock += 11 * 60_000
    failed()
    clock += 11 * 60_000
    failed()
    expect(got).toHaveLength(1)
  })

  it('says when a reader goes away or the reader service stops, and when the disk runs low', () => {
    const status = (service: 'ready' | 'unavailable', readers: string[]) =>
      events.emit({
        type: 'nfc',
        status: { service, detail: null, readers: readers.map((name) => ({ name, tag: null })) },
      })
    status('ready', ['ACS ACR122U 00', 'ACS ACR122U 01'])
    status('ready', ['ACS ACR122U 00'])
    status('unavailable', [])
    const kinds = got.map((e) => (e as Extract<HubEvent, { type: 'notification' }>).notification)
    expect(kinds.map((n) => [n.kind, n.params.reader ?? '', n.params.service ?? ''])).toEqual([
      ['reader-lost', 'ACS ACR122U 01', ''],
      ['reader-lost', '', 'unavailable'],
    ])
    service.checkDisk()
    expect(got).toHaveLength(2)
    free = 500 * 1024 * 1024
    service.checkDisk()
    expect(got).toHaveLength(3)
    expect(got[2]).toMatchObject({ notification: { kind: 'disk-low', params: { freeMegabytes: 500 } } })
  })

  it('keeps a read mark and muted kinds per person', () => {
    service.quotaRefused()
    service.quotaRefused()
    service.transcodeFailed(4, '春季新品', 'ffmpeg exited with code 1\nInvalid data found')
    const li = service.list(person(1), 50)
    expect(li.items.map((n) => n.kind)).toEqual(['transcode-failed', 'quota-often'])
    expect(li.items[0]!.params).toMatchObject({ title: '春季新品', error: 'Invalid data found' })
    expect(li.unread).toBe(2)
    service.seen(person(1), li.items[0]!.id)
    service.mute(person(2), ['quota-often'])
    expect(service.list(person(1), 50)).toMatchObject({ unread: 0, muted: [] })
    const wang = service.list(person(2), 50)
    expect(wang.items.map((n) => n.kind)).toEqual(['transcode-failed'])
    expect(wang).toMatchObject({ unread: 1, muted: ['quota-often'] })
  })
})

describe('CSV cells', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas from outside', () => {
    expect(csvCell('门口 A')).toBe('门口 A')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"\n')).toBe('"say ""hi""\n"')
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('@cmd')).toBe("'@cmd")
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell(null)).toBe('')
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n')
  })
})

import { createHmac } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChainService } from '../../src/main/core/chain/service'
import { decodeBatch, encodeBatch, parseRecordsKey } from '../../src/main/core/chain/records/format'
import { RecordsIngest } from '../../src/main/core/chain/records/ingest'
import { RecordsOutbox } from '../../src/main/core/chain/records/outbox'
import { loadConfig } from '../../src/main/core/config/load'
import { ConfigStore } from '../../src/main/core/config/store'
import { silentLogger } from '../../src/main/core/logger'
import { Retention } from '../../src/main/core/monitoring/retention'
import { closeDatabase, openDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { DeliveryRecords } from '../../src/main/core/delivery/records'
import { MemoryStore } from '../helpers/memory-store'
import { newTransfer } from '../helpers/records'
import { insertSynthetic } from '../helpers/synthetic'
import { tempDir } from '../helpers/tmp'

const logger = silentLogger()
const NOW = new Date(2026, 10, 24, 15, 30).getTime()
const SALT = 'chain-salt-0123456789'
const CONNECTED = {
  chainEndpoint: 'http://10.0.0.5:7480',
  chainBucket: 'chain',
  chainAccessKey: 'AKIAIOSFODNN7EXAMPLE',
  chainSecretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
}

let dir: ReturnType<typeof tempDir>
const open: Repos[] = []
let mem: MemoryStore
let clock = NOW

function hub(name: string, settings: Record<string, unknown>) {
  const path = join(dir.path, `${name}.json`)
  writeFileSync(path, JSON.stringify({ ...CONNECTED, ...settings }))
  const config = new ConfigStore(loadConfig({ file: path, env: {} }))
  const repos = createRepos(
    openDatabase(join(dir.path, `${name}.db`), { backupsDir: join(dir.path, `${name}-backups`), logger }).db,
  )
  open.push(repos)
  const chain = new ChainService({ config, logger, openStore: async () => mem })
  return { config, repos, chain }
}

function store(id: string, settings: Record<string, unknown> = {}) {
  const h = hub(id, { chainStoreId: id, chainRecordsSalt: SALT, ...settings })
  const outbox = new RecordsOutbox({ ...h, logger, now: () => clock })
  return { ...h, outbox }
}

function hq() {
  const h = hub('hq', { chainRole: 'hq' })
  const notified: Array<Record<string, string | number>> = []
  const ingest = new RecordsIngest({
    ...h,
    logger,
    now: () => clock,
    notifyQuarantined: (p) => notified.push(p),
  })
  return { ...h, ingest, notified }
}

const n = (repos: Repos, sql: string) => (repos.db.prepare(sql).get() as { n: number }).n

beforeEach(() => {
  dir = tempDir()
  mem = new MemoryStore()
  clock = NOW
})
afterEach(() => {
  for (const r of open.splice(0)) closeDatabase(r.db)
  dir.cleanup()
})

describe('records: a store’s outbox and headquarters’ ingest', () => {
  it('ships every tap, final transfer and day once; a put whose answer was lost is put again as the same object', async () => {
    const s = store('sh-01')
    insertSynthetic(s.repos.db, { transfers: 5000, days: 3, now: NOW, tags: 6, videos: 3 })
    // Two days on: every transfer's link has expired, so each is final.
    clock = NOW + 2 * 86_400_000
    const retention = new Retention({ repos: s.repos, logger, retentionDays: () => 365, now: () => clock })
    await retention.run()

    mem.loseNextAnswer = true
    await s.outbox.shipNow()
    expect(s.outbox.view().error).toMatchObject({ code: 'chain-unreachable' })
    const first = s.repos.records.firstUnshipped()!
    expect(first.seq).toBe(1)
    expect(mem.objects.has(first.key)).toBe(true)
    const landed = Buffer.from(mem.objects.get(first.key)!.body)

    await s.outbox.shipNow()
    expect(s.outbox.view()).toMatchObject({ unshipped: 0, error: null })
    expect(mem.objects.get(first.key)!.body.equals(landed)).toBe(true)
    const keys = [...mem.objects.keys()].sort()
    expect(keys.map((k) => parseRecordsKey(k)!.seq)).toEqual(keys.map((_, i) => i + 1))
    expect(keys[0]).toMatch(/^records\/sh-01\/\d{4}-\d{2}-\d{2}\/0000000001\.jsonl\.gz$/)

    const tapIds: number[] = []
    const transferIds: number[] = []
    let days = 0
    for (const k of keys)
      for (const r of decodeBatch(mem.objects.get(k)!.body, k).records) {
        if (r.t === 'tap') tapIds.push(r.id)
        if (r.t === 'transfer') transferIds.push(r.id)
        if (r.t === 'day') days++
      }
    expect(tapIds.length).toBe(n(s.repos, 'SELECT count(*) AS n FROM taps'))
    expect(new Set(tapIds).size).toBe(tapIds.length)
    expect(transferIds.length).toBe(n(s.repos, 'SELECT count(*) AS n FROM transfers'))
    expect(new Set(transferIds).size).toBe(transferIds.length)
    expect(days).toBe(n(s.repos, 'SELECT count(*) AS n FROM daily_tags'))

    // Headquarters applies each object once: a second pass and a batch applied again change nothing.
    const h = hq()
    mem.objects.set('stores/sh-01/status.json', { body: Buffer.from('{}'), sha256: '', etag: '"x"' })
    await h.ingest.ingestNow()
    await h.ingest.ingestNow()
    const [row] = h.ingest.stores(null)
    expect(row).toMatchObject({
      storeId: 'sh-01',
      taps: n(s.repos, 'SELECT count(*) AS n FROM taps'),
      transfers: n(s.repos, 'SELECT count(*) AS n FROM transfers'),
      completed: n(s.repos, "SELECT count(*) AS n FROM transfers WHERE status = 'completed'"),
      batches: keys.length,
      quarantined: 0,
    })
    // A period's counts (whole days from the roll-up, the first part-day from raw rows) equal the raw rows'.
    for (const since of [NOW - 2.5 * 86_400_000, NOW - 30 * 3_600_000, NOW - 3_600_000, NOW + 86_400_000]) {
      const got = h.ingest.stores(since)[0]!
      expect(got.taps, new Date(since).toISOString()).toBe(
        n(h.repos, `SELECT count(*) AS n FROM hq_taps WHERE at >= ${since}`),
      )
      expect(got.transfers).toBe(
        n(h.repos, `SELECT count(*) AS n FROM hq_transfers WHERE created_at >= ${since}`),
      )
      expect(got.completed).toBe(
        n(
          h.repos,
          `SELECT count(*) AS n FROM hq_transfers WHERE created_at >= ${since} AND status = 'completed'`,
        ),
      )
    }
    // By placement and by campaign (the roll-up) equal the raw transfers grouped so.
    const bd = h.ingest.breakdown(null)
    expect(bd.placements.map((p) => [p.label, p.transfers, p.completed])).toEqual(
      h.repos.db
        .prepare(
          `SELECT coalesce(tag_label, '') AS label, count(*) AS n, sum(status = 'completed') AS c FROM hq_transfers
            GROUP BY 1 ORDER BY n DESC, label`,
        )
        .all()
        .map((r) => Object.values(r as object)),
    )
    expect(bd.campaigns).toEqual([])
    const again = decodeBatch(mem.objects.get(keys[0]!)!.body, keys[0]!)
    expect(
      h.repos.hqRecords.apply(
        {
          storeId: 'sh-01',
          seq: again.header.seq,
          key: keys[0]!,
          createdAt: 0,
          taps: [],
          transfers: [],
          funnel: [],
          days: [],
        },
        clock,
      ),
    ).toBe(false)
    expect(h.ingest.stores(null)[0]!.taps).toBe(row!.taps)
  })

  it('ships the final transfers around one that may still change, and that one once it is final, each once', async () => {
    const s = store('sh-02')
    const h = hq()
    insertSynthetic(s.repos.db, { transfers: 50, days: 1, now: NOW, tags: 2, videos: 1 })
    s.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    // A phone played half the video and left: its transfer stays open for the link's life (a day).
    const mid = n(s.repos, 'SELECT min(id) + 10 AS n FROM transfers')
    s.repos.db
      .prepare(`UPDATE transfers SET status = 'active', created_at = ? WHERE id = ?`)
      .run(NOW - 1000, mid)
    await s.outbox.shipNow()
    const shippedTransfers = () =>
      [...mem.objects.entries()]
        .filter(([k]) => k.startsWith('records/'))
        .flatMap(([k, o]) =>
          decodeBatch(o.body, k)
            .records.filter((r) => r.t === 'transfer')
            .map((r) => r.id),
        )
    const all = (
      s.repos.db.prepare('SELECT id FROM transfers ORDER BY id').all() as Array<{ id: number }>
    ).map((r) => r.id)
    // Headquarters gets the 49 final ones now, not only the 10 before the open one.
    expect(shippedTransfers().sort((a, b) => a - b)).toEqual(all.filter((id) => id !== mid))
    expect(s.outbox.view().unshipped).toBe(1)
    mem.objects.set('stores/sh-02/status.json', { body: Buffer.from('{}'), sha256: '', etag: '"x"' })
    await h.ingest.ingestNow()
    expect(h.ingest.stores(null)[0]).toMatchObject({ transfers: 49, completed: 49 })
    // Nothing is made again while it stays open.
    const objects = mem.objects.size
    clock += 60_000
    await s.outbox.shipNow()
    expect(mem.objects.size).toBe(objects)

    // The newest transfer's row goes and a new transfer takes its id (retention keeps ids from coming back since
    // migration 16; a database restored from a backup still can): it is a new transfer, not the one shipped ahead,
    // and ships too.
    const last = all.at(-1)!
    s.repos.db.exec(`
      CREATE TEMP TABLE again AS SELECT * FROM transfers WHERE id = ${last};
      DELETE FROM transfers WHERE id = ${last};
      UPDATE again SET created_at = created_at + 1, token = token || 'x';
      INSERT INTO transfers SELECT * FROM again;`)
    await s.outbox.shipNow()
    expect(shippedTransfers().filter((id) => id === last)).toHaveLength(2)

    s.repos.db.prepare(`UPDATE transfers SET status = 'completed' WHERE id = ?`).run(mid)
    await s.outbox.shipNow()
    expect([...new Set(shippedTransfers())].sort((a, b) => a - b)).toEqual(all)
    expect(s.outbox.view().unshipped).toBe(0)
    await h.ingest.ingestNow()
    // HQ keeps a store's transfer by its id: the second one under the same id is not counted twice.
    expect(h.ingest.stores(null)[0]).toMatchObject({ transfers: 50, completed: 50 })
    // The cursor is past every transfer again: nothing waits in the list of those shipped ahead.
    expect(n(s.repos, 'SELECT count(*) AS n FROM records_transfers_ahead')).toBe(0)
    expect(s.repos.records.madeUpTo().cursor.transfers).toBe(all.at(-1))
  })

  it('ships device ids only as an HMAC with the chain’s salt, and no address unless allowed', async () => {
    const s = store('sh-03')
    insertSynthetic(s.repos.db, { transfers: 3, days: 1, now: NOW, tags: 1, videos: 1, refusedShare: 0 })
    s.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    await s.outbox.shipNow()
    const taps = [...mem.objects.entries()].flatMap(([k, o]) =>
      decodeBatch(o.body, k).records.filter((r) => r.t === 'tap'),
    )
    const devices = s.repos.db.prepare('SELECT device_id FROM taps ORDER BY id').all() as Array<{
      device_id: string
    }>
    expect(taps.map((t) => (t.t === 'tap' ? t.device : null))).toEqual(
      devices.map((d) => createHmac('sha256', SALT).update(d.device_id).digest('hex').slice(0, 32)),
    )
    expect(taps.every((t) => t.t === 'tap' && t.ip === null)).toBe(true)
    const text = [...mem.objects.values()]
      .map((o) =>
        decodeBatch(o.body, 'x')
          .records.map((r) => JSON.stringify(r))
          .join('\n'),
      )
      .join('\n')
    for (const d of devices) expect(text).not.toContain(d.device_id)
    expect(text).not.toContain('192.168.1.')
    expect(text).not.toContain('Mozilla')

    const t = store('sh-04', { chainRecordsSalt: null, chainRecordsIps: true })
    insertSynthetic(t.repos.db, { transfers: 2, days: 1, now: NOW, tags: 1, videos: 1, refusedShare: 0 })
    await t.outbox.shipNow()
    const key = [...mem.objects.keys()].find((k) => k.startsWith('records/sh-04/'))!
    const tap = decodeBatch(mem.objects.get(key)!.body, key).records.find((r) => r.t === 'tap')!
    expect(tap).toMatchObject({ device: null, ip: expect.stringMatching(/^192\.168\.1\./) })
  })

  it('retention keeps rows headquarters has not received, says so, and deletes them once shipped', async () => {
    const s = store('sh-05')
    insertSynthetic(s.repos.db, { transfers: 400, days: 40, now: NOW, tags: 3, videos: 2 })
    const held: Array<Record<string, string | number>> = []
    const retention = new Retention({
      repos: s.repos,
      logger,
      retentionDays: () => 10,
      now: () => clock,
      keepAfter: () => s.outbox.keepAfter(),
      notifyHeld: (p) => held.push(p),
    })
    const before = n(s.repos, 'SELECT count(*) AS n FROM taps')
    mem.down = true
    await s.outbox.shipNow()
    await retention.run()
    expect(n(s.repos, 'SELECT count(*) AS n FROM taps')).toBe(before)
    expect(held).toHaveLength(1)
    expect(held[0]!.count).toBeGreaterThan(0)

    mem.down = false
    await s.outbox.shipNow()
    expect(s.outbox.view().error).toBeNull()
    await retention.run()
    expect(n(s.repos, 'SELECT count(*) AS n FROM taps')).toBeLessThan(before)
    expect(s.repos.records.heldBack(new Date(NOW - 10 * 86_400_000).getTime())).toBe(0)
  })

  it('a store idle for longer than retention: its next tap and transfer are new to headquarters and counted', async () => {
    const s = store('sh-06')
    const h = hq()
    insertSynthetic(s.repos.db, { transfers: 30, days: 1, now: NOW, tags: 2, videos: 1 })
    s.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    await s.outbox.shipNow()
    mem.objects.set('stores/sh-06/status.json', { body: Buffer.from('{}'), sha256: '', etag: '"x"' })
    await h.ingest.ingestNow()
    expect(h.ingest.stores(null)[0]).toMatchObject({ taps: 30, transfers: 30 })

    // Closed for the season: retention (30 days) deletes every row, all of them shipped.
    clock = NOW + 45 * 86_400_000
    await new Retention({
      repos: s.repos,
      logger,
      retentionDays: () => 30,
      now: () => clock,
      keepAfter: () => s.outbox.keepAfter(),
    }).run()
    expect(n(s.repos, 'SELECT count(*) AS n FROM transfers')).toBe(0)

    // Open again: a phone taps (the hub restarted meanwhile) and gets its video.
    const records = new DeliveryRecords({
      repo: s.repos.delivery,
      logger,
      now: () => clock,
      onChange: () => {},
    })
    records.start()
    const tapId = records.addTap({
      tagId: null,
      tagCode: 'AbCdEfGhIjKl',
      deviceId: 'phone-new',
      ip: null,
      userAgent: null,
      at: clock,
      outcome: 'delivered',
    })
    records.create(
      newTransfer({
        id: records.nextId(),
        tapId,
        deviceId: 'phone-new',
        bytesSent: 1000,
        status: 'completed',
        createdAt: clock,
        finishedAt: clock,
      }),
    )
    await records.stop()
    await s.outbox.shipNow()
    await h.ingest.ingestNow()
    expect(h.ingest.stores(null)[0]).toMatchObject({ taps: 31, transfers: 31, completed: 31 })
  })

  it.each([
    ['the same morning', 3_600_000],
    ['two days later', 2 * 86_400_000],
  ])(
    'a store whose PC was replaced keeps its store id (%s): headquarters counts the new database’s records beside the old',
    async (_when, later) => {
      const old = store('sh-07')
      const h = hq()
      insertSynthetic(old.repos.db, { transfers: 40, days: 1, now: NOW, tags: 2, videos: 1 })
      old.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
      await old.outbox.shipNow()
      mem.objects.set('stores/sh-07/status.json', { body: Buffer.from('{}'), sha256: '', etag: '"x"' })
      await h.ingest.ingestNow()
      const oldTaps = n(old.repos, 'SELECT count(*) AS n FROM taps')
      expect(h.ingest.stores(null)[0]).toMatchObject({ taps: oldTaps, transfers: 40 })

      // A new PC with a fresh database and the same store id: its ids and batches start again.
      clock = NOW + later
      const fresh = hub('sh-07-new', { chainStoreId: 'sh-07', chainRecordsSalt: SALT })
      const outbox = new RecordsOutbox({ ...fresh, logger, now: () => clock })
      // Set up before its first tap: it claims nothing yet, and the old PC still ships meanwhile.
      await outbox.shipNow()
      expect(fresh.repos.records.claimOf('sh-07')).toBeNull()
      insertSynthetic(old.repos.db, { transfers: 10, days: 1, now: clock, tags: 1, videos: 1, seed: 2 })
      old.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
      await old.outbox.shipNow()
      const oldAll = [...mem.objects.keys()].filter((k) => k.startsWith('records/')).sort()
      insertSynthetic(fresh.repos.db, { transfers: 25, days: 1, now: clock, tags: 2, videos: 1 })
      fresh.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
      await outbox.shipNow()
      expect(outbox.view()).toMatchObject({ unshipped: 0, error: null })
      // Its objects come after the old ones, where headquarters reads on.
      const newKeys = [...mem.objects.keys()].filter((k) => k.startsWith('records/') && !oldAll.includes(k))
      expect(newKeys.length).toBeGreaterThan(0)
      expect(newKeys.every((k) => k > oldAll.at(-1)!)).toBe(true)
      await h.ingest.ingestNow()
      const taps =
        n(old.repos, 'SELECT count(*) AS n FROM taps') + n(fresh.repos, 'SELECT count(*) AS n FROM taps')
      expect(h.ingest.stores(null)[0]).toMatchObject({ taps, transfers: 75, completed: 75, quarantined: 0 })
    },
  )

  it('a database restored from an older copy: headquarters sets its clashing batch aside and says so', async () => {
    const live = store('sh-08')
    const h = hq()
    insertSynthetic(live.repos.db, { transfers: 20, days: 1, now: NOW, tags: 2, videos: 1 })
    live.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    await live.outbox.shipNow()
    // A copy of the database now; the live one goes on and ships a second batch.
    live.repos.db.exec(`VACUUM INTO '${join(dir.path, 'sh-08-copy.db')}'`)
    clock += 3_600_000
    insertSynthetic(live.repos.db, { transfers: 5, days: 1, now: clock, tags: 1, videos: 1, seed: 2 })
    live.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    await live.outbox.shipNow()
    mem.objects.set('stores/sh-08/status.json', { body: Buffer.from('{}'), sha256: '', etag: '"x"' })
    await h.ingest.ingestNow()
    const before = h.ingest.stores(null)[0]!
    // Two days later the copy is put back and makes its own second batch: the same sequence number, another key.
    clock += 2 * 86_400_000
    const copy = hub('sh-08-copy', { chainStoreId: 'sh-08', chainRecordsSalt: SALT })
    const outbox = new RecordsOutbox({ ...copy, logger, now: () => clock })
    insertSynthetic(copy.repos.db, { transfers: 3, days: 1, now: clock, tags: 1, videos: 1, seed: 3 })
    copy.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    await outbox.shipNow()
    await h.ingest.ingestNow()
    // Not taken as a repeat in silence: set aside, with why, and headquarters is told.
    expect(h.notified.map((x) => x.reason)).toEqual([
      expect.stringContaining('two databases ship records under this store id'),
    ])
    expect(h.ingest.stores(null)[0]).toMatchObject({ transfers: before.transfers, quarantined: 1 })
  })

  it('shows when a store’s records last arrived, not when one of its objects was set aside', async () => {
    const s = store('sh-08')
    insertSynthetic(s.repos.db, { transfers: 5, days: 1, now: NOW, tags: 1, videos: 1, refusedShare: 0 })
    s.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    await s.outbox.shipNow()
    const h = hq()
    mem.objects.set('stores/sh-08/status.json', { body: Buffer.from('{}'), sha256: '', etag: '"x"' })
    await h.ingest.ingestNow()
    expect(h.ingest.stores(null)[0]).toMatchObject({ storeId: 'sh-08', lastAppliedAt: NOW, quarantined: 0 })
    // An hour later only a garbled object arrives: the store has shipped nothing readable since.
    clock = NOW + 3600_000
    const day = parseRecordsKey([...mem.objects.keys()].find((k) => k.startsWith('records/'))!)!.day
    mem.objects.set(`records/sh-08/${day}/0000000002.jsonl.gz`, {
      body: Buffer.from('not gzip'),
      sha256: '',
      etag: '"g"',
    })
    await h.ingest.ingestNow()
    expect(h.ingest.stores(null)[0]).toMatchObject({ lastAppliedAt: NOW, quarantined: 1 })
  })

  it('sets aside an object that does not parse or fails its checksum, says so, and applies the ones after it', async () => {
    const s = store('sh-06')
    insertSynthetic(s.repos.db, { transfers: 30, days: 1, now: NOW, tags: 2, videos: 1, refusedShare: 0 })
    s.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    await s.outbox.shipNow()
    const good = [...mem.objects.keys()][0]!
    const day = parseRecordsKey(good)!.day
    // A garbled object and a damaged copy sort before the good one's successor.
    mem.objects.set(`records/sh-06/${day}/0000000002.jsonl.gz`, {
      body: Buffer.from('not gzip'),
      sha256: '',
      etag: '"a"',
    })
    const body = encodeBatch({
      header: { t: 'batch', v: 1, store: 'sh-06', seq: 3, createdAt: NOW, records: 0 },
      records: [],
    })
    mem.objects.set(`records/sh-06/${day}/0000000003.jsonl.gz`, { body, sha256: 'f'.repeat(64), etag: '"b"' })
    const h = hq()
    mem.objects.set('stores/sh-06/status.json', { body: Buffer.from('{}'), sha256: '', etag: '"x"' })
    await h.ingest.ingestNow()
    expect(h.ingest.view().error).toBeNull()
    expect(h.notified.map((p) => p.key)).toEqual([
      `records/sh-06/${day}/0000000002.jsonl.gz`,
      `records/sh-06/${day}/0000000003.jsonl.gz`,
    ])
    expect(h.repos.hqRecords.quarantined().map((q) => q.reason)).toEqual([
      expect.stringMatching(/is not gzip/),
      expect.stringMatching(/SHA-256/),
    ])
    expect(h.ingest.stores(null)[0]).toMatchObject({ taps: 30, transfers: 30, quarantined: 2 })
    await h.ingest.ingestNow()
    expect(h.notified).toHaveLength(2)

    // The store's next batch would take a number planted there: it does not overwrite what is not its own.
    insertSynthetic(s.repos.db, {
      transfers: 5,
      days: 1,
      now: NOW,
      tags: 1,
      videos: 1,
      refusedShare: 0,
      seed: 7,
    })
    s.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
    await s.outbox.shipNow()
    expect(s.outbox.view().error).toMatchObject({ code: 'chain-changed' })
    expect(s.outbox.view().error!.message).toMatch(/is not this store's batch 2/)

    // A stray object whose name sorts after every batch is set aside once, and later batches still arrive.
    const u = store('sh-07')
    const more = async (seed: number) => {
      insertSynthetic(u.repos.db, {
        transfers: 5,
        days: 1,
        now: NOW,
        tags: 1,
        videos: 1,
        refusedShare: 0,
        seed,
      })
      u.repos.db.exec(`UPDATE transfers SET status = 'completed'`)
      await u.outbox.shipNow()
    }
    await more(8)
    mem.objects.set('stores/sh-07/status.json', { body: Buffer.from('{}'), sha256: '', etag: '"y"' })
    mem.objects.set('records/sh-07/zzz.txt', { body: Buffer.from('hello'), sha256: '', etag: '"z"' })
    await h.ingest.ingestNow()
    expect(h.notified.map((p) => p.key)).toContain('records/sh-07/zzz.txt')
    await more(9)
    await h.ingest.ingestNow()
    await h.ingest.ingestNow()
    expect(h.notified).toHaveLength(3)
    expect(h.ingest.stores(null).find((r) => r.storeId === 'sh-07')).toMatchObject({
      taps: 10,
      transfers: 10,
      batches: 2,
      quarantined: 1,
    })
  })
})

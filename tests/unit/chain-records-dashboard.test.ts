import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { systemContext, type CallContext } from '../../src/main/core/auth/actor'
import { ChainService } from '../../src/main/core/chain/service'
import { RecordsDashboard, TREND_MAX_DAYS } from '../../src/main/core/chain/records/dashboard'
import { RecordsIngest } from '../../src/main/core/chain/records/ingest'
import { RecordsOutbox } from '../../src/main/core/chain/records/outbox'
import { loadConfig } from '../../src/main/core/config/load'
import { ConfigStore } from '../../src/main/core/config/store'
import { silentLogger } from '../../src/main/core/logger'
import { Retention } from '../../src/main/core/monitoring/retention'
import { addDays, dayKey } from '../../src/main/core/time/days'
import { closeDatabase, openDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { ChainRecordsScopeSchema } from '../../src/shared/contract/chain'
import { emptyFunnel, type FunnelCounts } from '../../src/shared/contract/funnel'
import { PlatformSchema } from '../../src/shared/contract/publish'
import { seedFunnelSteps, sqlFunnel } from '../helpers/funnel'
import { MemoryStore } from '../helpers/memory-store'
import { insertSynthetic } from '../helpers/synthetic'
import { tempDir } from '../helpers/tmp'

/**
 * The chain dashboard at headquarters (issue 21, item 3) over the records two stores shipped through the same
 * outbox and ingest a hub runs: the trend per day, the funnel across stores, failures and the CSV, each compared with
 * what the stores' own SQLite hold, counted here from their raw rows.
 */
const logger = silentLogger()
const NOW = new Date(2026, 10, 24, 15, 30).getTime()
const CONNECTED = {
  chainEndpoint: 'http://10.0.0.5:7480',
  chainBucket: 'chain',
  chainAccessKey: 'AKIAIOSFODNN7EXAMPLE',
  chainSecretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
}
const NAMES = new Map([
  ['sh-01', '徐家汇店'],
  ['sh-02', '=静安店'],
])

let dir: ReturnType<typeof tempDir>
const open: Repos[] = []
let mem: MemoryStore
const clock = NOW + 2 * 86_400_000

function hub(name: string, settings: Record<string, unknown>) {
  const path = join(dir.path, `${name}.json`)
  writeFileSync(path, JSON.stringify({ ...CONNECTED, ...settings }))
  const config = new ConfigStore(loadConfig({ file: path, env: {} }))
  const repos = createRepos(
    openDatabase(join(dir.path, `${name}.db`), { backupsDir: join(dir.path, `${name}-backups`), logger }).db,
  )
  open.push(repos)
  return { config, repos, chain: new ChainService({ config, logger, openStore: async () => mem }) }
}

/** A store with `days` days of traffic and what its customers did, rolled up and shipped. */
async function store(id: string, seed: number) {
  const h = hub(id, { chainStoreId: id, chainRecordsSalt: 'chain-salt-0123456789' })
  insertSynthetic(h.repos.db, { transfers: 1500, days: 6, now: NOW, tags: 5, videos: 2, seed })
  seedFunnelSteps(h.repos.db, seed)
  await new Retention({ repos: h.repos, logger, retentionDays: () => 365, now: () => clock }).run()
  await new RecordsOutbox({ ...h, logger, now: () => clock }).shipNow()
  mem.objects.set(`stores/${id}/status.json`, { body: Buffer.from('{}'), sha256: '', etag: '"x"' })
  return h
}

let stores: Record<string, Repos>
let board: RecordsDashboard

beforeEach(async () => {
  dir = tempDir()
  mem = new MemoryStore()
  stores = { 'sh-01': (await store('sh-01', 11)).repos, 'sh-02': (await store('sh-02', 12)).repos }
  const h = hub('hq', { chainRole: 'hq' })
  const ingest = new RecordsIngest({ ...h, logger, now: () => clock, notifyQuarantined: () => {} })
  await ingest.ingestNow()
  board = new RecordsDashboard({
    ...h,
    ingest,
    storeNames: async () => NAMES,
    now: () => clock,
  })
})
afterEach(() => {
  for (const r of open.splice(0)) closeDatabase(r.db)
  dir.cleanup()
})

/** The store's own transfers and taps per local day from `since`, counted from its raw rows. */
function ownDays(db: Repos['db'], since: number) {
  const out = new Map<string, Record<string, number>>()
  const day = (k: string) => {
    let d = out.get(k)
    if (!d) out.set(k, (d = { taps: 0, transfers: 0, completed: 0, failed: 0, expired: 0 }))
    return d
  }
  for (const t of db.prepare('SELECT at FROM taps WHERE at >= ?').all(since) as Array<{ at: number }>)
    day(dayKey(t.at)).taps!++
  for (const t of db
    .prepare('SELECT created_at, status FROM transfers WHERE created_at >= ?')
    .all(since) as Array<{
    created_at: number
    status: string
  }>) {
    const d = day(dayKey(t.created_at))
    d.transfers!++
    if (t.status in d) d[t.status]!++
  }
  return out
}

function plus(a: FunnelCounts, b: FunnelCounts): FunnelCounts {
  const c = emptyFunnel()
  for (const k of Object.keys(c) as Array<keyof FunnelCounts>) if (k !== 'publishChosen') c[k] = a[k] + b[k]
  for (const p of PlatformSchema.options) c.publishChosen[p] = a.publishChosen[p] + b.publishChosen[p]
  return c
}

describe('the chain dashboard at headquarters', () => {
  it('draws each day of the period with the taps, transfers, completed, failed and publishes the stores hold', async () => {
    const since = addDays(clock, -6)
    const trend = board.trend(systemContext, { since: new Date(since).toISOString() })
    // Seven days, today included, oldest first; days the stores had no traffic are zeros.
    expect(trend.days.map((d) => d.day)).toEqual(
      Array.from({ length: 7 }, (_, i) => dayKey(addDays(since, i))),
    )
    expect(trend.to).toBe(dayKey(clock))
    const a = ownDays(stores['sh-01']!.db, since)
    const b = ownDays(stores['sh-02']!.db, since)
    for (const d of trend.days) {
      const own = (k: string) => (a.get(d.day)?.[k] ?? 0) + (b.get(d.day)?.[k] ?? 0)
      expect(d, d.day).toMatchObject({
        taps: own('taps'),
        transfers: own('transfers'),
        completed: own('completed'),
        failed: own('failed'),
        expired: own('expired'),
      })
      const start = new Date(`${d.day}T00:00:00`).getTime()
      const span = { since: start, until: addDays(start, 1) }
      expect(d.published, d.day).toBe(
        sqlFunnel(stores['sh-01']!.db, span).publishedAny + sqlFunnel(stores['sh-02']!.db, span).publishedAny,
      )
    }
    expect(trend.days.reduce((n, d) => n + d.transfers, 0)).toBeGreaterThan(1000)
    expect(trend.days.at(-1)).toMatchObject({ taps: 0, transfers: 0 })

    // One store: only its own numbers.
    const one = board.trend(systemContext, { since: new Date(since).toISOString(), store: 'sh-02' })
    for (const d of one.days) expect(d.transfers, d.day).toBe(b.get(d.day)?.transfers ?? 0)
    // The table's totals for the same period are the trend's sums.
    const rows = await board.stores(systemContext, { since: new Date(since).toISOString() })
    const sum = (k: 'taps' | 'transfers' | 'completed' | 'failed' | 'expired') =>
      rows.reduce((n, r) => n + r[k], 0)
    for (const k of ['taps', 'transfers', 'completed', 'failed', 'expired'] as const)
      expect(sum(k), k).toBe(trend.days.reduce((n, d) => n + d[k], 0))
    expect(sum('failed')).toBeGreaterThan(0)
    expect(sum('expired')).toBeGreaterThan(0)
  })

  it('draws at most the last year, however far back `since` asks, and nothing for a period still to come', () => {
    const started = performance.now()
    const far = board.trend(systemContext, { since: '1970-01-01' })
    expect(far.days).toHaveLength(TREND_MAX_DAYS)
    expect(far.days.at(-1)!.day).toBe(dayKey(clock))
    expect(far.from).toBe(far.days[0]!.day)
    // The year drawn still holds every record the stores shipped (all within the last month).
    const month = board.trend(systemContext, { since: new Date(addDays(clock, -29)).toISOString() })
    const total = (t: typeof far) => t.days.reduce((n, d) => n + d.transfers, 0)
    expect(total(far)).toBe(total(month))
    const shipped = Object.values(stores).reduce(
      (n, r) => n + (r.db.prepare('SELECT count(*) AS n FROM transfers').get() as { n: number }).n,
      0,
    )
    expect(total(far)).toBe(shipped)
    expect(board.trend(systemContext, { since: '9999-12-31' }).days).toEqual([])
    expect(performance.now() - started).toBeLessThan(2000)
    // A year the contract cannot read as a date like 2026-12-01 is refused before it reaches the dashboard.
    const scope = ChainRecordsScopeSchema.safeParse({ since: '+010000-01-01' })
    expect(scope.success).toBe(false)
  })

  it('sums the publish funnel over the stores, or shows one store’s, as the stores’ own funnels count it', () => {
    for (const days of [1, 3, 7]) {
      const since = addDays(clock, -(days - 1))
      const span = { since, until: addDays(clock, 1) }
      const own = {
        'sh-01': sqlFunnel(stores['sh-01']!.db, span),
        'sh-02': sqlFunnel(stores['sh-02']!.db, span),
      }
      const iso = new Date(since).toISOString()
      expect(board.funnel(systemContext, { since: iso }).counts, `${days} days`).toEqual(
        plus(own['sh-01'], own['sh-02']),
      )
      expect(board.funnel(systemContext, { since: iso, store: 'sh-01' }).counts).toEqual(own['sh-01'])
    }
    const week = board.funnel(systemContext, { since: new Date(addDays(clock, -6)).toISOString() }).counts
    expect(week.taps).toBeGreaterThan(1000)
    expect(week.publishedAny).toBeGreaterThan(0)
    expect(week.saved).toBeGreaterThan(0)
  })

  it('exports the table and the trend as CSV with the console’s words and the same numbers', async () => {
    const since = new Date(addDays(clock, -6)).toISOString()
    const rows = await board.stores(systemContext, { since })
    const csv = await board.csv(systemContext, { what: 'stores', since }, 'zh-CN')
    expect(csv.startsWith('\uFEFF')).toBe(true)
    const lines = csv.slice(1).trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      '门店编号,门店,碰一碰,传输,已完成,完成率,失败,已过期,转化步骤,最新记录,最近接收,已隔离对象',
    )
    expect(lines).toHaveLength(3)
    for (const [i, r] of rows.entries()) {
      const cells = lines[i + 1]!.split(',')
      expect(cells.slice(0, 2)).toEqual([r.store, r.store === 'sh-01' ? '徐家汇店' : "'=静安店"])
      expect(cells.slice(2, 5).map(Number)).toEqual([r.taps, r.transfers, r.completed])
      expect(cells[5]).toBe(`${Math.round((r.completed / r.transfers) * 100)}%`)
      expect(cells.slice(6, 9).map(Number)).toEqual([r.failed, r.expired, r.funnel])
      expect(cells[11]).toBe('0')
    }
    const days = await board.csv(systemContext, { what: 'days', since, store: 'sh-01' }, 'en')
    const dl = days.slice(1).trimEnd().split('\r\n')
    expect(dl[0]).toBe('Day,Taps,Transfers,Completed,Failed,Expired,Platform chosen')
    const trend = board.trend(systemContext, { since, store: 'sh-01' })
    expect(dl.slice(1)).toEqual(
      trend.days.map((d) =>
        [d.day, d.taps, d.transfers, d.completed, d.failed, d.expired, d.published].join(','),
      ),
    )
  })

  it('answers only at headquarters and only to someone logged in', async () => {
    const anonymous: CallContext = { actor: { kind: 'anonymous' }, ip: null, userAgent: null }
    expect(() => board.trend(anonymous, {})).toThrow(expect.objectContaining({ code: 'unauthenticated' }))
    await expect(board.csv(anonymous, { what: 'stores' }, 'en')).rejects.toMatchObject({
      code: 'unauthenticated',
    })
    const s = hub('shop', { chainStoreId: 'sh-09' })
    const atStore = new RecordsDashboard({
      ...s,
      ingest: new RecordsIngest({ ...s, logger, notifyQuarantined: () => {} }),
      storeNames: async () => new Map(),
    })
    expect(() => atStore.funnel(systemContext, {})).toThrow(
      expect.objectContaining({ code: 'chain-wrong-role' }),
    )
  })
})

// npm run bench:chain-records [-- --stores 100 --days 30 --per-day 300 --concurrency 8]
// The chain's records (issue 21) at the size of a large chain, against a real single-node Ceph RGW
// (scripts/chain/ceph-cluster.ts): `--stores` simulated stores, each its own SQLite database filled with `--days` days
// of realistic traffic (`--per-day` transfers a day with their taps, quota refusals, aborted / failed / expired
// transfers; tests/helpers/synthetic.ts; the customers' funnel steps, tests/helpers/funnel.ts) and rolled up, ship
// their records with the hub's own RecordsOutbox (the same batches, keys and bytes a store hub writes), then headquarters ingests them all with the hub's own
// RecordsIngest into its own database. Prints the outbox and ingest throughput, and times each query the chain
// dashboard and `tapdrop chain records` make at that size (target: every one < 200 ms).
// The stores are record producers in one process (100 hub processes would measure the machine, not the records).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3'
import { S3ObjectStore } from '../../src/main/chain/s3-store'
import { RecordsDashboard } from '../../src/main/core/chain/records/dashboard'
import { RecordsIngest } from '../../src/main/core/chain/records/ingest'
import { systemContext } from '../../src/main/core/auth/actor'
import { RecordsOutbox } from '../../src/main/core/chain/records/outbox'
import { ChainService } from '../../src/main/core/chain/service'
import { storeStatusKey } from '../../src/main/core/chain/keys'
import type { ObjectStore } from '../../src/main/core/chain/object-store'
import { loadConfig } from '../../src/main/core/config/load'
import { ConfigStore } from '../../src/main/core/config/store'
import { silentLogger } from '../../src/main/core/logger'
import { addDays } from '../../src/main/core/time/days'
import { Retention } from '../../src/main/core/monitoring/retention'
import { closeDatabase, openDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { seedFunnelSteps } from '../../tests/helpers/funnel'
import { insertSynthetic } from '../../tests/helpers/synthetic'
import { CephCluster } from '../chain/ceph-cluster'
import { arg, median, table } from './common'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
const STORES = Number(arg('stores', '100'))
const DAYS = Number(arg('days', '30'))
const PER_DAY = Number(arg('per-day', '300'))
const CONCURRENCY = Number(arg('concurrency', '8'))
const BUCKET = 'bench-chain-records'
const logger = silentLogger()
const work = mkdtempSync(join(tmpdir(), 'tapdrop-bench-records-'))
const now = Date.now()

function hubConfig(name: string, settings: Record<string, unknown>): ConfigStore {
  const file = join(work, `${name}.json`)
  writeFileSync(file, JSON.stringify(settings))
  return new ConfigStore(loadConfig({ file, env: {} }))
}

function repos(name: string): Repos {
  return createRepos(
    openDatabase(join(work, `${name}.db`), { backupsDir: join(work, `${name}-backups`), logger }).db,
  )
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!)
    }),
  )
}

function timeQuery(fn: () => unknown, runs = 7): number {
  fn()
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    fn()
    ms.push(performance.now() - t)
  }
  return median(ms)
}

async function timeAsync(fn: () => Promise<unknown>, runs = 7): Promise<number> {
  await fn()
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    ms.push(performance.now() - t)
  }
  return median(ms)
}

async function main(): Promise<void> {
  const cluster = await CephCluster.start(join(work, 'ceph'))
  const open: Repos[] = []
  try {
    const { endpoint, region, accessKeyId, secretAccessKey } = cluster.info
    await new S3Client({
      endpoint,
      region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    }).send(new CreateBucketCommand({ Bucket: BUCKET }))
    const connection = {
      chainEndpoint: endpoint,
      chainRegion: region,
      chainBucket: BUCKET,
      chainAccessKey: accessKeyId,
      chainSecretKey: secretAccessKey,
      chainPathStyle: true,
    }
    const s3: ObjectStore = new S3ObjectStore({
      endpoint,
      region,
      bucket: BUCKET,
      accessKeyId,
      secretAccessKey,
      pathStyle: true,
      caFile: null,
    })

    // The stores: their history, rolled up as each hub's retention would.
    let t = performance.now()
    const stores: Array<{ id: string; outbox: RecordsOutbox; repos: Repos }> = []
    for (let i = 0; i < STORES; i++) {
      const id = `store-${String(i + 1).padStart(3, '0')}`
      const r = repos(id)
      open.push(r)
      insertSynthetic(r.db, { transfers: DAYS * PER_DAY, days: DAYS, now, tags: 12, videos: 6, seed: i + 1 })
      // What the customers did on their phone pages: the funnel the chain dashboard sums across stores.
      seedFunnelSteps(r.db, i + 1)
      await new Retention({ repos: r, logger, retentionDays: () => 365, now: () => now }).run()
      const config = hubConfig(id, {
        ...connection,
        chainStoreId: id,
        chainRecordsSalt: 'bench-salt-0123456789',
      })
      const chain = new ChainService({ config, logger, openStore: async () => s3 })
      stores.push({ id, repos: r, outbox: new RecordsOutbox({ chain, repos: r, config, logger }) })
      await s3.put(storeStatusKey(id), '{}')
    }
    const fillSeconds = (performance.now() - t) / 1000
    const rowsAt = (r: Repos) =>
      (
        r.db.prepare('SELECT (SELECT count(*) FROM taps) + (SELECT count(*) FROM transfers) AS n').get() as {
          n: number
        }
      ).n
    const rows = stores.reduce((a, s) => a + rowsAt(s.repos), 0)

    // Every store ships (CONCURRENCY at once, as many stores' uplinks would).
    t = performance.now()
    await pool(stores, CONCURRENCY, (s) => s.outbox.shipNow())
    const shipSeconds = (performance.now() - t) / 1000
    const batches = stores.reduce((a, s) => a + s.repos.records.madeUpTo().seq, 0)
    const unshipped = stores.reduce((a, s) => a + s.outbox.view().unshipped, 0)

    // Headquarters ingests all of it.
    const hq = repos('hq')
    open.push(hq)
    const hqConfig = hubConfig('hq', { ...connection, chainRole: 'hq' })
    const ingest = new RecordsIngest({
      chain: new ChainService({ config: hqConfig, logger, openStore: async () => s3 }),
      repos: hq,
      config: hqConfig,
      logger,
      notifyQuarantined: () => {},
    })
    t = performance.now()
    await ingest.ingestNow()
    const ingestSeconds = (performance.now() - t) / 1000
    const totals = ingest.stores(null)
    const taps = totals.reduce((a, r) => a + r.taps, 0)
    const transfers = totals.reduce((a, r) => a + r.transfers, 0)
    const storeTaps = stores.reduce(
      (a, s) => a + (s.repos.db.prepare('SELECT count(*) AS n FROM taps').get() as { n: number }).n,
      0,
    )
    t = performance.now()
    await ingest.ingestNow()
    const idleSeconds = (performance.now() - t) / 1000

    // The chain dashboard's own reads, for the periods its selector offers (the local midnight starting them).
    const board = new RecordsDashboard({
      chain: new ChainService({ config: hqConfig, logger, openStore: async () => s3 }),
      repos: hq,
      ingest,
      storeNames: async () => new Map(),
      now: () => now,
    })
    const ctx = systemContext
    const period = (days: number) => ({ since: new Date(addDays(now, -(days - 1))).toISOString() })
    const one = stores[0]!.id
    const queries: Array<[string, number]> = [
      ['chain records (every store, all time)', timeQuery(() => ingest.stores(null))],
      ['chain records --since 7 days', timeQuery(() => ingest.stores(now - 7 * 86_400_000))],
      ['chain records --since 30 days', timeQuery(() => ingest.stores(now - 30 * 86_400_000))],
      ['by placement and campaign, all time', timeQuery(() => ingest.breakdown(null))],
      ['by placement and campaign, 7 days', timeQuery(() => ingest.breakdown(now - 7 * 86_400_000))],
      ['trend per day, today', timeQuery(() => board.trend(ctx, period(1)))],
      ['trend per day, 30 days', timeQuery(() => board.trend(ctx, period(30)))],
      ['trend per day, 30 days, one store', timeQuery(() => board.trend(ctx, { ...period(30), store: one }))],
      ['publish funnel, 7 days', timeQuery(() => board.funnel(ctx, period(7)))],
      ['publish funnel, 30 days', timeQuery(() => board.funnel(ctx, period(30)))],
      [
        'publish funnel, 30 days, one store',
        timeQuery(() => board.funnel(ctx, { ...period(30), store: one })),
      ],
      [
        'CSV of the store table, 30 days',
        await timeAsync(() => board.csv(ctx, { what: 'stores', ...period(30) }, 'zh-CN')),
      ],
      [
        'CSV of the trend, 30 days',
        await timeAsync(() => board.csv(ctx, { what: 'days', ...period(30) }, 'zh-CN')),
      ],
    ]

    console.log(
      `\nchain records: ${STORES} stores × ${DAYS} days, ${PER_DAY} transfers a day each (real Ceph RGW)\n`,
    )
    console.log(
      table([
        ['what', 'figure'],
        ['rows at the stores (taps + transfers)', rows],
        ['fill + roll-up (s)', fillSeconds.toFixed(1)],
        ['batches shipped', batches],
        ['ship: all stores (s)', shipSeconds.toFixed(1)],
        ['ship: rows/s', Math.round(rows / shipSeconds)],
        ['unshipped after', unshipped],
        ['ingest at HQ (s)', ingestSeconds.toFixed(1)],
        ['ingest: batches/s', (batches / ingestSeconds).toFixed(1)],
        ['ingest: records/s', Math.round((taps + transfers) / ingestSeconds)],
        ['ingest again, nothing new (s)', idleSeconds.toFixed(2)],
        ['HQ taps = stores’ taps', `${taps} = ${storeTaps} ${taps === storeTaps ? '✓' : '✗'}`],
      ]),
    )
    console.log('\ndashboard queries at HQ (median of 7, target < 200 ms)\n')
    console.log(
      table([['query', 'ms', ''], ...queries.map(([q, ms]) => [q, ms.toFixed(1), ms < 200 ? 'ok' : 'SLOW'])]),
    )
    s3.close()
    if (taps !== storeTaps || queries.some(([, ms]) => ms >= 200)) process.exitCode = 1
  } finally {
    for (const r of open) closeDatabase(r.db)
    await cluster.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

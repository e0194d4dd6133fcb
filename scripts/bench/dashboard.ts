/**
 * `npm run bench:dashboard [-- --rows 1000000]`: every dashboard and history query against a year of synthetic
 * history (1,000,000 transfers and their taps), through the hub's real admin API on 127.0.0.1, with the plan
 * SQLite uses for each. Target: each answers in < 200 ms. The anchor is the same question answered the naive way,
 * straight from the raw rows with no roll-ups (what the dashboard would cost without them), timed in the same run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Hub } from '../../src/main/app/hub'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { silentLogger } from '../../src/main/core/logger'
import { createApiClient } from '../../src/shared/api-client'
import type { MethodInput, MethodName } from '../../src/shared/contract'
import { addDays } from '../../src/main/core/time/days'
import { windowSplit } from '../../src/main/core/monitoring/dashboard'
import { insertSynthetic } from '../../tests/helpers/synthetic'
import { arg, table } from './common'

const rows = Number(arg('rows', '1000000'))
const runs = Number(arg('runs', '7'))
const TARGET_MS = 200

async function time(fn: () => Promise<unknown> | unknown): Promise<{ median: number; max: number }> {
  await fn()
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint()
    await fn()
    ms.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  ms.sort((a, b) => a - b)
  return { median: ms[Math.floor(ms.length / 2)]!, max: ms[ms.length - 1]! }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tapdrop-bench-dashboard-'))
  try {
    const now = Date.now() - 60_000
    let t0 = Date.now()
    const { db } = openDatabase(join(dir, 'tapdrop.db'), {
      backupsDir: join(dir, 'backups'),
      logger: silentLogger(),
    })
    const { tagIds, videoIds } = insertSynthetic(db, {
      transfers: rows,
      days: 360,
      now,
      tags: 200,
      videos: 60,
    })
    // Every transfer gets a timeline like a real one: its request and its end.
    db.exec(`INSERT INTO transfer_events (transfer_id, at, kind, range_start, range_end, bytes)
               SELECT id, created_at + 200, 'request', 0, bytes_total - 1, bytes_sent FROM transfers;
             INSERT INTO transfer_events (transfer_id, at, kind) SELECT id, finished_at, status FROM transfers
               WHERE status IN ('completed', 'aborted', 'failed', 'expired');`)
    const counts = db
      .prepare(
        'SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM taps) AS taps, (SELECT count(*) FROM transfer_events) AS events',
      )
      .get() as { transfers: number; taps: number; events: number }
    closeDatabase(db)
    console.log(
      `synthetic history: ${counts.transfers} transfers, ${counts.taps} taps, ${counts.events} timeline steps over 360 days (${((Date.now() - t0) / 1000).toFixed(0)} s to write)`,
    )

    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ adminPort: 0, lanPort: 0, lanHost: '127.0.0.1', mdns: false, logLevel: 'warn' }),
    )
    const hub = new Hub({ dataDir: dir, env: { TAPDROP_NFC: 'false' } })
    const started = await hub.start()
    t0 = Date.now()
    await hub.services.retention.run()
    console.log(
      `first roll-up of 360 days at start: ${((Date.now() - t0) / 1000).toFixed(1)} s (in steps, the hub serving meanwhile)`,
    )
    const token = (JSON.parse(readFileSync(join(dir, 'run', 'hub.json'), 'utf8')) as { token: string }).token
    const api = createApiClient({ baseUrl: started.adminUrl, headers: { Authorization: `Bearer ${token}` } })
    const call =
      <M extends MethodName>(m: M, a: MethodInput<M>) =>
      () =>
        api.invoke(m, a)
    const iso = (t: number) => new Date(t).toISOString()
    const someTransfer = Math.floor(counts.transfers / 2)

    const cases: Array<[string, () => Promise<unknown>]> = [
      ['dashboard, today', call('dashboard-summary', { days: 1 })],
      ['dashboard, 7 days', call('dashboard-summary', { days: 7 })],
      ['dashboard, 30 days', call('dashboard-summary', { days: 30 })],
      ['dashboard, 90 days', call('dashboard-summary', { days: 90 })],
      ['history, newest 50', call('transfer-history', {})],
      ['history, failed', call('transfer-history', { status: ['failed'] })],
      ['history, one tag', call('transfer-history', { tagId: tagIds[7]! })],
      ['history, one video', call('transfer-history', { videoId: videoIds[3]! })],
      ['history, last 7 days', call('transfer-history', { from: iso(addDays(now, -7)) })],
      [
        'history, tag + completed + 30 days',
        call('transfer-history', { tagId: tagIds[3]!, status: ['completed'], from: iso(addDays(now, -30)) }),
      ],
      ['history, largest first', call('transfer-history', { sort: 'bytesTotal' })],
      [
        'history, oldest first, page 200',
        call('transfer-history', { order: 'asc', page: 200, pageSize: 50 }),
      ],
      ['history, page 2000 of 50', call('transfer-history', { page: 2000, pageSize: 50 })],
      ['one transfer with its timeline', call('transfer-get', { id: someTransfer })],
    ]
    const out: Array<Array<string | number>> = [['query', 'median ms', 'max ms', `within ${TARGET_MS} ms`]]
    let worst = 0
    for (const [name, fn] of cases) {
      const r = await time(fn)
      worst = Math.max(worst, r.max)
      out.push([name, r.median.toFixed(1), r.max.toFixed(1), r.max < TARGET_MS ? 'yes' : 'NO'])
    }
    console.log('\n' + table(out))

    // The anchor: the 30-day top lists straight from the raw rows (no roll-ups), as a naive dashboard would.
    const raw = new Database(join(dir, 'tapdrop.db'), { readonly: true })
    const since = addDays(now, -29)
    const naive = await time(() => {
      raw
        .prepare(
          'SELECT video_id, count(*) AS n, sum(wire_bytes) FROM transfers WHERE created_at >= ? GROUP BY video_id ORDER BY n DESC LIMIT 5',
        )
        .all(since)
      raw
        .prepare(
          'SELECT tag_id, count(*) AS n FROM taps WHERE at >= ? GROUP BY tag_id ORDER BY n DESC LIMIT 5',
        )
        .all(since)
    })
    const rolled = await time(() => {
      const w = windowSplit(hub.repos.stats, now, 30)
      hub.repos.stats.topVideos({ ...w, limit: 5 })
      hub.repos.stats.topTags({ ...w, limit: 5 })
    })
    console.log(
      `\ntop videos + top tags, 30 days: from raw rows ${naive.median.toFixed(1)} ms, with roll-ups ${rolled.median.toFixed(1)} ms (${(naive.median / rolled.median).toFixed(1)}× faster)`,
    )

    console.log('\nquery plans (EXPLAIN QUERY PLAN):')
    const plan = (label: string, sql: string, ...args: unknown[]) =>
      console.log(
        `  ${label}: ${(raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((p) => p.detail).join(' | ')}`,
      )
    const h = hub.repos.history
    for (const [label, f, s] of [
      ['newest', {}, 'createdAt'],
      ['failed', { status: ['failed'] }, 'createdAt'],
      ['tag', { tagId: 1 }, 'createdAt'],
      ['video', { videoId: 1 }, 'createdAt'],
      ['time range', { from: 1, to: 2 }, 'createdAt'],
      ['largest', {}, 'bytesTotal'],
    ] as const)
      console.log(`  history ${label}: ${h.explainPage(f as never, s).join(' | ')}`)
    plan('taps today', 'SELECT count(*) FROM taps WHERE at >= ? AND at < ?', 1, 2)
    plan(
      'transfers today by status',
      'SELECT status, count(*), sum(wire_bytes) FROM transfers WHERE created_at >= ? AND created_at < ? GROUP BY status',
      1,
      2,
    )
    plan(
      'failure reasons',
      "SELECT coalesce(error, status) AS reason, count(*) FROM transfers WHERE status IN ('failed', 'expired') AND created_at >= ? GROUP BY reason",
      1,
    )
    plan(
      'top videos, raw part',
      'SELECT video_id, count(*) FROM transfers INDEXED BY transfers_by_time WHERE created_at >= ? GROUP BY video_id',
      1,
    )
    plan(
      'top tags, raw taps',
      'SELECT tag_id, count(*) FROM taps INDEXED BY taps_by_time WHERE at >= ? GROUP BY tag_id',
      1,
    )
    plan(
      'roll-ups in a window',
      'SELECT video_id, sum(transfers) FROM daily_videos WHERE day >= ? AND day < ? GROUP BY video_id',
      'a',
      'b',
    )
    plan('idle tags', 'SELECT id FROM tags WHERE enabled = 1 AND coalesce(last_tap_at, created_at) < ?', 1)
    plan('timeline', 'SELECT * FROM transfer_events WHERE transfer_id = ? ORDER BY id', 1)
    raw.close()
    await hub.stop()
    console.log(
      `\nslowest answer ${worst.toFixed(1)} ms: ${worst < TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target (ratio ${(worst / TARGET_MS).toFixed(2)})`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

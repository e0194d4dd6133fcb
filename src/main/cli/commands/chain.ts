import type { Command } from 'commander'
import type { Invoke } from '../../../shared/api-client'
import {
  ChainDateSchema,
  ChainLabelSchema,
  ChainRecordsInputSchema,
  ChainTargetSchema,
  type ChainHq,
  type ChainJob,
  type ChainRecordsStore,
  type ChainStatus,
  type ChainStore,
  type ChainSync,
} from '../../../shared/contract/chain'
import { StrategySchema } from '../../../shared/contract/tags'
import { ask, connectToHub, globalsOf } from '../client'
import { CliError } from '../errors'
import { isoFlag } from '../iso-flag'
import { emit, table } from '../output'

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`

function ago(iso: string | null): string {
  if (!iso) return 'never'
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))
  if (s < 90) return `${s} s ago`
  if (s < 5400) return `${Math.round(s / 60)} min ago`
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h ago`
  return `${Math.round(s / 86400)} days ago`
}

function syncLines(s: ChainSync): string[] {
  const lines = [
    `catalog:    ${s.catalogVersion === null ? 'none applied yet' : `version ${s.catalogVersion}`}${
      s.availableVersion !== null && s.availableVersion !== s.catalogVersion
        ? ` (version ${s.availableVersion} is being synced)`
        : ''
    }`,
    `last sync:  ${ago(s.lastSyncAt)}${s.stale ? ' — too long ago' : ''}`,
    `state:      ${s.state}${
      s.progress
        ? ` — ${s.progress.filesDone}/${s.progress.files} files, ${mb(s.progress.bytesDone)} of ${mb(s.progress.bytes)}`
        : ''
    }`,
    `videos:     ${s.videos} from headquarters`,
  ]
  if (s.error) lines.push(`last error: ${s.error.message} (${s.error.code}, ${ago(s.error.at)})`)
  for (const b of s.bindings)
    lines.push(
      `binding:    ${b.label} → ${b.videos.map((v) => v.title).join(', ')} (${b.from ?? '…'} – ${b.to ?? '…'}${
        b.active ? ', today' : ''
      }; ${b.tags.length} tag(s))`,
    )
  return lines
}

function recordsTable(rows: ChainRecordsStore[]): string {
  if (rows.length === 0) return 'no store has shipped records yet'
  return table(
    [
      'store',
      'taps',
      'transfers',
      'completed',
      'failed',
      'expired',
      'funnel',
      'last record',
      'batches',
      'set aside',
    ],
    rows.map((r) => [
      r.store,
      String(r.taps),
      String(r.transfers),
      String(r.completed),
      String(r.failed),
      String(r.expired),
      String(r.funnel),
      ago(r.lastRecordAt),
      String(r.batches),
      String(r.quarantined),
    ]),
  )
}

function storesTable(stores: ChainStore[]): string {
  if (stores.length === 0) return 'stores:     none has reported yet'
  return table(
    ['store', 'name', 'last seen', 'catalog', 'state', 'error'],
    stores.map((s) => [
      s.storeId,
      s.storeName ?? '',
      ago(s.lastSeenAt),
      s.catalogVersion === null ? '—' : `v${s.catalogVersion}`,
      s.progress ? `${s.state} ${mb(s.progress.bytesDone)}/${mb(s.progress.bytes)}` : s.state,
      s.error?.message ?? s.problem ?? '',
    ]),
  )
}

function human(s: ChainStatus): string {
  const lines = [`role:       ${s.role}`]
  if (!s.endpoint && s.missing.length === 0) {
    lines.push('chain:      not configured (a single store)')
    return lines.join('\n')
  }
  lines.push(
    `endpoint:   ${s.endpoint ?? '—'} (${s.pathStyle ? 'path-style' : 'virtual-host'}, region ${s.region})`,
    `bucket:     ${s.bucket ?? '—'}`,
    `access key: ${s.accessKey ?? '—'}`,
    `store:      ${s.storeId ?? '—'}${s.storeName ? ` (${s.storeName})` : ''}`,
  )
  if (s.missing.length) lines.push(`missing:    ${s.missing.join(', ')}`)
  if (s.reachable !== null)
    lines.push(
      `reachable:  ${s.reachable ? 'yes' : `no — ${s.error?.message ?? 'unknown reason'} (${s.error?.code})`}`,
    )
  if (s.sync) lines.push(...syncLines(s.sync))
  if (s.unshipped !== null)
    lines.push(
      `records:    ${s.unshipped} not shipped to headquarters yet, last batch confirmed ${ago(s.lastShippedAt)}${s.recordsError ? ` — ${s.recordsError.message}` : ''}`,
    )
  if (s.stores) {
    lines.push(
      `catalog:    ${s.catalogVersion === null ? 'nothing published yet' : `version ${s.catalogVersion}`}, ${s.videos} video(s), ${s.pending} job(s) waiting`,
    )
    lines.push(storesTable(s.stores))
  }
  return lines.join('\n')
}

function jobLine(j: ChainJob): string {
  const what = `${j.kind} “${j.title}”`
  if (j.status === 'done')
    return `${what}: done${j.catalogVersion ? ` (catalog version ${j.catalogVersion})` : ''}`
  return `${what}: ${j.status}${j.percent !== null ? ` ${j.percent}%` : ''}${j.error ? ` — ${j.error}` : ''}`
}

/**
 * Starts a publish or unpublish job, follows it with --wait (progress on stderr on a terminal) and prints it; the
 * command fails unless the job ended done (or, without --wait, was queued).
 */
async function runJob(
  cmd: Command,
  opts: { wait: boolean; timeout: string },
  start: (invoke: Invoke) => Promise<ChainJob>,
): Promise<void> {
  const { dataDir, json } = globalsOf(cmd)
  const timeout = timeoutOf(opts.timeout)
  const { invoke } = await connectToHub(dataDir)
  let job = await start(invoke)
  if (opts.wait) job = await follow(invoke, job, timeout)
  if (process.stderr.isTTY && opts.wait) process.stderr.write('\r\x1b[K')
  emit(json ?? false, job, () => jobLine(job))
  if (job.status === 'failed' || job.status === 'cancelled' || (opts.wait && job.status !== 'done'))
    process.exitCode = 1
}

/** Follows a publish job until it is done or has failed for good; progress goes to stderr on a terminal. */
async function follow(invoke: Invoke, job: ChainJob, timeoutMs: number): Promise<ChainJob> {
  const until = Date.now() + timeoutMs
  let last = ''
  for (;;) {
    if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') return job
    if (Date.now() > until) return job
    const line = jobLine(job)
    if (process.stderr.isTTY && line !== last) process.stderr.write(`\r${line}\x1b[K`)
    last = line
    await new Promise((r) => setTimeout(r, 300))
    job = await invoke('chain-job-get', { id: job.id })
  }
}

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } }
  },
  value: unknown,
  flag: string,
): T {
  const r = schema.safeParse(value)
  if (!r.success) throw new CliError(`${flag}: ${r.error.issues[0]?.message ?? 'not valid'}`, 2)
  return r.data
}

function storesOption(value: string | undefined): string[] {
  if (value === undefined || value === 'all') return ['*']
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (list.length === 0) throw new CliError('--stores: name at least one store (or all)', 2)
  return list.map((s) => parse(ChainTargetSchema, s === 'all' ? '*' : s, '--stores'))
}

function positiveId(value: string, what: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${what} must be a video id (a positive number)`, 2)
  return n
}

function timeoutOf(value: string): number {
  const t = Number(value)
  if (!Number.isFinite(t) || t <= 0) throw new CliError('--timeout must be a positive number of seconds', 2)
  return t * 1000
}

function hqHuman(v: ChainHq): string {
  const lines = [
    `catalog:  ${v.catalogVersion === null ? 'nothing published yet' : `version ${v.catalogVersion} (${v.publishedAt})`}`,
  ]
  if (v.error) lines.push(`error:    ${v.error.message} (${v.error.code})`)
  if (v.videos.length)
    lines.push(
      table(
        ['chain id', 'video', 'title', 'stores', 'size'],
        v.videos.map((x) => [x.chainId, x.videoId ?? '', x.title, x.stores.join(','), mb(x.bytes)]),
      ),
    )
  for (const b of v.bindings)
    lines.push(
      `binding ${b.id}: ${b.label} → ${b.videos.map((x) => x.title).join(', ')} at ${b.stores.join(',')} (${b.from ?? '…'} – ${b.to ?? '…'})`,
    )
  for (const g of v.groups) lines.push(`group @${g.name}: ${g.stores.join(', ')}`)
  return lines.join('\n')
}

/** `tapdrop chain …`: the chain of stores, through the running hub. */
export function registerChain(program: Command): void {
  const chain = program
    .command('chain')
    .description('the chain of stores: the object store headquarters publishes to and stores sync from')

  chain
    .command('status')
    .description(
      'role, object store and whether it answers now; a store: its sync, HQ: its catalog and stores; --json: {role, reachable, catalogVersion, lastSyncAt, syncing, videos, pending, sync, stores, …}',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      await ask(cmd, 'chain-status', {}, human)
    })

  chain
    .command('sync')
    .description('a store: check for a new catalog now; --wait: until it is applied or the attempt failed')
    .option('--wait', 'wait until this store has the newest catalog applied, or the attempt failed')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '600')
    .action(async (opts: { wait?: boolean; timeout: string }, cmd: Command) => {
      const { dataDir, json } = globalsOf(cmd)
      const timeout = timeoutOf(opts.timeout)
      const { invoke } = await connectToHub(dataDir)
      const before = await invoke('chain-sync-now', {})
      let s = before
      if (opts.wait) {
        const started = Date.parse(before.lastAttemptAt ?? '1970-01-01T00:00:00Z')
        const until = Date.now() + timeout
        for (;;) {
          await new Promise((r) => setTimeout(r, 300))
          s = await invoke('chain-sync-state', {})
          const attempted = s.lastAttemptAt !== null && Date.parse(s.lastAttemptAt) > started
          const settled = s.state === 'idle' || s.state === 'waiting' || s.state === 'off'
          if (attempted && settled) break
          if (Date.now() > until) throw new CliError(`the sync is still ${s.state} after ${opts.timeout} s`)
        }
      }
      emit(json ?? false, s, () => syncLines(s).join('\n'))
      // The state goes to stdout as asked; a failed attempt is also the one-line error every command gives.
      if (opts.wait && s.state === 'waiting' && s.error) {
        process.stderr.write(`tapdrop: the sync failed: ${s.error.message}\n`)
        process.exitCode = 1
      }
    })

  chain
    .command('publish <videoId>')
    .description(
      'HQ: publish a video to the stores (its renditions, poster and metadata, then a new catalog), and with --label bind it to the tags with that placement label; waits until done',
    )
    .option('--stores <list>', 'all, or store ids and @groups separated by commas', 'all')
    .option('--label <label>', 'also play it on the tags with this placement label (收银台) in those stores')
    .option('--from <date>', 'with --label: from this day (YYYY-MM-DD, the store’s calendar)')
    .option('--to <date>', 'with --label: until this day, included')
    .option('--no-wait', 'return once the publish job is queued')
    .option('--timeout <seconds>', 'give up waiting after this long (the job goes on)', '1800')
    .action(
      async (
        videoId: string,
        opts: { stores: string; label?: string; from?: string; to?: string; wait: boolean; timeout: string },
        cmd: Command,
      ) => {
        const id = positiveId(videoId, 'VIDEO_ID')
        const stores = storesOption(opts.stores)
        const label = opts.label === undefined ? undefined : parse(ChainLabelSchema, opts.label, '--label')
        const from = opts.from === undefined ? undefined : parse(ChainDateSchema, opts.from, '--from')
        const to = opts.to === undefined ? undefined : parse(ChainDateSchema, opts.to, '--to')
        if ((from || to) && label === undefined) throw new CliError('--from and --to go with --label', 2)
        await runJob(cmd, opts, (invoke) => invoke('chain-publish', { videoId: id, stores, label, from, to }))
      },
    )

  chain
    .command('unpublish <video>')
    .description(
      'HQ: take a video (this hub’s id, or a chain id v-…) out of the catalog: its bindings go at once, its files after the grace period',
    )
    .option('--no-wait', 'return once the job is queued')
    .option('--timeout <seconds>', 'give up waiting after this long (the job goes on)', '600')
    .action(async (video: string, opts: { wait: boolean; timeout: string }, cmd: Command) => {
      const ref = /^v-[0-9a-f]{20}$/.test(video) ? video : positiveId(video, 'VIDEO')
      await runJob(cmd, opts, (invoke) => invoke('chain-unpublish', { video: ref }))
    })

  chain
    .command('catalog')
    .description('HQ: the catalog in the bucket (videos, bindings, groups) and the publish jobs')
    .action(async (_opts: unknown, cmd: Command) => {
      await ask(cmd, 'chain-hq', {}, hqHuman)
    })

  chain
    .command('stores')
    .description(
      'HQ: every store that has reported, with when it was last seen and the catalog it has applied',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      await ask(cmd, 'chain-stores', {}, storesTable)
    })

  chain
    .command('records')
    .description(
      'HQ: what every store’s records add up to (taps, transfers, completed, funnel steps, the newest record, batches applied, objects set aside); --json: [{store, taps, transfers, completed, lastRecordAt, …}]',
    )
    .option('--store <id>', 'only this store')
    .option(
      '--since <time>',
      'count only records at or after this time (ISO 8601, e.g. 2026-12-01T00:00:00+08:00)',
    )
    .option('--refresh', 'look for new record objects in the bucket first, and wait for them to be applied')
    .action(async (opts: { store?: string; since?: string; refresh?: boolean }, cmd: Command) => {
      const input = parse(
        ChainRecordsInputSchema,
        {
          ...(opts.store ? { store: opts.store } : {}),
          ...(opts.since ? { since: isoFlag(opts.since, '--since') } : {}),
          ...(opts.refresh ? { refresh: true } : {}),
        },
        '--store/--since',
      )
      await ask(cmd, 'chain-records', input, recordsTable)
    })

  chain
    .command('bind')
    .description(
      'HQ: play published videos on the tags with a placement label, in some stores, between two days',
    )
    .requiredOption('--label <label>', 'the placement label (收银台)')
    .requiredOption('--video <ids>', 'this hub’s video ids or chain ids, separated by commas')
    .option('--stores <list>', 'all, or store ids and @groups separated by commas', 'all')
    .option('--from <date>', 'first day (YYYY-MM-DD)')
    .option('--to <date>', 'last day, included')
    .option('--strategy <s>', 'with several videos: rotate (default), random, least-delivered, fixed')
    .action(
      async (
        opts: { label: string; video: string; stores: string; from?: string; to?: string; strategy?: string },
        cmd: Command,
      ) => {
        const videos = opts.video
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
          .map((v) => (/^v-[0-9a-f]{20}$/.test(v) ? v : positiveId(v, '--video')))
        if (videos.length === 0) throw new CliError('--video: name at least one video', 2)
        const input = {
          label: parse(ChainLabelSchema, opts.label, '--label'),
          videos,
          stores: storesOption(opts.stores),
          from: opts.from === undefined ? null : parse(ChainDateSchema, opts.from, '--from'),
          to: opts.to === undefined ? null : parse(ChainDateSchema, opts.to, '--to'),
          ...(opts.strategy ? { strategy: parse(StrategySchema, opts.strategy, '--strategy') } : {}),
        }
        if (input.from && input.to && input.from > input.to)
          throw new CliError('--from must not be after --to', 2)
        await ask(cmd, 'chain-bind', input, hqHuman)
      },
    )

  chain
    .command('unbind <bindingId>')
    .description('HQ: remove a binding (the stores’ tags play their own videos again after their next sync)')
    .action(async (bindingId: string, _opts: unknown, cmd: Command) => {
      await ask(cmd, 'chain-unbind', { id: bindingId }, hqHuman)
    })

  chain
    .command('group <name>')
    .description('HQ: set which stores a group (@name) holds; --stores "" removes the group')
    .requiredOption('--stores <ids>', 'store ids separated by commas')
    .action(async (name: string, opts: { stores: string }, cmd: Command) => {
      const stores = opts.stores
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      await ask(cmd, 'chain-group-set', { name: name.replace(/^@/, ''), stores }, hqHuman)
    })
}

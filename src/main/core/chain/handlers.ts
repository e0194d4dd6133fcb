import type { ChainStatus } from '../../../shared/contract/chain'
import type { RecordsDashboard } from './records/dashboard'
import type { RecordsIngest } from './records/ingest'
import type { RecordsOutbox } from './records/outbox'
import type { HandlerMap } from '../handlers'
import type { ChainHq } from './hq/service'
import type { ChainService } from './service'
import type { ChainSync } from './sync/service'

type ChainMethods =
  | 'chain-status'
  | 'chain-sync-state'
  | 'chain-sync-now'
  | 'chain-hq'
  | 'chain-stores'
  | 'chain-publish'
  | 'chain-unpublish'
  | 'chain-job-get'
  | 'chain-bind'
  | 'chain-unbind'
  | 'chain-group-set'
  | 'chain-records'
  | 'chain-records-quarantine'
  | 'chain-records-breakdown'
  | 'chain-records-trend'
  | 'chain-records-funnel'

export interface ChainRecordsParts {
  outbox: RecordsOutbox
  ingest: RecordsIngest
  dashboard: RecordsDashboard
}

export function chainHandlers(
  chain: ChainService,
  sync: ChainSync,
  hq: ChainHq,
  records: ChainRecordsParts,
): HandlerMap<ChainMethods> {
  return {
    'chain-status': (_args, ctx) => chainStatus(chain, sync, hq, records, ctx),
    'chain-records': (args, ctx) => records.dashboard.stores(ctx, args),
    'chain-records-quarantine': (args, ctx) => records.dashboard.quarantine(ctx, args),
    'chain-records-breakdown': (args, ctx) => records.dashboard.breakdown(ctx, args),
    'chain-records-trend': (args, ctx) => records.dashboard.trend(ctx, args),
    'chain-records-funnel': (args, ctx) => records.dashboard.funnel(ctx, args),
    'chain-sync-state': (_args, ctx) => sync.view(ctx),
    'chain-sync-now': (_args, ctx) => sync.syncNow(ctx),
    'chain-hq': (_args, ctx) => hq.view(ctx),
    'chain-stores': (_args, ctx) => hq.stores(ctx),
    'chain-publish': (args, ctx) => hq.publish(ctx, args),
    'chain-unpublish': (args, ctx) => hq.unpublish(ctx, args.video),
    'chain-job-get': (args, ctx) => hq.job(ctx, args.id),
    'chain-bind': (args, ctx) => hq.bind(ctx, args),
    'chain-unbind': (args, ctx) => hq.unbind(ctx, args.id),
    'chain-group-set': (args, ctx) => hq.setGroup(ctx, args.name, args.stores),
  }
}

/**
 * The foundation's status (role, store, reachable) with what the later parts add: at a store its sync, at
 * headquarters the catalog and the stores' statuses (each one small request; a bucket that does not answer gives
 * an empty list, its reason is in `error`).
 */
async function chainStatus(
  chain: ChainService,
  sync: ChainSync,
  hq: ChainHq,
  records: ChainRecordsParts,
  ctx: Parameters<ChainService['status']>[0],
): Promise<ChainStatus> {
  const base = await chain.status(ctx)
  const configured = chain.setup().connection !== null
  if (base.role === 'hq') {
    // The bucket away: the catalog and stores as last read, and the jobs waiting for it (they said "nothing
    // published yet", "no store has reported" and 0 jobs while a publish waited).
    const fields = configured ? await hq.statusFields() : { catalogVersion: null, videos: 0, pending: 0 }
    const stores = configured ? await hq.stores(ctx).catch(() => []) : []
    return {
      ...base,
      ...fields,
      lastSyncAt: null,
      syncing: false,
      sync: null,
      stores,
      unshipped: null,
      lastShippedAt: null,
      recordsError: null,
    }
  }
  const s = sync.statusFields()
  const out = records.outbox.active() ? records.outbox.view() : null
  return {
    ...base,
    ...s,
    sync: base.configured ? s.sync : null,
    stores: null,
    unshipped: out?.unshipped ?? null,
    lastShippedAt: out?.lastShippedAt ?? null,
    recordsError: out?.error ?? null,
  }
}

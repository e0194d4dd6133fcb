import type { ChainRecordsStore, ChainStatus } from '../../../shared/contract/chain'
import { requireRole, type CallContext } from '../auth/actor'
import { HubError } from '../errors'
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
  | 'chain-records-breakdown'

export interface ChainRecordsParts {
  outbox: RecordsOutbox
  ingest: RecordsIngest
}

export function chainHandlers(
  chain: ChainService,
  sync: ChainSync,
  hq: ChainHq,
  records: ChainRecordsParts,
): HandlerMap<ChainMethods> {
  return {
    'chain-status': (_args, ctx) => chainStatus(chain, sync, hq, records, ctx),
    'chain-records': (args, ctx) => chainRecords(chain, records, ctx, args),
    'chain-records-breakdown': (args, ctx) => {
      requireRole(ctx, 'viewer')
      if (chain.setup().role !== 'hq')
        throw new HubError(
          'chain-wrong-role',
          'the chain’s records are at headquarters (chainRole hq); this hub is a store',
        )
      return records.ingest.breakdown(args.since ? Date.parse(args.since) : null)
    },
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
    const fields =
      configured && base.reachable ? await hq.statusFields() : { catalogVersion: null, videos: 0, pending: 0 }
    const stores = configured && base.reachable ? await hq.stores(ctx).catch(() => []) : []
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

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** HQ: what each store's records add up to (from HQ's own database; `refresh` looks in the bucket first). */
async function chainRecords(
  chain: ChainService,
  records: ChainRecordsParts,
  ctx: CallContext,
  args: { store?: string; since?: string; refresh?: boolean },
): Promise<ChainRecordsStore[]> {
  requireRole(ctx, 'viewer')
  if (chain.setup().role !== 'hq')
    throw new HubError(
      'chain-wrong-role',
      'the chain’s records are at headquarters (chainRole hq); this hub is a store',
    )
  if (args.refresh && records.ingest.active()) await records.ingest.ingestNow()
  const since = args.since ? Date.parse(args.since) : null
  return records.ingest
    .stores(since)
    .filter((r) => !args.store || r.storeId === args.store)
    .map((r) => ({
      store: r.storeId,
      taps: r.taps,
      transfers: r.transfers,
      completed: r.completed,
      funnel: r.funnel,
      lastRecordAt: iso(r.lastRecordAt),
      lastBatchAt: iso(r.lastBatchAt),
      lastAppliedAt: iso(r.lastAppliedAt),
      batches: r.batches,
      lastSeq: r.lastSeq,
      quarantined: r.quarantined,
    }))
}

import type { ChainRecordsScope } from '../../../shared/contract/chain'
import { useApiMutation, useApiQuery } from './queries'

/** Role, where the object store is and whether it answers (the hub checks on each call: one small request). */
export const useChainStatus = () => useApiQuery('chain-status', {}, { staleTime: 30_000 })

/** A store's sync (no request to the object store: memory and SQLite); `chain-changed` events keep it current. */
export const useChainSyncState = () => useApiQuery('chain-sync-state', {}, { refetchInterval: 30_000 })

export const useChainSyncNow = () => useApiMutation('chain-sync-now', { invalidates: ['chain-sync-state'] })

/** Headquarters: the catalog in the bucket and the publish jobs. */
export const useChainHq = () => useApiQuery('chain-hq', {}, { refetchInterval: 60_000 })

/** Headquarters: the stores' status objects (a listing and a conditional GET per store, so not too often). */
export const useChainStores = () => useApiQuery('chain-stores', {}, { refetchInterval: 60_000 })

export const useChainUnpublish = () => useApiMutation('chain-unpublish', { invalidates: ['chain-hq'] })

/**
 * HQ: every store's records received (issue 21) for the dashboard's period and scope; `chain-changed` after each
 * batch applied keeps them current. The previous answer stays in view while another period or store loads.
 */
const live = { refetchInterval: 60_000, placeholderData: <T>(previous: T | undefined) => previous }
export const useChainRecordsBreakdown = (scope: Pick<ChainRecordsScope, 'since'>) =>
  useApiQuery('chain-records-breakdown', scope, live)
export const useChainRecords = (scope: Pick<ChainRecordsScope, 'since'>) =>
  useApiQuery('chain-records', scope, live)
export const useChainRecordsTrend = (scope: ChainRecordsScope) =>
  useApiQuery('chain-records-trend', scope, live)
/** HQ: the record objects set aside, newest first (only asked for while some store has any). */
export const useChainQuarantine = (enabled: boolean) =>
  useApiQuery('chain-records-quarantine', {}, { ...live, enabled })
export const useChainRecordsFunnel = (scope: ChainRecordsScope) =>
  useApiQuery('chain-records-funnel', scope, live)

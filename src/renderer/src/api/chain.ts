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

/** HQ: every store's records received (issue 21); `chain-changed` after each batch applied keeps it current. */
export const useChainRecordsBreakdown = () =>
  useApiQuery('chain-records-breakdown', {}, { refetchInterval: 60_000 })
export const useChainRecords = () => useApiQuery('chain-records', {}, { refetchInterval: 60_000 })

import { useApiQuery } from './queries'

/** Role, where the object store is and whether it answers (the hub checks on each call: one small request). */
export const useChainStatus = () => useApiQuery('chain-status', {}, { staleTime: 30_000 })

import { useApiMutation, useApiQuery } from './queries'

/** Readers and the tags on them; live through `nfc` events. */
export const useNfcStatus = () => useApiQuery('nfc-status', {})

/** The programming batch (running or last finished); live through `nfc-batch` events. */
export const useNfcBatch = () => useApiQuery('nfc-batch-get', {})

export const useStartBatch = () => useApiMutation('nfc-batch-start', { invalidates: ['nfc-batch-get'] })
export const useStopBatch = () => useApiMutation('nfc-batch-stop', { invalidates: ['nfc-batch-get'] })
export const useResolveBatchItem = () =>
  useApiMutation('nfc-batch-resolve', { invalidates: ['nfc-batch-get'] })

import { queryKey, useApiMutation, useApiQuery } from './queries'

export const useHubInfo = () => useApiQuery('hub-info', {})

export const useSettings = () => useApiQuery('settings-get', {})

/** The hub answers with the settings as they now stand (sources included): shown as they are. */
export const useUpdateSettings = () =>
  useApiMutation('settings-update', {
    update: (client, view) => client.setQueryData(queryKey('settings-get', {}), view),
    invalidates: ['chain-status'],
  })

import { useQueryClient } from '@tanstack/react-query'
import type { MethodName } from '../../../shared/contract'
import type { HubEventType } from '../../../shared/events'
import { useHubEvents } from './events'

// Which cached reads each hub event makes stale. `hello` (a new or re-established connection) refreshes all.
const STALE: Partial<Record<HubEventType, MethodName[]>> = {
  'users-changed': ['user-list', 'audit-list', 'hub-info'],
  'settings-changed': ['settings-get', 'hub-info', 'audit-list'],
}

/** Keeps every open page current from the hub's event socket, in one place. */
export function LiveUpdates() {
  const client = useQueryClient()
  useHubEvents((event) => {
    if (event.type === 'hello') {
      void client.invalidateQueries()
      return
    }
    for (const name of STALE[event.type] ?? []) void client.invalidateQueries({ queryKey: [name] })
  })
  return null
}

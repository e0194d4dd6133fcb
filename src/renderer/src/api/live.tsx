import { useQueryClient } from '@tanstack/react-query'
import type { MethodName } from '../../../shared/contract'
import type { HubEventType } from '../../../shared/events'
import { useHubEvents } from './events'
import { setProgress } from './progress'

// Which cached reads each hub event makes stale. `hello` (a new or re-established connection) refreshes all.
const STALE: Partial<Record<HubEventType, MethodName[]>> = {
  'users-changed': ['user-list', 'audit-list', 'hub-info'],
  'settings-changed': ['settings-get', 'hub-info', 'audit-list'],
  'videos-changed': ['video-list', 'video-get', 'video-limits', 'hub-info'],
}

/** Keeps every open page current from the hub's event socket, in one place. */
export function LiveUpdates() {
  const client = useQueryClient()
  useHubEvents((event) => {
    if (event.type === 'hello') {
      void client.invalidateQueries()
      return
    }
    if (event.type === 'video-progress') {
      setProgress(event.videoId, { percent: event.percent, speed: event.speed, etaSeconds: event.etaSeconds })
      return
    }
    if (event.type === 'videos-changed') setProgress(event.videoId, null)
    for (const name of STALE[event.type] ?? []) void client.invalidateQueries({ queryKey: [name] })
  })
  return null
}

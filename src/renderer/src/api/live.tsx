import { useQueryClient } from '@tanstack/react-query'
import type { MethodName } from '../../../shared/contract'
import type { HubEventType } from '../../../shared/events'
import { useHubEvents } from './events'
import { setProgress } from './progress'
import type { Transfer } from '../../../shared/contract/transfers'
import { TRANSFER_LIST_ARGS } from '../pages/TransfersPage'

let tagRefresh = 0

// Which cached reads each hub event makes stale. `hello` (a new or re-established connection) refreshes all.
const STALE: Partial<Record<HubEventType, MethodName[]>> = {
  'users-changed': ['user-list', 'audit-list', 'hub-info'],
  'settings-changed': ['settings-get', 'hub-info', 'audit-list'],
  'videos-changed': ['video-list', 'video-get', 'video-limits', 'hub-info', 'tag-list'],
  'tags-changed': ['tag-list', 'tag-get'],
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
    if (event.type === 'transfer') {
      // Progress arrives several times a second: patch the cached list instead of asking the hub again.
      client.setQueryData<Transfer[]>(['transfer-list', TRANSFER_LIST_ARGS], (old) => {
        if (!old) return old
        const i = old.findIndex((x) => x.id === event.transfer.id)
        if (i < 0) return [event.transfer, ...old].slice(0, TRANSFER_LIST_ARGS.limit)
        const next = old.slice()
        next[i] = event.transfer
        return next
      })
      return
    }
    if (event.type === 'nfc') {
      client.setQueryData(['nfc-status', {}], event.status)
      return
    }
    if (event.type === 'nfc-batch') {
      client.setQueryData(['nfc-batch-get', {}], event.batch)
      return
    }
    if (event.type === 'queue') {
      client.setQueryData(['delivery-status', {}], event.status)
      return
    }
    if (event.type === 'tap') {
      // Taps can come many a second in a busy store: refresh tag counters at most every few seconds.
      if (!tagRefresh)
        tagRefresh = window.setTimeout(
          () => ((tagRefresh = 0), void client.invalidateQueries({ queryKey: ['tag-list'] })),
          3000,
        )
      return
    }
    if (event.type === 'videos-changed') setProgress(event.videoId, null)
    for (const name of STALE[event.type] ?? []) void client.invalidateQueries({ queryKey: [name] })
  })
  return null
}

import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import { App } from 'antd'
import type { MethodName, MethodResult } from '../../../shared/contract'
import type { HubEventType } from '../../../shared/events'
import { useHubEvents } from './events'
import { setProgress } from './progress'
import { resetLive, updateLive } from './live-transfers'
import { NOTIFICATION_ARGS } from './monitoring'
import { useNotificationText } from '../components/NotificationBell'
import { sessionEnded } from '../auth/session-ended'

// Which cached reads each hub event makes stale. `hello` (a new or re-established connection) refreshes all.
const STALE: Partial<Record<HubEventType, MethodName[]>> = {
  'users-changed': ['user-list', 'audit-list', 'hub-info'],
  'settings-changed': [
    'settings-get',
    'publish-settings-get',
    'store-actions-get',
    'hub-info',
    'audit-list',
    'tag-page-preview',
  ],
  'videos-changed': [
    'video-list',
    'video-get',
    'video-limits',
    'hub-info',
    'tag-list',
    'dashboard-summary',
    'caption-list',
    'tag-page-preview',
  ],
  'tags-changed': ['tag-list', 'tag-get', 'caption-list'],
  // The tag form's preview shows the caption the next tap would draw.
  'captions-changed': ['caption-list', 'tag-list', 'tag-page-preview'],
  'brand-changed': ['brand-get', 'brand-list', 'hub-info', 'tag-page-preview'],
  'chain-changed': [
    'chain-sync-state',
    'chain-hq',
    'chain-stores',
    'chain-records',
    'chain-records-breakdown',
    'chain-records-trend',
    'chain-records-funnel',
    'chain-records-quarantine',
  ],
}

const pending = new Map<string, number>()

/** Refreshes a read at most once per `ms`: taps and transfers can come many a second in a busy store. */
function soon(client: QueryClient, name: MethodName, ms: number): void {
  if (pending.has(name)) return
  pending.set(
    name,
    window.setTimeout(() => {
      pending.delete(name)
      void client.invalidateQueries({ queryKey: [name] })
    }, ms),
  )
}

/** Keeps every open page current from the hub's event socket, in one place. */
export function LiveUpdates() {
  const client = useQueryClient()
  const { notification } = App.useApp()
  const text = useNotificationText()
  // Logged out elsewhere, expired, disabled, or given another role: who this is decides what the console shows
  // (the login page, other menus).
  const ended = (why: 'session-ended' | 'role-changed') => {
    if (why === 'session-ended') sessionEnded()
    void client.invalidateQueries({ queryKey: ['auth-status'] })
  }
  useHubEvents((event) => {
    if (event.type === 'hello') {
      // A new or re-established connection: the snapshot replaces what was shown, every read is fetched again.
      resetLive(event.live)
      if (event.queue) client.setQueryData(['delivery-status', {}], event.queue)
      void client.invalidateQueries()
      return
    }
    if (event.type === 'video-progress') {
      setProgress(event.videoId, { percent: event.percent, speed: event.speed, etaSeconds: event.etaSeconds })
      return
    }
    if (event.type === 'transfer') {
      updateLive(event.transfer)
      // Rows on the open history page change in place; new and finished transfers refresh counts and pages.
      client.setQueriesData<MethodResult<'transfer-history'>>({ queryKey: ['transfer-history'] }, (old) => {
        if (!old) return old
        const i = old.rows.findIndex((x) => x.id === event.transfer.id)
        if (i < 0) return old
        const rows = old.rows.slice()
        rows[i] = event.transfer
        return { ...old, rows }
      })
      if (event.phase !== 'progress') {
        soon(client, 'dashboard-summary', 500)
        if (event.phase === 'created') soon(client, 'transfer-history', 500)
      }
      return
    }
    if (event.type === 'nfc') {
      client.setQueryData(['nfc-status', {}], event.status)
      soon(client, 'dashboard-summary', 1000)
      return
    }
    if (event.type === 'nfc-batch') {
      client.setQueryData(['nfc-batch-get', {}], event.batch)
      return
    }
    if (event.type === 'queue') {
      client.setQueryData(['delivery-status', {}], event.status)
      soon(client, 'dashboard-summary', 1000)
      return
    }
    if (event.type === 'tap') {
      soon(client, 'dashboard-summary', 500)
      soon(client, 'tag-list', 3000)
      // A tap that got a video is the funnel's first step.
      soon(client, 'funnel-counts', 1000)
      soon(client, 'funnel-breakdown', 3000)
      return
    }
    if (event.type === 'funnel-changed') {
      // Written once a second at most, for many phones at once: a throttled reload is as current as it gets.
      soon(client, 'funnel-counts', 1000)
      soon(client, 'funnel-breakdown', 3000)
      soon(client, 'funnel-transfer', 1000)
      return
    }
    if (event.type === 'coupons-changed') {
      // A busy promotion gives codes to many phones a second: one reload of the counts per second at most.
      soon(client, 'coupon-summary', 1000)
      return
    }
    if (event.type === 'notification') {
      const list = client.getQueryData<MethodResult<'notification-list'>>([
        'notification-list',
        NOTIFICATION_ARGS,
      ])
      void client.invalidateQueries({ queryKey: ['notification-list'] })
      if (list?.muted.includes(event.notification.kind)) return
      const x = text(event.notification)
      notification.warning({ title: x.title, description: x.body, placement: 'bottomRight' })
      // System notifications carry the brand, since they show outside the window.
      const brand = client.getQueryData<MethodResult<'brand-get'>>(['brand-get', {}])
      void window.tapdrop?.notify(brand ? `${brand.shortName} · ${x.title}` : x.title, x.body)
      return
    }
    if (event.type === 'videos-changed') setProgress(event.videoId, null)
    for (const name of STALE[event.type] ?? []) void client.invalidateQueries({ queryKey: [name] })
  }, ended)
  return null
}

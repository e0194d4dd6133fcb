import type { HistoryQuery } from '../../../shared/contract/monitoring'
import { useApiMutation, useApiQuery } from './queries'

/** The dashboard tiles only move with events the page hears; the twice-a-minute read catches the rest. */
export const useDashboard = (days: number, idleDays: number) =>
  useApiQuery('dashboard-summary', { days, idleDays }, { refetchInterval: 30_000 })

/** One page of the transfer history; the previous page stays shown while the next loads. */
export const useTransferHistory = (query: HistoryQuery) =>
  useApiQuery('transfer-history', query, { placeholderData: (previous) => previous })

/** One transfer with its timeline, or nothing while `id` is null. */
export const useTransfer = (id: number | null) =>
  useApiQuery('transfer-get', { id: id ?? 1 }, { enabled: id !== null })

export const useDeliveryStatus = () => useApiQuery('delivery-status', {})

/** The arguments of the notification list: the live updates read the same cache entry. */
export const NOTIFICATION_ARGS = { limit: 50 }
export const useNotifications = () => useApiQuery('notification-list', NOTIFICATION_ARGS)
export const useMarkNotificationsSeen = () =>
  useApiMutation('notification-seen', { invalidates: ['notification-list'] })
export const useMuteNotifications = () =>
  useApiMutation('notification-mute', { invalidates: ['notification-list'] })

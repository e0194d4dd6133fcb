import type { HandlerMap } from '../handlers'
import type { DashboardService } from './dashboard'
import type { HistoryService } from './history'
import type { NotificationService } from './notifications'

export function monitoringHandlers(
  dashboard: DashboardService,
  history: HistoryService,
  notifications: NotificationService,
): HandlerMap<
  | 'dashboard-summary'
  | 'transfer-history'
  | 'transfer-get'
  | 'notification-list'
  | 'notification-seen'
  | 'notification-mute'
> {
  return {
    'dashboard-summary': (args, ctx) => dashboard.summary(ctx, args),
    'transfer-history': (args, ctx) => history.page(ctx, args),
    'transfer-get': (args, ctx) => history.get(ctx, args.id),
    'notification-list': (args, ctx) => notifications.list(ctx, args.limit),
    'notification-seen': (args, ctx) => notifications.seen(ctx, args.upTo),
    'notification-mute': (args, ctx) => notifications.mute(ctx, args.muted),
  }
}

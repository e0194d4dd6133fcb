import type { HandlerMap } from '../handlers'
import type { DeliveryService } from './service'

export function transfersHandlers(
  delivery: DeliveryService,
): HandlerMap<'transfer-list' | 'delivery-status'> {
  return {
    'transfer-list': (args, ctx) => delivery.list(ctx, args),
    'delivery-status': (_args, ctx) => delivery.status(ctx),
  }
}

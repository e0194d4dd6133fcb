import type { HandlerMap } from '../handlers'
import type { StoreActionsService } from './service'

export function storeActionsHandlers(
  store: StoreActionsService,
): HandlerMap<
  | 'store-actions-get'
  | 'store-actions-update'
  | 'store-wechat-qr-set'
  | 'coupon-import'
  | 'coupon-summary'
  | 'coupon-clear'
> {
  return {
    'store-actions-get': (_args, ctx) => store.view(ctx),
    'store-actions-update': (args, ctx) => store.update(ctx, args),
    'store-wechat-qr-set': (args, ctx) => store.setWechatQr(ctx, args.image),
    'coupon-import': (args, ctx) => store.importCoupons(ctx, args),
    'coupon-summary': (args, ctx) => store.couponSummary(ctx, args.tagId),
    'coupon-clear': (args, ctx) => store.clearCoupons(ctx, args.tagId),
  }
}

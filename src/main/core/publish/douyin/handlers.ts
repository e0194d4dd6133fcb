import { requireRole } from '../../auth/actor'
import type { HandlerMap } from '../../handlers'
import type { DouyinPublisher } from './publisher'

export function douyinHandlers(douyin: DouyinPublisher): HandlerMap<'douyin-check'> {
  return {
    // The credentials are admins' business, like every other setting.
    'douyin-check': (_args, ctx) => {
      requireRole(ctx, 'admin')
      return douyin.check()
    },
  }
}

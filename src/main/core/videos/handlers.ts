import type { HandlerMap } from '../handlers'
import type { VideoService } from './service'

export function videosHandlers(
  videos: VideoService,
): HandlerMap<
  | 'video-list'
  | 'video-get'
  | 'video-import'
  | 'video-update'
  | 'video-delete'
  | 'video-retry'
  | 'video-raise'
  | 'video-cancel'
  | 'video-limits'
> {
  return {
    'video-list': (_args, ctx) => videos.list(ctx),
    'video-get': (args, ctx) => videos.get(ctx, args.id),
    'video-import': (args, ctx) => videos.importPath(ctx, args),
    'video-update': (args, ctx) => videos.update(ctx, args),
    'video-delete': async (args, ctx) => {
      await videos.delete(ctx, args)
      return { ok: true as const }
    },
    'video-retry': (args, ctx) => videos.retry(ctx, args.id),
    'video-raise': (args, ctx) => videos.raise(ctx, args.id),
    'video-cancel': (args, ctx) => videos.cancel(ctx, args.id),
    'video-limits': (_args, ctx) => videos.limits(ctx),
  }
}

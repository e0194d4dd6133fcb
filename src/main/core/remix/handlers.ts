import type { HandlerMap } from '../handlers'
import type { RemixService } from './service'

export function remixHandlers(
  remix: RemixService,
): HandlerMap<
  | 'template-list'
  | 'template-get'
  | 'template-create'
  | 'template-delete'
  | 'template-preview'
  | 'music-import'
  | 'music-list'
  | 'pool-status'
  | 'variant-list'
> {
  return {
    'template-list': (_args, ctx) => remix.list(ctx),
    'template-get': (args, ctx) => remix.get(ctx, args.id),
    'template-create': (args, ctx) => remix.create(ctx, args),
    'template-delete': (args, ctx) => {
      remix.delete(ctx, args.id)
      return { ok: true as const }
    },
    'template-preview': (args, ctx) => remix.preview(ctx, args),
    'music-import': (args, ctx) => remix.importMusic(ctx, args),
    'music-list': (_args, ctx) => remix.musicList(ctx),
    'pool-status': (args, ctx) => remix.poolStatus(ctx, args),
    'variant-list': (args, ctx) => remix.variants(ctx, args),
  }
}

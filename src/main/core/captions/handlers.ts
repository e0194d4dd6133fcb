import type { HandlerMap } from '../handlers'
import type { PublishSettingsService } from './publish-settings'
import type { CaptionsService } from './service'

export function captionsHandlers(
  captions: CaptionsService,
  publish: PublishSettingsService,
): HandlerMap<
  | 'caption-list'
  | 'caption-create'
  | 'caption-update'
  | 'caption-delete'
  | 'publish-settings-get'
  | 'publish-settings-update'
> {
  return {
    'caption-list': (args, ctx) => captions.list(ctx, args),
    'caption-create': (args, ctx) => captions.create(ctx, args),
    'caption-update': (args, ctx) => captions.update(ctx, args),
    'caption-delete': (args, ctx) => {
      captions.delete(ctx, args.id)
      return { ok: true as const }
    },
    'publish-settings-get': (_args, ctx) => publish.get(ctx),
    'publish-settings-update': (args, ctx) => publish.update(ctx, args),
  }
}

import type { HandlerMap } from '../handlers'
import type { TagsService } from './service'
import type { tagPagePreview } from './page-preview'

export function tagsHandlers(
  tags: TagsService,
): HandlerMap<'tag-list' | 'tag-get' | 'tag-create' | 'tag-update' | 'tag-delete'> {
  return {
    'tag-list': (_args, ctx) => tags.list(ctx),
    'tag-get': (args, ctx) => tags.get(ctx, args.id),
    'tag-create': (args, ctx) => tags.create(ctx, args),
    'tag-update': (args, ctx) => tags.update(ctx, args),
    'tag-delete': (args, ctx) => {
      tags.delete(ctx, args.id)
      return { ok: true as const }
    },
  }
}

/** The tag form's live preview of the phone page (core/tags/page-preview.ts, with the phone listener's renderer). */
export function tagPagePreviewHandlers(
  preview: ReturnType<typeof tagPagePreview>,
): HandlerMap<'tag-page-preview'> {
  return { 'tag-page-preview': (args, ctx) => preview(ctx, args) }
}

import { z } from 'zod'
import { method } from './define'
import { IdSchema, LanguageSchema } from './common'
import { CaptionStrategySchema, DEFAULT_CAPTION_STRATEGY, TagPlatformsSchema } from './publish'
import { TagStoreActionsSchema } from './store-actions'

/** What the tag form holds now (saved or not): the phone page a tap of it would give, as a phone shows it. */
export const TagPagePreviewSchema = z.strictObject({
  /** The tag being edited (its captions); null for a tag not created yet (its video's captions). */
  tagId: IdSchema.nullable().default(null),
  /** The video the page shows (the form's first); null while none is chosen. */
  videoId: IdSchema.nullable().default(null),
  /** The placement, for `{标签位置}`. */
  label: z.string().trim().max(40, 'at most 40 characters').default(''),
  platforms: TagPlatformsSchema,
  captionStrategy: CaptionStrategySchema.default(DEFAULT_CAPTION_STRATEGY),
  /** The store's blocks under the video, in the form's order. */
  storeActions: TagStoreActionsSchema.default([]),
  lang: LanguageSchema,
})
export type TagPagePreviewInput = z.output<typeof TagPagePreviewSchema>

export const tagPreviewContract = {
  /**
   * The tap page of a tag with the form's unsaved settings, rendered by the phone listener's own page code, with the
   * caption the next tap would get (no use counted). `captionId` is that caption (null: the tag and its video have
   * none). Staff and admins (who may edit tags).
   */
  'tag-page-preview': method({
    input: TagPagePreviewSchema,
    output: z.object({ html: z.string(), captionId: z.number().nullable() }),
    auth: 'user',
  }),
}

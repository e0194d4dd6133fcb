import { z } from 'zod'
import { method } from './define'
import { Empty, IdSchema, Ok } from './common'
import { CaptionStrategySchema, PlatformSchema, TagPlatformsSchema } from './publish'
import { StoreActionSchema, TagStoreActionsSchema } from './store-actions'
import { TEXT } from './texts'

/** A tag's tier: VIP tags get the VIP quota and go ahead in the download queue. */
export const TierSchema = z.enum(['normal', 'vip'])
export type Tier = z.infer<typeof TierSchema>
/** How a tag with several videos picks the one a phone gets. */
export const StrategySchema = z.enum(['fixed', 'rotate', 'random', 'least-delivered'])
export type Strategy = z.infer<typeof StrategySchema>

export const TagSchema = z.object({
  id: z.number(),
  code: z.string(),
  /** The URL a tag carries: base URL + /t/ + code. */
  url: z.string(),
  label: z.string(),
  tier: TierSchema,
  enabled: z.boolean(),
  strategy: StrategySchema,
  dailyCap: z.number().nullable(),
  videos: z.array(z.object({ id: z.number(), title: z.string(), status: z.string() })),
  baseUrl: z.string(),
  /** False when the tag was issued for an address this hub no longer has (phones would not reach it). */
  baseUrlReachable: z.boolean(),
  uid: z.string().nullable(),
  chip: z.string().nullable(),
  programmedAt: z.string().nullable(),
  createdAt: z.string(),
  tapsToday: z.number(),
  lastTapAt: z.string().nullable(),
  /** Publish buttons the phone page offers, in this order (empty: save only). */
  platforms: z.array(PlatformSchema),
  /** How a tap draws its caption from the tag's captions (else its video's). */
  captionStrategy: CaptionStrategySchema,
  /** Captions of the tag's own (its videos' are counted on each video). */
  captionCount: z.number(),
  /** Store actions its phone page shows beside the video, in this order (empty: none). */
  storeActions: z.array(StoreActionSchema),
  /** A remix tag: every tap gets an unused variant of this template (issue 19); null = its videos. */
  templateId: z.number().nullable(),
  /**
   * At a chain store: headquarters' campaign this tag plays today instead of its own videos (a binding naming its
   * placement label), or null.
   */
  chainCampaign: z.object({ videos: z.array(z.object({ id: z.number(), title: z.string() })) }).nullable(),
})
export type Tag = z.infer<typeof TagSchema>

const Label = z.string().trim().max(40, 'at most 40 characters')
const DailyCap = z.number().int().min(1, 'at least 1').max(1_000_000).nullable()
const VideoIds = z
  .array(IdSchema)
  .min(1, 'choose at least one video')
  .max(50, 'at most 50 videos')
  .refine((ids) => new Set(ids).size === ids.length, TEXT.videoTwice)

export const tagsContract = {
  'tag-list': method({ input: Empty, output: z.array(TagSchema), auth: 'user' }),
  'tag-get': method({ input: z.strictObject({ id: IdSchema }), output: TagSchema, auth: 'user' }),
  'tag-create': method({
    input: z.strictObject({
      /** Left out for a remix tag: its video is the template's base video (what a dry pool falls back to). */
      videoIds: VideoIds.optional(),
      templateId: IdSchema.nullable().optional(),
      strategy: StrategySchema.optional(),
      label: Label.default(''),
      tier: TierSchema.default('normal'),
      dailyCap: DailyCap.default(null),
      platforms: TagPlatformsSchema.optional(),
      captionStrategy: CaptionStrategySchema.optional(),
      storeActions: TagStoreActionsSchema.optional(),
    }),
    output: TagSchema,
    auth: 'user',
  }),
  'tag-update': method({
    input: z.strictObject({
      id: IdSchema,
      videoIds: VideoIds.optional(),
      templateId: IdSchema.nullable().optional(),
      strategy: StrategySchema.optional(),
      label: Label.optional(),
      tier: TierSchema.optional(),
      enabled: z.boolean().optional(),
      dailyCap: DailyCap.optional(),
      platforms: TagPlatformsSchema.optional(),
      captionStrategy: CaptionStrategySchema.optional(),
      storeActions: TagStoreActionsSchema.optional(),
    }),
    output: TagSchema,
    auth: 'user',
  }),
  'tag-delete': method({ input: z.strictObject({ id: IdSchema }), output: Ok, auth: 'user' }),
}

import { z } from 'zod'
import { method } from './define'
import { Empty, IdSchema, LanguageSchema, Ok } from './common'
import { PlatformLimitsMapSchema } from './publish'
import { captionProblems, describeProblem, normalizeCaption, type CaptionContent } from '../captions/rules'
import { TEXT } from './texts'

/** A caption as stored: plain text (anything that shows it escapes it), for a video, a tag, or a tag with a video. */
export const CaptionSchema = z.object({
  id: z.number(),
  /** With both: the tag's caption for when it delivers this video. */
  videoId: z.number().nullable(),
  tagId: z.number().nullable(),
  text: z.string(),
  hashtags: z.array(z.string()),
  mentions: z.array(z.string()),
  poi: z.string().nullable(),
  /** Taps that drew it (counted in memory, saved every few seconds). */
  uses: z.number(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Caption = z.infer<typeof CaptionSchema>

// Loose bounds on what is parsed at all; the caption's own limits are checked after normalising, with messages
// that say what to change (rules.ts). The body limit of the API (256 KB) bounds the text.
const Content = {
  text: z.string(),
  hashtags: z.array(z.string()).max(1000).default([]),
  mentions: z.array(z.string()).max(1000).default([]),
  poi: z.string().nullable().default(null),
}

/** Normalises a caption and refuses it, field by field, for anything captionProblems finds. */
function checked<T extends CaptionContent>(value: T, ctx: z.RefinementCtx): T {
  const c = { ...value, ...normalizeCaption(value) }
  for (const p of captionProblems(c))
    ctx.addIssue({ code: 'custom', path: [p.field], message: describeProblem(p), params: { problem: p } })
  return c
}

export const CaptionCreateSchema = z
  .strictObject({
    videoId: IdSchema.nullable().default(null),
    tagId: IdSchema.nullable().default(null),
    ...Content,
  })
  .refine((c) => c.videoId !== null || c.tagId !== null, {
    message: TEXT.captionFor,
    path: ['videoId'],
  })
  .transform(checked)

export const CaptionUpdateSchema = z.strictObject({ id: IdSchema, ...Content }).transform(checked)

/** What the caption editor's preview needs: the values of the variables and each platform's limits. */
export const PublishSettingsSchema = z.object({
  storeName: z.string().nullable(),
  /** `{日期}` is written in the hub's language. */
  language: LanguageSchema,
  limits: PlatformLimitsMapSchema,
  /** Captions name `{门店}` and the store has no name: they are not given to customers until it has one. */
  captionsWaitForName: z.boolean(),
})
export type PublishSettings = z.infer<typeof PublishSettingsSchema>

export const StoreNameSchema = z
  .string()
  .trim()
  .normalize('NFC')
  .max(40, 'at most 40 characters')
  // It fills {门店}: a variable or markup inside it would come out as written.
  .refine(
    (s) =>
      !/[{}]/.test(s) &&
      captionProblems({ text: s || '-', hashtags: [], mentions: [], poi: null }).length === 0,
    TEXT.storeName,
  )

export const captionsContract = {
  /** Captions of a video, of a tag, or all (newest last). */
  'caption-list': method({
    input: z.strictObject({ videoId: IdSchema.optional(), tagId: IdSchema.optional() }),
    output: z.array(CaptionSchema),
    auth: 'user',
  }),
  'caption-create': method({ input: CaptionCreateSchema, output: CaptionSchema, auth: 'user' }),
  'caption-update': method({ input: CaptionUpdateSchema, output: CaptionSchema, auth: 'user' }),
  'caption-delete': method({ input: z.strictObject({ id: IdSchema }), output: Ok, auth: 'user' }),
  'publish-settings-get': method({ input: Empty, output: PublishSettingsSchema, auth: 'user' }),
  /** Admin: the store's name for `{门店}` (null = none) and each platform's limits. */
  'publish-settings-update': method({
    input: z.strictObject({
      storeName: StoreNameSchema.nullable().optional(),
      limits: PlatformLimitsMapSchema.partial().optional(),
    }),
    output: PublishSettingsSchema,
    auth: 'user',
  }),
}

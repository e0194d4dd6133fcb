import { z } from 'zod'
import { method } from './define'
import { Empty, IdSchema, Ok } from './common'
import { HubTextSchema, TEXT } from './texts'

// 一碰一个新视频 (issue 19): remix templates, the music library, variant pools per tag. Declared once here.

/** What happens to the clips' own sound under the music. */
export const ClipAudioSchema = z.enum(['keep', 'duck', 'mute'])
export type ClipAudio = z.infer<typeof ClipAudioSchema>

/** A variant's life: queued or being rendered, ready for a tap, given to a phone, failed, its file removed. */
export const VariantStatusSchema = z.enum(['rendering', 'ready', 'used', 'failed', 'deleted'])
export type VariantStatus = z.infer<typeof VariantStatusSchema>

/** How a tap on a remix tag was served when its pool had no unused variant. */
export const RemixFallbackSchema = z.enum(['least-used', 'base-video'])
export type RemixFallback = z.infer<typeof RemixFallbackSchema>

/** Where a clip must sit in every variant (e.g. the store front first); null = anywhere, or left out. */
export const ClipPinSchema = z.enum(['first', 'last'])
export type ClipPin = z.infer<typeof ClipPinSchema>

/** The sizes a variant is rendered at (the phone ladder's rungs). */
export const RemixRenditionSchema = z.enum(['1080p', '720p', '480p'])
export type RemixRendition = z.infer<typeof RemixRenditionSchema>

export const TemplateClipSchema = z
  .strictObject({
    videoId: IdSchema,
    /** Where the usable part starts and ends in the video (ms); outMs null = to the end. */
    inMs: z.number().int().min(0).default(0),
    outMs: z.number().int().positive().nullable().default(null),
    pin: ClipPinSchema.nullable().default(null),
  })
  .refine((c) => c.outMs === null || c.outMs > c.inMs, TEXT.clipOrder)
export type TemplateClip = z.output<typeof TemplateClipSchema>

const Line = z.string().trim().min(1).max(40, TEXT.overlayLine)

/** How variants differ: every random choice is drawn from these ranges with the variant's seed. */
export const TemplateRulesSchema = z.strictObject({
  /** Clips in each variant (N of the template's M). */
  clips: z.number().int().min(1).max(20),
  /** Length of a variant before the end card, in seconds. */
  seconds: z.number().min(2).max(120),
  /** Each clip's start moves by up to this much inside its in/out points. */
  trimJitterMs: z.number().int().min(0).max(30_000).default(1500),
  speedMin: z.number().min(0.5).max(2).default(0.92),
  speedMax: z.number().min(0.5).max(2).default(1.1),
  /** Largest Ken Burns zoom (1.0 = none); the crop drifts inside the zoomed picture. */
  zoomMax: z.number().min(1).max(1.6).default(1.18),
  /** Chance that a clip is mirrored left–right. */
  mirrorChance: z.number().min(0).max(1).default(0.5),
  /** Largest brightness shift (eq's scale, -1…1); saturation and hue move in proportion. */
  colourShift: z.number().min(0).max(0.2).default(0.06),
  musicId: IdSchema.nullable().default(null),
  clipAudio: ClipAudioSchema.default('duck'),
  /** The template's own overlay lines; none = the tag's captions (their first line). */
  lines: z.array(Line).max(50).default([]),
  /** The brand's end card (logo, name) after the clips, in seconds; 0 = none (Douyin may down-rank logos). */
  endCardSeconds: z.number().min(0).max(5).default(1.5),
})
export type TemplateRules = z.output<typeof TemplateRulesSchema>

export const TemplateSchema = z.object({
  id: z.number(),
  name: z.string(),
  clips: z.array(
    z.object({
      videoId: z.number(),
      inMs: z.number(),
      outMs: z.number().nullable(),
      pin: ClipPinSchema.nullable(),
      title: z.string(),
    }),
  ),
  rules: TemplateRulesSchema,
  /** The first clip's video: what a tap gets when the pool is dry and no variant exists yet. */
  baseVideoId: z.number(),
  tagIds: z.array(z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Template = z.infer<typeof TemplateSchema>

/** One clip as a variant used it (recorded so a variant is explainable after its file is gone). */
export const VariantClipSchema = z.object({
  videoId: z.number(),
  startMs: z.number(),
  sourceMs: z.number(),
  speed: z.number(),
  mirror: z.boolean(),
  zoom: z.number(),
})

export const VariantSchema = z.object({
  id: z.number(),
  templateId: z.number(),
  tagId: z.number().nullable(),
  seed: z.number(),
  status: VariantStatusSchema,
  clips: z.array(VariantClipSchema),
  durationMs: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  uses: z.number(),
  error: z.string().nullable(),
  createdAt: z.string(),
  readyAt: z.string().nullable(),
  usedAt: z.string().nullable(),
})
export type Variant = z.infer<typeof VariantSchema>

export const PoolStatusSchema = z.object({
  tagId: z.number(),
  templateId: z.number(),
  ready: z.number(),
  rendering: z.number(),
  /** Given to phones and still on disk. */
  used: z.number(),
  usedToday: z.number(),
  failed: z.number(),
  /** Ready + rendering the pool aims at now (from the tag's recent tap rate, between min and max). */
  target: z.number(),
  /** Seconds of the variant being rendered now, 0–1, when one is. */
  progress: z.number().nullable(),
  diskBytes: z.number(),
  /** The pool ran dry and taps get the least-used variant or the base video. */
  dry: z.boolean(),
  /** Why the pool is not refilling now (the disk, its budget, the template, failures in a row), or null. */
  problem: HubTextSchema.nullable(),
})
export type PoolStatus = z.infer<typeof PoolStatusSchema>

export const MusicSchema = z.object({
  id: z.number(),
  title: z.string(),
  durationMs: z.number(),
  /** Integrated loudness of the upload before it was normalised (LUFS). */
  sourceLufs: z.number(),
  createdAt: z.string(),
})
export type Music = z.infer<typeof MusicSchema>

export const TemplateCreateSchema = z.strictObject({
  name: z.string().trim().max(40).default(''),
  clips: z.array(TemplateClipSchema).min(1, 'choose at least one clip').max(50),
  /** Anything left out takes its default (clips: up to 4 of the template's; seconds: 15). */
  rules: TemplateRulesSchema.partial().optional(),
})

export const remixContract = {
  'template-list': method({ input: Empty, output: z.array(TemplateSchema), auth: 'user' }),
  'template-get': method({ input: z.strictObject({ id: IdSchema }), output: TemplateSchema, auth: 'user' }),
  'template-create': method({ input: TemplateCreateSchema, output: TemplateSchema, auth: 'user' }),
  'template-delete': method({ input: z.strictObject({ id: IdSchema }), output: Ok, auth: 'user' }),
  /** Renders one variant now (not for a pool) and says where it is; the same seed renders the same variant. */
  'template-preview': method({
    input: z.strictObject({ id: IdSchema, seed: z.number().int().min(0).max(0xffffffff).optional() }),
    output: z.object({
      seed: z.number(),
      clips: z.array(VariantClipSchema),
      /** Relative to the data directory (the console plays it through the admin listener). */
      path: z.string(),
      durationMs: z.number(),
      sizeBytes: z.number(),
    }),
    auth: 'user',
  }),
  /** Import an audio file already on this PC (CLI and desktop app): probed, checked for sound, normalised once. */
  'music-import': method({
    input: z.strictObject({ path: z.string().min(1).max(4096), title: z.string().trim().max(80).optional() }),
    output: MusicSchema,
    auth: 'user',
  }),
  'music-list': method({ input: Empty, output: z.array(MusicSchema), auth: 'user' }),
  'pool-status': method({
    input: z.strictObject({ tagId: IdSchema.optional() }),
    output: z.array(PoolStatusSchema),
    auth: 'user',
  }),
  'variant-list': method({
    input: z.strictObject({ tagId: IdSchema, limit: z.number().int().min(1).max(1000).default(200) }),
    output: z.array(VariantSchema),
    auth: 'user',
  }),
}

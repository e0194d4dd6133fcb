import { z } from 'zod'
import { method } from './define'
import { Empty, IdSchema, Ok } from './common'
import { REFUSAL_REASONS } from '../video-refusals'

export const VideoStatusSchema = z.enum(['queued', 'processing', 'ready', 'failed'])
export type VideoStatus = z.infer<typeof VideoStatusSchema>

/** `local`: uploaded at this hub; `chain`: published by headquarters and synced here (read-only at a store). */
export const VideoOriginSchema = z.enum(['local', 'chain'])
export type VideoOrigin = z.infer<typeof VideoOriginSchema>

/** A job in the hub's queue (a video's transcode): waiting or due for a retry, running, or finished one way. */
export const JobStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled'])
export type JobStatus = z.infer<typeof JobStatusSchema>

export const RenditionSchema = z.object({
  label: z.string(),
  width: z.number(),
  height: z.number(),
  /** Relative to the data directory. */
  path: z.string(),
  sizeBytes: z.number(),
  bitRate: z.number().nullable(),
  /** Where the admin console can play or download it. */
  url: z.string(),
})
export type Rendition = z.infer<typeof RenditionSchema>

export const VideoJobSchema = z.object({
  id: z.number(),
  status: JobStatusSchema,
  attempts: z.number(),
  maxAttempts: z.number(),
  priority: z.number(),
  raised: z.boolean(),
  error: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  progress: z
    .object({ percent: z.number(), speed: z.number().nullable(), etaSeconds: z.number().nullable() })
    .nullable(),
})

export const VideoSchema = z.object({
  id: z.number(),
  title: z.string(),
  description: z.string(),
  originalName: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  durationMs: z.number(),
  width: z.number(),
  height: z.number(),
  rotation: z.number(),
  container: z.string(),
  videoCodec: z.string(),
  audioCodec: z.string().nullable(),
  frameRate: z.number().nullable(),
  bitRate: z.number().nullable(),
  status: VideoStatusSchema,
  error: z.string().nullable(),
  uploader: z.string(),
  uploaderId: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  posterUrl: z.string().nullable(),
  thumbUrl: z.string().nullable(),
  renditions: z.array(RenditionSchema),
  job: VideoJobSchema.nullable(),
  /** How many tags deliver this video (deleting it asks first). */
  tagsUsing: z.number(),
  origin: VideoOriginSchema,
  /** A chain video the catalog no longer holds: when it leaves this store (after the grace period). */
  chainLeavesAt: z.string().nullable(),
})
export type Video = z.infer<typeof VideoSchema>

export const RefusalReasonSchema = z.enum(REFUSAL_REASONS)

/** What one upload or import gave: a stored video (maybe one we already had), or a refusal. */
export const ImportResultSchema = z.object({
  originalName: z.string(),
  status: z.enum([...VideoStatusSchema.options, 'refused']),
  id: z.number().nullable(),
  duplicate: z.boolean(),
  error: z.string().nullable(),
  reason: RefusalReasonSchema.nullable(),
  video: VideoSchema.nullable(),
})
export type ImportResult = z.infer<typeof ImportResultSchema>

export const TitleSchema = z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters')
export const DescriptionSchema = z.string().trim().max(2000, 'at most 2000 characters')

export const videosContract = {
  'video-list': method({ input: Empty, output: z.array(VideoSchema), auth: 'user' }),
  'video-get': method({ input: z.strictObject({ id: IdSchema }), output: VideoSchema, auth: 'user' }),
  /** Import files already on this PC (CLI and desktop app only: the local credential). */
  'video-import': method({
    input: z.strictObject({ path: z.string().min(1).max(4096), title: TitleSchema.optional() }),
    output: ImportResultSchema,
    auth: 'user',
  }),
  'video-update': method({
    input: z.strictObject({
      id: IdSchema,
      title: TitleSchema.optional(),
      description: DescriptionSchema.optional(),
    }),
    output: VideoSchema,
    auth: 'user',
  }),
  'video-delete': method({
    input: z.strictObject({ id: IdSchema, force: z.boolean().default(false) }),
    output: Ok,
    auth: 'user',
  }),
  'video-retry': method({ input: z.strictObject({ id: IdSchema }), output: VideoSchema, auth: 'user' }),
  'video-raise': method({ input: z.strictObject({ id: IdSchema }), output: VideoSchema, auth: 'user' }),
  'video-cancel': method({ input: z.strictObject({ id: IdSchema }), output: VideoSchema, auth: 'user' }),
  'video-limits': method({
    input: Empty,
    output: z.object({
      maxBytes: z.number(),
      uploadsLeftToday: z.number().nullable(),
      canUpload: z.boolean(),
    }),
    auth: 'user',
  }),
}

import { z } from 'zod'
import { method } from './define'
import { Empty } from './common'
import { TierSchema } from './tags'
import { RemixFallbackSchema } from './remix'
import { TEXT } from './texts'

export const TransferStatusSchema = z.enum([
  'pending',
  'queued',
  'active',
  'completed',
  'aborted',
  'failed',
  'expired',
])
export type TransferStatus = z.infer<typeof TransferStatusSchema>

/** What came of a tap: a transfer (delivered, a repeat, or queued), or why none (quota, unknown tag …). */
export const TapOutcomeSchema = z.enum([
  'delivered',
  'repeat',
  'queued',
  'quota',
  'tag-cap',
  'unknown-tag',
  'disabled',
  'not-ready',
  'rate-limited',
])
export type TapOutcome = z.infer<typeof TapOutcomeSchema>

/** What changed in a transfer's life, as the console's live events say (a status, or progress). */
export const TransferPhaseSchema = z.enum([
  'created',
  'queued',
  'admitted',
  'started',
  'progress',
  'completed',
  'aborted',
  'failed',
  'expired',
])
export type TransferPhase = z.infer<typeof TransferPhaseSchema>

export const DeviceTypeSchema = z.enum(['phone', 'tablet', 'other'])
export type DeviceType = z.infer<typeof DeviceTypeSchema>

export const DeviceSchema = z.object({
  type: DeviceTypeSchema,
  os: z.string(),
  browser: z.string(),
})

export const TransferSchema = z.object({
  id: z.number(),
  tagCode: z.string(),
  tagLabel: z.string().nullable(),
  videoId: z.number().nullable(),
  videoTitle: z.string().nullable(),
  rendition: z.string(),
  tier: TierSchema,
  /** Distinct bytes of the file delivered so far (equals bytesTotal when completed). */
  bytesSent: z.number(),
  bytesTotal: z.number(),
  /** Every byte written to the network, repeats included (players re-read parts of a file). */
  wireBytes: z.number(),
  requests: z.number(),
  status: TransferStatusSchema,
  error: z.string().nullable(),
  deviceId: z.string(),
  device: DeviceSchema,
  ip: z.string().nullable(),
  queuePosition: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** A remix tag's transfer: the variant delivered and the seed it was rendered from (kept after its file goes). */
  variantId: z.number().nullable(),
  seed: z.number().nullable(),
  /** Set when the tag's pool was dry: a reused variant, or the template's base video. */
  remixFallback: RemixFallbackSchema.nullable(),
})
export type Transfer = z.infer<typeof TransferSchema>

export const DeliveryStatusSchema = z.object({
  maxStreams: z.number(),
  active: z.number(),
  /** Everyone in line; `waiting` lists the first 100 of them. */
  waitingTotal: z.number(),
  waiting: z.array(
    z.object({ transferId: z.number(), tier: TierSchema, bytesTotal: z.number(), position: z.number() }),
  ),
})
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>

export const transfersContract = {
  'transfer-list': method({
    input: z.strictObject({
      since: z.iso.datetime({ offset: true, error: TEXT.dateTimeUtc }).optional(),
      limit: z.number().int().min(1).max(5000).default(500),
    }),
    output: z.array(TransferSchema),
    auth: 'user',
  }),
  'delivery-status': method({ input: Empty, output: DeliveryStatusSchema, auth: 'user' }),
}

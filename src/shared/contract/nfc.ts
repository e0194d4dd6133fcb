import { z } from 'zod'
import { method } from './define'
import { Empty, IdSchema } from './common'
import { StrategySchema, TagSchema, TierSchema } from './tags'
import { TEXT } from './texts'

export const NfcServiceStateSchema = z.enum(['off', 'starting', 'ready', 'unavailable', 'module-missing'])
export type NfcServiceState = z.infer<typeof NfcServiceStateSchema>

export const NfcStatusSchema = z.object({
  /** off: disabled in Settings; unavailable: pcscd is not running; module-missing: nfc-pcsc could not load. */
  service: NfcServiceStateSchema,
  detail: z.string().nullable(),
  readers: z.array(
    z.object({
      name: z.string(),
      tag: z.object({ uid: z.string().nullable(), since: z.string() }).nullable(),
    }),
  ),
})
export type NfcStatus = z.infer<typeof NfcStatusSchema>

/** What a tag holds, judged against this hub: blank, one of our tags, this hub's address but no record, or foreign. */
export const TagContentKindSchema = z.enum(['empty', 'known', 'this-hub', 'foreign'])

export const TagReadingSchema = z.object({
  reader: z.string(),
  uid: z.string().nullable(),
  chip: z.string(),
  url: z.string().nullable(),
  /** Human description of non-URL content (e.g. "a text record"). */
  content: z.string(),
  kind: TagContentKindSchema,
  readOnly: z.boolean(),
  passwordProtected: z.boolean(),
  capacityBytes: z.number(),
  tag: TagSchema.nullable(),
})
export type TagReading = z.infer<typeof TagReadingSchema>

const Reader = z.string().trim().min(1).max(200).optional()
// Bounded below HTTP clients' 300 s header timeout: a wait for a tag is one request.
const Timeout = z.number().int().min(1).max(290).default(30)
/** A 32-bit NTAG password as 8 hex digits; never logged, never stored. */
const TagPassword = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{8}$/, '8 hex digits, e.g. 1A2B3C4D')
const Target = z.object({
  videoIds: z
    .array(IdSchema)
    .min(1, 'choose at least one video')
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, TEXT.videoTwice),
  strategy: StrategySchema.optional(),
  tier: TierSchema.default('normal'),
  dailyCap: z.number().int().min(1).max(1_000_000).nullable().default(null),
})

/** The typed confirmation a permanent lock needs: the hub refuses a lock without it. */
export const LOCK_CONFIRMATION = 'LOCK'
const Protection = {
  password: TagPassword.optional(),
  /** The password of tags that are protected already (to rewrite them). */
  currentPassword: TagPassword.optional(),
  lock: z.boolean().default(false),
  confirmLock: z.string().optional(),
}
function lockConfirmed(v: { lock: boolean; confirmLock?: string | undefined }): boolean {
  return !v.lock || v.confirmLock === LOCK_CONFIRMATION
}
const lockMessage = {
  message: TEXT.lockConfirm,
  path: ['confirmLock'],
}

export const NfcWriteInputSchema = z
  .strictObject({
    /** Program an existing tag record onto the tag, or create a new record with this target. */
    tagId: IdSchema.optional(),
    target: Target.optional(),
    label: z.string().trim().max(40).default(''),
    reader: Reader,
    timeoutSeconds: Timeout,
    /** Overwrite a tag that holds foreign content or another tag of this hub. */
    overwrite: z.boolean().default(false),
    ...Protection,
  })
  .refine((v) => (v.tagId === undefined) !== (v.target === undefined), {
    message: TEXT.tagOrTarget,
    path: ['target'],
  })
  .refine(lockConfirmed, lockMessage)

export const NfcWriteResultSchema = z.object({
  tag: TagSchema,
  uid: z.string().nullable(),
  chip: z.string(),
  url: z.string(),
  reader: z.string(),
  apdus: z.number(),
  ms: z.number(),
})
export type NfcWriteResult = z.infer<typeof NfcWriteResultSchema>

export const BatchItemStateSchema = z.enum([
  'working',
  'ok',
  'known',
  'rebound',
  'needs-confirmation',
  'failed',
])
export type BatchItemState = z.infer<typeof BatchItemStateSchema>

export const BatchItemSchema = z.object({
  id: z.number(),
  at: z.string(),
  reader: z.string(),
  uid: z.string().nullable(),
  chip: z.string().nullable(),
  state: BatchItemStateSchema,
  tag: TagSchema.nullable(),
  /** For needs-confirmation: what the tag holds now. */
  found: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  ms: z.number().nullable(),
})
export type BatchItem = z.infer<typeof BatchItemSchema>

export const BatchSchema = z.object({
  id: z.number(),
  active: z.boolean(),
  startedAt: z.string(),
  startedBy: z.string(),
  reader: z.string().nullable(),
  videoIds: z.array(z.number()),
  strategy: StrategySchema.nullable(),
  tier: TierSchema,
  labelPrefix: z.string(),
  password: z.boolean(),
  lock: z.boolean(),
  items: z.array(BatchItemSchema),
})
export type Batch = z.infer<typeof BatchSchema>

export const nfcContract = {
  'nfc-status': method({ input: Empty, output: NfcStatusSchema, auth: 'user' }),
  /** Waits for a tag (the one on the reader, or the next placed) and reports what it holds and which record it is. */
  'nfc-read': method({
    input: z.strictObject({ reader: Reader, timeoutSeconds: Timeout }),
    output: TagReadingSchema,
    auth: 'user',
  }),
  /** Programs the tag on the reader (or the next one placed), verifies it and records it. */
  'nfc-write': method({ input: NfcWriteInputSchema, output: NfcWriteResultSchema, auth: 'user' }),
  'nfc-batch-start': method({
    input: z
      .strictObject({
        ...Target.shape,
        labelPrefix: z.string().trim().max(30).default(''),
        reader: Reader,
        ...Protection,
      })
      .refine(lockConfirmed, lockMessage),
    output: BatchSchema,
    auth: 'user',
  }),
  'nfc-batch-get': method({ input: Empty, output: BatchSchema.nullable(), auth: 'user' }),
  'nfc-batch-stop': method({ input: Empty, output: BatchSchema.nullable(), auth: 'user' }),
  /** Settles a placed tag that needs a decision: overwrite foreign content, or rebind a known tag to the batch's videos. */
  'nfc-batch-resolve': method({
    input: z.strictObject({ itemId: IdSchema, action: z.enum(['overwrite', 'rebind']) }),
    output: BatchSchema,
    auth: 'user',
  }),
}

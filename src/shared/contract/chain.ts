import { z } from 'zod'
import { method } from './define'
import { Empty, IdSchema, isBaseUrl } from './common'
import { StrategySchema } from './tags'
import { JobStatusSchema } from './videos'
import { FunnelCountsSchema } from './funnel'
import { TEXT } from './texts'

/**
 * A chain of stores (issue 20): headquarters publishes to an S3-compatible object store, store hubs sync from it.
 * The configuration keys are flat, in the style of the others: the issue's `chain.role` is `chainRole` in
 * config.json and `TAPDROP_CHAIN_ROLE` in the environment, `chain.endpoint` is `chainEndpoint`, and so on
 * (README, "A chain of stores").
 */

/** `store`: today's hub, the default; `hq`: headquarters, which publishes for every store. */
export const ChainRoleSchema = z.enum(['store', 'hq'])
export type ChainRole = z.infer<typeof ChainRoleSchema>

/** The object store's base URL: scheme, host and port (a path-style or virtual-host bucket is added by the client). */
export const ChainEndpointSchema = z
  .string()
  .trim()
  .max(255, 'at most 255 characters')
  .refine(isBaseUrl, TEXT.chainEndpoint)
  .transform((value) => value.replace(/\/+$/, ''))

/** AWS-style region names and the names other stores use (oss-cn-hangzhou, ap-guangzhou, default). */
export const ChainRegionSchema = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/, TEXT.region)

/** S3's bucket naming rules (what every compatible store accepts): 3–63 lower-case letters, digits, dots, hyphens. */
export const ChainBucketSchema = z
  .string()
  .trim()
  .regex(/^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, TEXT.bucket)
  .refine((v) => !v.includes('..'), TEXT.bucketDots)

/** Key pairs are printable ASCII without spaces (an access key id, a secret). */
const credential = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} has at most ${max} characters`)
    .regex(/^[\x21-\x7e]+$/, TEXT.credentialPrintable)

export const ChainAccessKeySchema = credential('an access key', 128)
export const ChainSecretKeySchema = credential('a secret key', 256)

/** A store's id goes into object keys (`records/<store>/…`): short, lower-case, stable. */
export const ChainStoreIdSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, TEXT.storeId)

const ChainErrorSchema = z.object({ code: z.string(), message: z.string() })

/**
 * Which stores a catalog entry is for: `*` every store, a store's id (`sh-xujiahui-01`), or a group (`@east`, its
 * stores listed in the catalog's groups).
 */
export const ChainTargetSchema = z
  .string()
  .trim()
  .regex(/^(\*|@?[a-z0-9][a-z0-9-]{0,39})$/, TEXT.chainTarget)
export const ChainTargetsSchema = z.array(ChainTargetSchema).min(1, 'name at least one store').max(1000)
export const ChainGroupNameSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, TEXT.groupName)

/** A day in the store's own time zone, both ends of a binding included. */
export const ChainDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, TEXT.date)
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`)
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d
  }, TEXT.calendarDay)

/** A chain video's id in the catalog: `v-` and the start of its source's SHA-256 (the same file, the same id). */
export const ChainVideoIdSchema = z.string().regex(/^v-[0-9a-f]{20}$/, TEXT.chainVideoId)

/** A placement label a binding plays on: the label of the store's tags (收银台), as typed there. */
export const ChainLabelSchema = z
  .string()
  .trim()
  .normalize('NFC')
  .min(1, 'must not be empty')
  .max(40, 'at most 40 characters')

const Progress = z.object({
  files: z.number(),
  filesDone: z.number(),
  bytes: z.number(),
  bytesDone: z.number(),
})

/** What a store is doing about the catalog. */
export const ChainSyncStateSchema = z.enum(['off', 'idle', 'checking', 'downloading', 'applying', 'waiting'])
export type ChainSyncStateName = z.infer<typeof ChainSyncStateSchema>

export const ChainSyncBindingSchema = z.object({
  id: z.string(),
  label: z.string(),
  videos: z.array(z.object({ chainId: z.string(), videoId: z.number().nullable(), title: z.string() })),
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** Plays today (its dates include today, in this store's time zone). */
  active: z.boolean(),
  /** This store's tags it plays on. */
  tags: z.array(z.object({ id: z.number(), label: z.string() })),
})

/** A store's sync, as its console and `chain status` show it. */
export const ChainSyncSchema = z.object({
  state: ChainSyncStateSchema,
  /** The catalog applied here (the last good one), and the newest one seen in the bucket. */
  catalogVersion: z.number().nullable(),
  availableVersion: z.number().nullable(),
  appliedAt: z.string().nullable(),
  /** When this store last knew it had the newest catalog applied. */
  lastSyncAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  /** Why the last attempt failed (the last good catalog stays applied meanwhile). */
  error: ChainErrorSchema.extend({ at: z.string() }).nullable(),
  /** Attempts in a row that failed (the next waits longer, up to the poll interval). */
  failures: z.number(),
  /** The catalog being synced: files and bytes still to fetch, and what this run fetched and resumed. */
  progress: Progress.extend({ fetchedBytes: z.number(), resumedBytes: z.number() }).nullable(),
  /** The last sync that fetched files: how much came from the object store, how much from partial files. */
  lastRun: z
    .object({
      version: z.number(),
      files: z.number(),
      bytes: z.number(),
      fetchedBytes: z.number(),
      resumedBytes: z.number(),
      seconds: z.number(),
      at: z.string(),
    })
    .nullable(),
  /** Chain videos held here; files the newest catalog needs that are not here yet. */
  videos: z.number(),
  pending: z.number(),
  bindings: z.array(ChainSyncBindingSchema),
  /** Longer ago than chainStaleHours (a notification says so too). */
  stale: z.boolean(),
})
export type ChainSync = z.infer<typeof ChainSyncSchema>

/** A store as headquarters sees it, from the status object the store writes to the bucket. */
export const ChainStoreSchema = z.object({
  storeId: z.string(),
  storeName: z.string().nullable(),
  /** When the store last wrote its status (it does each poll that changed something, else every few minutes). */
  lastSeenAt: z.string().nullable(),
  appVersion: z.string().nullable(),
  state: z.string(),
  catalogVersion: z.number().nullable(),
  availableVersion: z.number().nullable(),
  lastSyncAt: z.string().nullable(),
  progress: Progress.nullable(),
  error: ChainErrorSchema.nullable(),
  disk: z.object({ freeBytes: z.number(), totalBytes: z.number() }).nullable(),
  videos: z.number(),
  /** The status object could not be read or parsed: why. */
  problem: z.string().nullable(),
})
export type ChainStore = z.infer<typeof ChainStoreSchema>

export const ChainPublishedSchema = z.object({
  chainId: z.string(),
  /** This hub's video it was published from (null: published from another headquarters console). */
  videoId: z.number().nullable(),
  title: z.string(),
  stores: z.array(z.string()),
  bytes: z.number(),
  publishedAt: z.string(),
})

export const ChainBindingSchema = z.object({
  id: z.string(),
  label: z.string(),
  videos: z.array(z.object({ chainId: z.string(), title: z.string() })),
  stores: z.array(z.string()),
  from: z.string().nullable(),
  to: z.string().nullable(),
  strategy: StrategySchema,
  createdAt: z.string(),
})
export type ChainBinding = z.infer<typeof ChainBindingSchema>

/** A publish or unpublish at headquarters: a persistent job (it survives a restart, retries while the store is away). */
export const ChainJobSchema = z.object({
  id: z.number(),
  kind: z.enum(['publish', 'unpublish']),
  videoId: z.number().nullable(),
  chainId: z.string().nullable(),
  title: z.string(),
  status: JobStatusSchema,
  /** 0–100 while running. */
  percent: z.number().nullable(),
  attempts: z.number(),
  error: z.string().nullable(),
  /** The catalog version it wrote (done). */
  catalogVersion: z.number().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type ChainJob = z.infer<typeof ChainJobSchema>

/** Headquarters' view: the catalog in the bucket now, and its publish jobs. */
export const ChainHqSchema = z.object({
  catalogVersion: z.number().nullable(),
  publishedAt: z.string().nullable(),
  videos: z.array(ChainPublishedSchema),
  bindings: z.array(ChainBindingSchema),
  groups: z.array(z.object({ name: z.string(), stores: z.array(z.string()) })),
  jobs: z.array(ChainJobSchema),
  /** The catalog could not be read: why (the view is empty then). */
  error: ChainErrorSchema.nullable(),
})
export type ChainHq = z.infer<typeof ChainHqSchema>

const ChainVideoRef = z.union([IdSchema, ChainVideoIdSchema])

export const ChainPublishInputSchema = z.strictObject({
  videoId: IdSchema,
  stores: ChainTargetsSchema.default(['*']),
  /** Also bind it to the tags with this placement label in those stores. */
  label: ChainLabelSchema.optional(),
  from: ChainDateSchema.optional(),
  to: ChainDateSchema.optional(),
})

export const ChainBindInputSchema = z
  .strictObject({
    label: ChainLabelSchema,
    /** This hub's video ids, or chain video ids of the catalog. */
    videos: z.array(ChainVideoRef).min(1, 'bind at least one video').max(50),
    stores: ChainTargetsSchema.default(['*']),
    from: ChainDateSchema.nullable().default(null),
    to: ChainDateSchema.nullable().default(null),
    strategy: StrategySchema.optional(),
  })
  .refine((b) => !b.from || !b.to || b.from <= b.to, { message: TEXT.fromAfterTo, path: ['to'] })

/**
 * `tapdrop chain status --json` and the console's chain card. Later parts of the chain add their fields (a store's
 * catalog version and last sync, HQ's stores); these stay.
 */
export const ChainBaseStatusSchema = z.object({
  role: ChainRoleSchema,
  /** Endpoint, bucket and keys all set: the hub uses the object store. */
  configured: z.boolean(),
  /** The settings still missing before the chain can be used (config keys), empty when configured. */
  missing: z.array(z.string()),
  endpoint: z.string().nullable(),
  region: z.string(),
  bucket: z.string().nullable(),
  pathStyle: z.boolean(),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
  /** The access key id, masked (`AKIA…MPLE`); the secret is never sent. */
  accessKey: z.string().nullable(),
  /** The bucket answered with these keys just now (null when not configured). */
  reachable: z.boolean().nullable(),
  /** Why it is not reachable: one of the chain-* error codes and its message. */
  error: ChainErrorSchema.nullable(),
  checkedAt: z.string().nullable(),
})
export type ChainBaseStatus = z.infer<typeof ChainBaseStatusSchema>

/** The foundation's fields (above, unchanged) and what the publishing and sync parts add. */
export const ChainStatusSchema = ChainBaseStatusSchema.extend({
  /** A store: the catalog applied here; HQ: the catalog in the bucket. Null before the first one. */
  catalogVersion: z.number().nullable(),
  /** A store: when it last knew it had the newest catalog (null at HQ). */
  lastSyncAt: z.string().nullable(),
  /** A store: checking, downloading or applying right now. */
  syncing: z.boolean(),
  /** A store: chain videos held; HQ: videos in the catalog. */
  videos: z.number(),
  /** A store: files still to fetch; HQ: publish and unpublish jobs not finished. */
  pending: z.number(),
  /** A store's sync in full (null at HQ and without chain settings). */
  sync: ChainSyncSchema.nullable(),
  /** HQ: every store that has written its status, with lastSeenAt and catalogVersion (null at a store). */
  stores: z.array(ChainStoreSchema).nullable(),
  /**
   * A store (issue 21): taps, transfers and funnel steps headquarters' object store has not confirmed yet (null at
   * HQ and without chain settings), and when the last batch of records was confirmed (null before the first).
   */
  unshipped: z.number().nullable(),
  lastShippedAt: z.string().nullable(),
  /** A store: why the last attempt to ship records failed (null when it did not). */
  recordsError: ChainErrorSchema.nullable(),
})
export type ChainStatus = z.infer<typeof ChainStatusSchema>

/** One store's records as headquarters holds them (`tapdrop chain records`). */
export const ChainRecordsStoreSchema = z.object({
  store: z.string(),
  taps: z.number(),
  transfers: z.number(),
  /** Transfers that delivered every byte. */
  completed: z.number(),
  /** Transfers that ended failed, and that expired (waited too long in line, or their link ran out unfinished). */
  failed: z.number(),
  expired: z.number(),
  funnel: z.number(),
  /** The newest record's time (a tap, a transfer's end, a funnel step). */
  lastRecordAt: z.string().nullable(),
  /** When the newest batch was made at the store, and when HQ applied one last. */
  lastBatchAt: z.string().nullable(),
  lastAppliedAt: z.string().nullable(),
  batches: z.number(),
  lastSeq: z.number(),
  /** Objects of this store that could not be read (set aside, with a notification). */
  quarantined: z.number(),
})
export type ChainRecordsStore = z.infer<typeof ChainRecordsStoreSchema>

/** A store's record object HQ could not read and set aside: which, why (the reader's words), and when. */
export const ChainQuarantinedSchema = z.object({
  store: z.string(),
  key: z.string(),
  reason: z.string(),
  at: z.string(),
})
export type ChainQuarantined = z.infer<typeof ChainQuarantinedSchema>

/** The most objects `chain-records-quarantine` lists (the newest). */
export const QUARANTINE_LIST_MAX = 200

export const ChainRecordsInputSchema = z.strictObject({
  store: ChainStoreIdSchema.optional(),
  /** Count only records at or after this time (ISO 8601). */
  since: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), TEXT.since)
    .optional(),
  /** Look for new record objects first (HQ), and wait for that. */
  refresh: z.boolean().optional(),
})

/**
 * The chain dashboard's period and scope: every store or one (`store`), the local days from `since`'s day on (the
 * console's 今天 / 7 / 30 天 send the local midnight that starts them). Read from HQ's daily roll-ups.
 */
export const ChainRecordsScopeSchema = ChainRecordsInputSchema.pick({ store: true, since: true })
export type ChainRecordsScope = z.infer<typeof ChainRecordsScopeSchema>

/** One local day across the stores in scope (the trend chart and its CSV). */
export const ChainRecordsDaySchema = z.object({
  day: z.string(),
  taps: z.number(),
  transfers: z.number(),
  completed: z.number(),
  failed: z.number(),
  expired: z.number(),
  /** Transfers where the customer chose a platform to post to (the funnel's last step). */
  published: z.number(),
})
export type ChainRecordsDay = z.infer<typeof ChainRecordsDaySchema>

/** Every day of the period, oldest first, days without records as zeros. */
export const ChainRecordsTrendSchema = z.object({
  from: z.string(),
  to: z.string(),
  days: z.array(ChainRecordsDaySchema),
})
export type ChainRecordsTrend = z.infer<typeof ChainRecordsTrendSchema>

/** `GET /chain-records.csv`: the per-store table (`stores`) or the daily trend (`days`) of a period and scope. */
export const ChainRecordsCsvQuerySchema = ChainRecordsScopeSchema.extend({
  what: z.enum(['stores', 'days']),
})
export type ChainRecordsCsvQuery = z.infer<typeof ChainRecordsCsvQuerySchema>

const Breakdown = z.object({ transfers: z.number(), completed: z.number(), stores: z.number() })
/** HQ: transfers across stores by placement label ('' = tags without one) and by campaign video (issue 21). */
export const ChainRecordsBreakdownSchema = z.object({
  placements: z.array(Breakdown.extend({ label: z.string() })),
  campaigns: z.array(Breakdown.extend({ campaign: z.string(), title: z.string().nullable() })),
})
export type ChainRecordsBreakdown = z.infer<typeof ChainRecordsBreakdownSchema>

export const chainContract = {
  /** HQ: taps, transfers, completed, failed, expired and publishes per day, across stores or of one. */
  'chain-records-trend': method({
    input: ChainRecordsScopeSchema,
    output: ChainRecordsTrendSchema,
    auth: 'user',
  }),
  /** HQ: the publish funnel summed over the stores in scope (each step counts transfers, by the day of the tap). */
  'chain-records-funnel': method({
    input: ChainRecordsScopeSchema,
    output: z.object({ from: z.string(), counts: FunnelCountsSchema }),
    auth: 'user',
  }),
  /** HQ: transfers by placement and by campaign across stores, whole days from `since`'s day on. */
  'chain-records-breakdown': method({
    input: ChainRecordsInputSchema.pick({ since: true }),
    output: ChainRecordsBreakdownSchema,
    auth: 'user',
  }),
  /** HQ: every store's records received (issue 21). */
  'chain-records': method({
    input: ChainRecordsInputSchema,
    output: z.array(ChainRecordsStoreSchema),
    auth: 'user',
  }),
  /** HQ: the record objects set aside (could not be read), newest first, at most QUARANTINE_LIST_MAX. */
  'chain-records-quarantine': method({
    input: ChainRecordsInputSchema.pick({ store: true }),
    output: z.array(ChainQuarantinedSchema),
    auth: 'user',
  }),
  'chain-status': method({ input: Empty, output: ChainStatusSchema, auth: 'user' }),
  /** A store's sync state, from memory and SQLite (no request to the object store). */
  'chain-sync-state': method({ input: Empty, output: ChainSyncSchema, auth: 'user' }),
  /** A store checks for a new catalog now instead of at the next poll. */
  'chain-sync-now': method({ input: Empty, output: ChainSyncSchema, auth: 'user' }),
  'chain-hq': method({ input: Empty, output: ChainHqSchema, auth: 'user' }),
  'chain-stores': method({ input: Empty, output: z.array(ChainStoreSchema), auth: 'user' }),
  'chain-publish': method({ input: ChainPublishInputSchema, output: ChainJobSchema, auth: 'user' }),
  'chain-unpublish': method({
    input: z.strictObject({ video: ChainVideoRef }),
    output: ChainJobSchema,
    auth: 'user',
  }),
  'chain-job-get': method({ input: z.strictObject({ id: IdSchema }), output: ChainJobSchema, auth: 'user' }),
  'chain-bind': method({ input: ChainBindInputSchema, output: ChainHqSchema, auth: 'user' }),
  'chain-unbind': method({
    input: z.strictObject({ id: z.string().min(1).max(40) }),
    output: ChainHqSchema,
    auth: 'user',
  }),
  'chain-group-set': method({
    input: z.strictObject({ name: ChainGroupNameSchema, stores: z.array(ChainStoreIdSchema).max(1000) }),
    output: ChainHqSchema,
    auth: 'user',
  }),
}

import { z } from 'zod'
import { method } from './define'
import { TransferSchema, TransferStatusSchema } from './transfers'
import { TEXT } from './texts'

const Id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)
const When = z.iso.datetime({
  offset: true,
  error: TEXT.dateTimeOffset,
})

export const DashboardSchema = z.object({
  at: z.string(),
  /** The window of the top lists, failures and taps-per-day chart, in days (today included). */
  days: z.number(),
  tiles: z.object({
    tapsToday: z.number(),
    /** Of today's taps, those of no tag of this hub now: an unknown code (a typed URL) or a tag deleted since. */
    unknownTapsToday: z.number(),
    transfersToday: z.number(),
    /** Transfers of today whose bytes are going out now (status active). */
    active: z.number(),
    completedToday: z.number(),
    failedToday: z.number(),
    abortedToday: z.number(),
    /** Bytes sent to phones today (every byte on the wire, repeats included). */
    bytesToday: z.number(),
    /** Phones waiting in line for a download slot. */
    queued: z.number(),
    maxStreams: z.number(),
    readersOnline: z.number(),
    nfcService: z.string(),
    diskFreeBytes: z.number().nullable(),
    diskTotalBytes: z.number().nullable(),
  }),
  tapsPerHour: z.object({ today: z.array(z.number()), yesterday: z.array(z.number()) }),
  tapsPerDay: z.array(z.object({ day: z.string(), taps: z.number() })),
  topVideos: z.array(
    z.object({
      videoId: z.number(),
      title: z.string().nullable(),
      transfers: z.number(),
      completed: z.number(),
      bytes: z.number(),
    }),
  ),
  topTags: z.array(
    z.object({
      tagId: z.number(),
      code: z.string().nullable(),
      label: z.string().nullable(),
      taps: z.number(),
      transfers: z.number(),
    }),
  ),
  /** Enabled tags with no tap for `idleDays` days (or never, when older than that). */
  idleTags: z.object({
    idleDays: z.number(),
    total: z.number(),
    rows: z.array(
      z.object({ id: z.number(), code: z.string(), label: z.string(), lastTapAt: z.string().nullable() }),
    ),
  }),
  failures: z.object({
    reasons: z.array(z.object({ reason: z.string(), count: z.number() })),
    recent: z.array(TransferSchema),
  }),
  jobs: z.object({
    queued: z.number(),
    running: z.number(),
    failedVideos: z.number(),
    current: z.array(z.object({ videoId: z.number(), title: z.string() })),
  }),
})
export type Dashboard = z.infer<typeof DashboardSchema>

export const HistorySortSchema = z.enum(['createdAt', 'bytesTotal'])
export type HistorySort = z.infer<typeof HistorySortSchema>
export const SortOrderSchema = z.enum(['asc', 'desc'])
export type SortOrder = z.infer<typeof SortOrderSchema>

export const HistoryQuerySchema = z.strictObject({
  from: When.optional(),
  to: When.optional(),
  tagId: Id.optional(),
  videoId: Id.optional(),
  status: z.array(TransferStatusSchema).max(7).optional(),
  sort: HistorySortSchema.default('createdAt'),
  order: SortOrderSchema.default('desc'),
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
})
export type HistoryQuery = z.input<typeof HistoryQuerySchema>

/** What happened to a transfer, step by step (its timeline, as recorded in transfer_events). */
export const TransferEventKindSchema = z.enum([
  'queued',
  'admitted',
  'request',
  'resumed',
  'completed',
  'aborted',
  'failed',
  'expired',
])
export type TransferEventKind = z.infer<typeof TransferEventKindSchema>

export const TimelineStepSchema = z.object({
  at: z.string(),
  /** The tap that made the transfer, then its events. */
  kind: z.enum(['tap', ...TransferEventKindSchema.options]),
  rangeStart: z.number().nullable(),
  rangeEnd: z.number().nullable(),
  bytes: z.number().nullable(),
  note: z.string().nullable(),
})
export type TimelineStep = z.infer<typeof TimelineStepSchema>

export const NotificationKindSchema = z.enum([
  'transcode-failed',
  'transfer-failures',
  'reader-lost',
  'disk-low',
  'quota-often',
  'database-damaged',
  // A remix tag's pool had no unused variant for a tap (said once until the pool has one again).
  'remix-pool-dry',
  // A variant could not be rendered (all tries used).
  'remix-failed',
  'chain-stale',
  'records-held',
  'records-quarantined',
])
export type NotificationKind = z.infer<typeof NotificationKindSchema>

export const NotificationSchema = z.object({
  id: z.number(),
  at: z.string(),
  kind: NotificationKindSchema,
  /** What the message is about (video title, reader name, counts …), filled into the translated text. */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
})
export type Notification = z.infer<typeof NotificationSchema>

export const monitoringContract = {
  'dashboard-summary': method({
    input: z.strictObject({
      days: z.number().int().min(1).max(90).default(7),
      idleDays: z.number().int().min(1).max(365).default(7),
    }),
    output: DashboardSchema,
    auth: 'user',
  }),
  'transfer-history': method({
    input: HistoryQuerySchema,
    output: z.object({
      total: z.number(),
      page: z.number(),
      pageSize: z.number(),
      rows: z.array(TransferSchema),
    }),
    auth: 'user',
  }),
  'transfer-get': method({
    input: z.strictObject({ id: Id }),
    output: z.object({ transfer: TransferSchema, timeline: z.array(TimelineStepSchema) }),
    auth: 'user',
  }),
  'notification-list': method({
    input: z.strictObject({ limit: z.number().int().min(1).max(200).default(50) }),
    output: z.object({
      items: z.array(NotificationSchema),
      /** Newer than what this user marked as seen, muted kinds left out. */
      unread: z.number(),
      muted: z.array(NotificationKindSchema),
    }),
    auth: 'user',
  }),
  'notification-seen': method({
    input: z.strictObject({ upTo: z.number().int().min(0) }),
    output: z.object({ ok: z.literal(true) }),
    auth: 'user',
  }),
  'notification-mute': method({
    input: z.strictObject({ muted: z.array(NotificationKindSchema).max(5) }),
    output: z.object({ muted: z.array(NotificationKindSchema) }),
    auth: 'user',
  }),
}

import { z } from 'zod'
import { method } from './define'
import { IdSchema } from './common'
import { PlatformSchema, type Platform } from './publish'
import { TEXT } from './texts'

/**
 * What a customer did with the video a tap gave them (issue 18, the conversion funnel), one kind per step. Each is
 * recorded at most once per transfer (and per platform for `platform-chosen`): the funnel counts transfers, so a
 * replayed or repeated report can never move a number.
 */
export const FunnelEventKindSchema = z.enum([
  /** The video started playing on the page. */
  'played',
  /** It played to its end. */
  'played-to-end',
  /** "保存视频" (or the share sheet) was pressed. */
  'save-pressed',
  /** The hub delivered every byte of the file to a save (`?dl=1`) request: known from the transfer, never reported. */
  'save-completed',
  /** The share sheet (Web Share, HTTPS only) took the video and the caption. */
  'shared',
  /** The caption went onto the clipboard (or the copy button was pressed where copying is impossible). */
  'caption-copied',
  /** A platform's button was pressed (with the platform). */
  'platform-chosen',
  /** "发布到抖音" was pressed on a link the hub signed (with the share id it carries). */
  'douyin-share-id',
  // Store actions beside the video.
  /** The store Wi-Fi's password was copied. */
  'wifi-copied',
  /** The store's WeChat QR code was opened. */
  'wechat-qr-shown',
  /** A coupon code was drawn for this phone: recorded by the hub when it gives the code, never reported. */
  'coupon-claimed',
  /** The review link (大众点评 …) was opened. */
  'review-opened',
])
export type FunnelEventKind = z.infer<typeof FunnelEventKindSchema>

/** The kinds only the hub records, from what it saw itself; a page reporting one is refused. */
export const HUB_FUNNEL_KINDS = [
  'save-completed',
  'coupon-claimed',
] as const satisfies readonly FunnelEventKind[]

/** The kinds a phone page may report through the beacon (`POST /b/<token>`). */
export const PhoneFunnelEventKindSchema = FunnelEventKindSchema.exclude(HUB_FUNNEL_KINDS)
export type PhoneFunnelEventKind = z.infer<typeof PhoneFunnelEventKindSchema>

/** A share id as the hub and Douyin make them (the publisher's own rule, core/publish/douyin/publisher.ts). */
export const DouyinShareIdSchema = z.string().regex(/^[\w.-]{1,64}$/)

/**
 * One beacon's body, as the phone page sends it: `{"k":"played"}`, `{"k":"platform-chosen","p":"douyin"}`,
 * `{"k":"douyin-share-id","i":"7000000001"}`. Short keys: it goes out on every step of every phone.
 */
export const FunnelBeaconSchema = z.discriminatedUnion('k', [
  z.strictObject({ k: z.literal('platform-chosen'), p: PlatformSchema }),
  z.strictObject({ k: z.literal('douyin-share-id'), i: DouyinShareIdSchema }),
  z.strictObject({ k: PhoneFunnelEventKindSchema.exclude(['platform-chosen', 'douyin-share-id']) }),
])
export type FunnelBeacon = z.infer<typeof FunnelBeaconSchema>

/** A funnel's steps as stored in the daily roll-ups: the tap that made the transfer, then the events. */
export const FunnelStepSchema = z.enum(['tap', ...FunnelEventKindSchema.options])
export type FunnelStep = z.infer<typeof FunnelStepSchema>

const Count = z.number().int().min(0)

/**
 * A funnel over a period: each number counts transfers (a tap that got a video makes one), never reports. A
 * refused tap or a re-tap continuing its transfer is not a step of its own.
 */
export const FunnelCountsSchema = z.object({
  /** Taps that got a video (new transfers). */
  taps: Count,
  played: Count,
  playedToEnd: Count,
  savePressed: Count,
  /** Transfers whose save (download or share sheet) received every byte. */
  saved: Count,
  shared: Count,
  copied: Count,
  /** Transfers where a platform's button was pressed, per platform (a transfer can choose several). */
  publishChosen: z.object({
    douyin: Count,
    kuaishou: Count,
    xiaohongshu: Count,
    channels: Count,
    wechat: Count,
  }) satisfies z.ZodType<Record<Platform, number>>,
  /** Transfers where at least one platform was chosen (each counted once). */
  publishedAny: Count,
  douyinShares: Count,
  wifiCopied: Count,
  wechatQrShown: Count,
  couponsClaimed: Count,
  reviewsOpened: Count,
})
export type FunnelCounts = z.infer<typeof FunnelCountsSchema>

/** Where each kind is counted in FunnelCounts (platform-chosen per platform goes to `publishChosen`). */
export const FUNNEL_COUNT_FIELD = {
  tap: 'taps',
  played: 'played',
  'played-to-end': 'playedToEnd',
  'save-pressed': 'savePressed',
  'save-completed': 'saved',
  shared: 'shared',
  'caption-copied': 'copied',
  'platform-chosen': 'publishedAny',
  'douyin-share-id': 'douyinShares',
  'wifi-copied': 'wifiCopied',
  'wechat-qr-shown': 'wechatQrShown',
  'coupon-claimed': 'couponsClaimed',
  'review-opened': 'reviewsOpened',
} as const satisfies Record<FunnelStep, Exclude<keyof FunnelCounts, 'publishChosen'>>

/** A funnel with nothing in it. */
export function emptyFunnel(): FunnelCounts {
  return {
    taps: 0,
    played: 0,
    playedToEnd: 0,
    savePressed: 0,
    saved: 0,
    shared: 0,
    copied: 0,
    publishChosen: { douyin: 0, kuaishou: 0, xiaohongshu: 0, channels: 0, wechat: 0 },
    publishedAny: 0,
    douyinShares: 0,
    wifiCopied: 0,
    wechatQrShown: 0,
    couponsClaimed: 0,
    reviewsOpened: 0,
  }
}

/** One step a customer took with one transfer (the transfer drawer, the CSV). */
export const FunnelEventSchema = z.object({
  kind: FunnelEventKindSchema,
  /** For `platform-chosen`: which one; null otherwise. */
  platform: PlatformSchema.nullable(),
  /** For `douyin-share-id`: the share id; for `platform-chosen` without a platform: the first one chosen. */
  detail: z.string().nullable(),
  firstAt: z.string(),
  lastAt: z.string(),
  /** How often the page reported it (copies, say); the funnel counts the transfer once. */
  count: z.number(),
})
export type FunnelEvent = z.infer<typeof FunnelEventSchema>

const When = z.iso.datetime({
  offset: true,
  error: TEXT.dateTimeOffset,
})

export const FunnelQuerySchema = z.strictObject({
  /** From (taps at or after); default: the start of the day six days ago (a week with today). */
  since: When.optional(),
  /** Until (taps before); default: now. */
  until: When.optional(),
  /**
   * Instead of `since`: the last `days` local days of the hub, today included (the dashboard's 今天 / 7 / 30 天, so
   * its funnel and its other charts count the same days whatever the browser's time zone).
   */
  days: z.number().int().min(1).max(366).optional(),
  tagId: IdSchema.optional(),
  videoId: IdSchema.optional(),
})
export type FunnelQuery = z.input<typeof FunnelQuerySchema>

const Period = { since: z.string(), until: z.string() }

export const funnelContract = {
  /** The funnel over a period, for the whole store, one tag, one video, or a tag with one video. */
  'funnel-counts': method({
    input: FunnelQuerySchema,
    output: z.object({ ...Period, counts: FunnelCountsSchema }),
    auth: 'user',
  }),
  /** The funnel over a period per tag or per video (the tags list's publish rate), those without taps left out. */
  'funnel-breakdown': method({
    input: FunnelQuerySchema.omit({ tagId: true, videoId: true }).extend({ by: z.enum(['tag', 'video']) }),
    output: z.object({ ...Period, rows: z.array(z.object({ id: z.number(), counts: FunnelCountsSchema })) }),
    auth: 'user',
  }),
  /** What the customer did with one transfer, in the order it first happened. */
  'funnel-transfer': method({
    input: z.strictObject({ id: IdSchema }),
    output: z.array(FunnelEventSchema),
    auth: 'user',
  }),
}

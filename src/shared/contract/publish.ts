import { z } from 'zod'
import { TEXT } from './texts'

/**
 * The apps a customer can post the store's video to from the phone page, in the order they are offered by
 * default. 视频号 (WeChat Channels) has no URL scheme of its own: it is reached through WeChat.
 */
export const PlatformSchema = z.enum(['douyin', 'kuaishou', 'xiaohongshu', 'channels', 'wechat'])
export type Platform = z.infer<typeof PlatformSchema>

/** How a tag draws the caption a tap gets from its captions (its own, else its video's). */
export const CaptionStrategySchema = z.enum(['rotate', 'random', 'least-used'])
export type CaptionStrategy = z.infer<typeof CaptionStrategySchema>

/**
 * How hashtags are written into the text a customer pastes: `hash` = `#探店` (Douyin, Kuaishou, Xiaohongshu,
 * Channels and WeChat all turn that into a topic), `hash-closed` = `#探店#` (Weibo's form), `none` = left out.
 */
export const HashtagFormSchema = z.enum(['hash', 'hash-closed', 'none'])
export type HashtagForm = z.infer<typeof HashtagFormSchema>

const limit = (max: number) =>
  z.number().int('must be a whole number').min(0, 'must not be negative').max(max, `must be at most ${max}`)

/** What one platform accepts in the words of a post. 0 = no limit. */
export const PlatformLimitsSchema = z.strictObject({
  /** Characters of the text a customer pastes (caption, @mentions and hashtags), counted as people see them. */
  maxChars: limit(10_000),
  /** Hashtags: the caption's list plus any #话题 written in its text. */
  maxHashtags: limit(100),
  hashtagForm: HashtagFormSchema,
})
export type PlatformLimits = z.infer<typeof PlatformLimitsSchema>

export const PlatformLimitsMapSchema = z.strictObject({
  douyin: PlatformLimitsSchema,
  kuaishou: PlatformLimitsSchema,
  xiaohongshu: PlatformLimitsSchema,
  channels: PlatformLimitsSchema,
  wechat: PlatformLimitsSchema,
}) satisfies z.ZodType<Record<Platform, PlatformLimits>>
export type PlatformLimitsMap = z.infer<typeof PlatformLimitsMapSchema>

/**
 * Defaults until the store sets its own (Settings → Publishing). Only Douyin's come from a written source, and that
 * one third-party (docs/publish.md: title ≤ 55 characters, ≤ 10 hashtags); the others are the figures commonly
 * quoted for each app's post text and are *unverified* (README, "Publishing").
 */
export const DEFAULT_PLATFORM_LIMITS: PlatformLimitsMap = {
  douyin: { maxChars: 55, maxHashtags: 10, hashtagForm: 'hash' },
  kuaishou: { maxChars: 500, maxHashtags: 10, hashtagForm: 'hash' },
  xiaohongshu: { maxChars: 1000, maxHashtags: 10, hashtagForm: 'hash' },
  channels: { maxChars: 1000, maxHashtags: 10, hashtagForm: 'hash' },
  wechat: { maxChars: 1500, maxHashtags: 0, hashtagForm: 'hash' },
}

/** The platforms a tag offers, in its order: each at most once; empty = save only, no publish buttons. */
export const TagPlatformsSchema = z
  .array(PlatformSchema)
  .max(PlatformSchema.options.length)
  .refine((list) => new Set(list).size === list.length, TEXT.platformTwice)

/** A new tag offers every platform, in the default order, and rotates its captions. */
export const DEFAULT_TAG_PLATFORMS: readonly Platform[] = PlatformSchema.options
export const DEFAULT_CAPTION_STRATEGY: CaptionStrategy = 'rotate'

/**
 * The public URL scheme that opens each app from the phone page (docs/publish.md: in common use, *verify on
 * devices*). 视频号 has no scheme of its own: it opens WeChat, and the steps say where to go from there.
 */
export const PLATFORM_APP_SCHEME: Record<Platform, string> = {
  douyin: 'snssdk1128://',
  kuaishou: 'kwai://',
  xiaohongshu: 'xhsdiscover://',
  channels: 'weixin://',
  wechat: 'weixin://',
}

import { z } from 'zod'
import { fill, type Labels } from '../labels'

// The refusal texts the contract and the hub's rules write themselves (English: the API's words, which the CLI
// prints). Every one has a key, and the console a translation for each key (renderer/src/i18n/contract-texts.ts):
// a text added here without its translation fails the type check. Limits (at most N characters, between 0 and
// 65535 …) are not here: the console words those from a validation issue's code and figures. `{{name}}` is a value
// the refusal names (HubText.values).
export const TEXT = {
  assetName: 'must be a file name in the profile folder ending in .svg or .png',
  colour: 'must be a colour like #1f6feb',
  phone: 'must be a phone number',
  email: 'must be an email address',
  httpUrl: 'must be an http(s) URL',
  brandSchema: 'must be 1 (the brand profile format this hub reads)',
  brandId: 'must be 2–40 lower-case letters, digits or dashes',
  pngFile: 'must be a .png file',
  appId: 'must be reverse-DNS, e.g. com.example.app',
  installerName: 'must be 1–40 letters, digits, - or _',
  captionFor: 'give the video or the tag the caption is for',
  storeName: 'plain text, without HTML, braces or invisible characters',
  chainEndpoint:
    'must look like https://s3.example.com or http://192.168.1.5:7480 (scheme, host and port only)',
  region: 'must be a region name like us-east-1, oss-cn-hangzhou or ap-guangzhou',
  bucket:
    'must be a bucket name: 3–63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit',
  bucketDots: 'must not hold two dots in a row',
  storeId: 'must be 1–40 lower-case letters, digits and hyphens, like sh-xujiahui-01',
  chainTarget: 'must be * (every store), a store id like sh-xujiahui-01, or a group like @east',
  groupName: 'must be 1–40 lower-case letters, digits and hyphens, like east',
  date: 'must be a date like 2026-12-01',
  calendarDay: 'is not a day of the calendar',
  chainVideoId: 'must be a chain video id like v-0123…',
  fromAfterTo: 'from must not be after to',
  since: 'must be a time like 2026-12-01 or 2026-12-01T08:00:00Z',
  username: 'letters, digits, dot, underscore and dash only',
  douyinClientKey:
    'must be the client key from the Douyin open platform: 4 to 64 letters and digits, like aw1a2b3c4d5e6f',
  douyinClientSecret:
    'must be the client secret from the Douyin open platform: 8 to 128 characters, no spaces',
  douyinApiBase:
    'must be an https:// address like https://open.douyin.com (http:// only for 127.0.0.1 or localhost)',
  douyinVideoBase:
    'must be an http:// or https:// address like https://video.example.com (no ?query or #fragment)',
  dateTimeOffset: 'must be an ISO date-time, e.g. 2026-11-24T09:00:00+08:00',
  dateTimeUtc: 'must be an ISO date-time, e.g. 2026-11-24T09:00:00Z',
  host: 'must be an IP address (0.0.0.0 for all interfaces) or a host name',
  publicUrl: 'must look like http://192.168.1.20:8080 (scheme, host and port only)',
  tagOrTarget: 'give either tagId or target',
  videoTwice: 'a video is listed twice',
  platformTwice: 'a platform is listed twice',
  clipOrder: 'a clip must end after it starts',
  overlayLine: 'an overlay line is at most 40 characters',
  storeActionTwice: 'a store action is listed twice',
  reviewUrl: 'must be an https:// address, like https://www.dianping.com/shop/12345',
  couponCode: 'a code is 1 to 64 visible characters without spaces',
  credentialPrintable: 'holds printable characters without spaces only',
  douyinNeedsKeys:
    'Douyin publishing needs the client key and the client secret: set both before switching it on',
  fromToNeedLabel: 'from and to go with a label (the placement the video plays on)',
  qrTooLarge: 'the image is too large (a QR code picture is a few dozen KB)',
  qrNotImage:
    'not a PNG or JPEG image between 64 and 4096 pixels a side (the QR code from WeChat, saved as a picture)',
  lockConfirm: 'a permanent lock needs confirmLock: "LOCK"',
  // The hub's rules (errors other than validation-failed carry these as details.text or details.texts).
  retryOnlyFailed: 'only a failed video can be retried',
  raiseOnlyWaiting: 'only a waiting transcode can be raised',
  nothingToCancel: 'nothing to cancel',
  publishNotReady: 'only a ready video can be published (it is still being transcoded, or failed)',
  publishFirst: 'publish the video first: the catalog does not hold {{videos}}',
  groupInUse: 'the group @{{name}} is still named by a published video or a binding',
  captionsMax: 'at most {{max}} captions for one video or tag',
  tagNotVideo: 'tag {{tagId}} does not deliver video {{videoId}}',
  pinnedFirstTwice: 'only one clip can be pinned first',
  pinnedLastTwice: 'only one clip can be pinned last',
  tooFewClips: 'a variant needs {{need}} clips but the template has {{have}}',
  tooManyPinned: '{{pinned}} clips are pinned but a variant has only {{clips}}',
  speedOrder: 'the lowest speed is above the highest',
  clipTooShort:
    'clip {{n}} (video {{videoId}}) has {{has}} s but each clip needs {{needs}} s ({{seconds}} s over {{clips}} clips at up to {{speed}}× speed)',
  noMusic: 'no music with id {{id}}',
  noFont: 'no font with Chinese glyphs on this PC for the overlay and end card (install fonts-noto-cjk)',
  noGlyph: 'the font has no glyph for {{chars}} in the line “{{line}}”',
  templateDeleted: 'template {{id}} was deleted',
  clipVideoDeleted: 'video {{id}} of the template was deleted',
  clipVideoNotReady: 'video {{id}} of the template is not ready ({{status}})',
  clipNoRendition: 'video {{id}} of the template has no rendition',
  musicDeleted: 'music {{id}} of the template was deleted',
  musicNoFile: 'no such file: {{path}}',
  musicEmpty: 'the file is empty',
  musicTooLarge: 'the file is larger than 200 MB',
  musicNoSound: 'the file has no sound stream: it is not music',
  musicNotAudio: 'not an audio file: {{why}}',
  musicTooShort: 'the music is shorter than 1 second',
  musicSilent: 'the music is silent (loudness {{lufs}} LUFS)',
  poolDiskLow: 'the disk is nearly full: no variants are rendered until space is freed',
  poolBudget: 'the variants have used their disk budget ({{mb}} MB)',
  poolPaused: 'rendering failed {{n}} times in a row: the next try is in {{minutes}} min',
  poolNotQueued: 'the variants could not be queued: {{why}}',
  settingFromEnv: '{{key}} is set by the environment variable {{env}}; change it there',
  settingFromFlag: '{{key}} is set by a command-line flag; change it there',
  videoInTemplates: 'the remix templates {{names}} use this video: take it out of them or delete them first',
  videoPublished:
    'this video is published to the stores: unpublish it first (Chain page, or tapdrop chain unpublish {{id}})',
  videoOnTags: '{{n}} tag(s) deliver this video; delete anyway to leave them without it',
  zipNotZip: 'not a readable .zip archive (no zip header at its start)',
  zipCutShort: 'not a readable .zip archive (its end is missing: was the file cut short?)',
  zipBroken: 'not a readable .zip archive ({{why}})',
  zipTooManyFiles: 'the archive holds more than {{max}} files; a brand profile has at most {{max}}',
  zipTooLarge: 'the archive unpacks to more than {{mb}} MB',
  zipFileNotAllowed: '"{{name}}": only brand.json and .svg/.png images belong in a brand profile',
  zipNoBrandJson: 'brand.json: not found in the archive',
  storeNameInUse:
    'captions name {门店}: the store’s name cannot be emptied while they do (change those captions first)',
  captionNeedsStoreName:
    'the caption names {门店} but the store has no name yet: set it in Settings → Publishing first, or the customer’s post would say nothing there',
} as const

export type TextKey = keyof typeof TEXT

/** A table of the shared labels that says a word per value (a video's status …). */
export type WordTable = {
  [K in keyof Labels]: Labels[K] extends Record<string, string> ? K : never
}[keyof Labels]

/**
 * Values of a text that are words of a shared label table: each language says them in its own words (the English
 * text keeps the API's word, as the CLI prints it).
 */
export const TEXT_WORD_VALUES: { readonly [K in TextKey]?: Readonly<Record<string, WordTable>> } = {
  clipVideoNotReady: { status: 'videoStatus' },
}

/** A text of the table with the values it names: the console words it in its language, the API in English. */
export interface HubText {
  key: TextKey
  values?: Record<string, string | number>
}

/** A HubText as the API carries it (a pool's problem …). */
export const HubTextSchema = z.object({
  key: z.enum(Object.keys(TEXT) as [TextKey, ...TextKey[]]),
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
})

export const hubText = (key: TextKey, values?: HubText['values']): HubText =>
  values ? { key, values } : { key }

/** The text in English, as the API's message says it. */
export const english = (t: HubText): string => fill(TEXT[t.key], t.values ?? {})

import { z } from 'zod'
import { method } from './define'
import { Empty, IdSchema } from './common'
import { TEXT } from './texts'

/**
 * The store's own blocks a tag can show beside the video on the phone page (issue 18, item 6), in the tag's order:
 * join the store Wi-Fi, add the store on WeChat (a QR code), a coupon code, a review link. Each works offline.
 */
export const StoreActionSchema = z.enum(['wifi', 'wechat', 'coupon', 'review'])
export type StoreAction = z.infer<typeof StoreActionSchema>

/** The store actions a tag shows, in order: each at most once; empty = none. */
export const TagStoreActionsSchema = z
  .array(StoreActionSchema)
  .max(StoreActionSchema.options.length)
  .refine((list) => new Set(list).size === list.length, TEXT.storeActionTwice)

/** The store's review page (大众点评, Meituan …): https only, a link a customer's phone opens as it is. */
export const ReviewUrlSchema = z
  .string()
  .trim()
  .max(500, 'at most 500 characters')
  .refine((value) => {
    try {
      const u = new URL(value)
      return u.protocol === 'https:' && !u.username && !u.password && u.hostname.includes('.')
    } catch {
      return false
    }
  }, TEXT.reviewUrl)

/** Image types the WeChat QR code may be, told by their first bytes, never by a name. */
export const QrImageTypeSchema = z.enum(['image/png', 'image/jpeg'])
export type QrImageType = z.infer<typeof QrImageTypeSchema>

/** Largest WeChat QR image: a QR code needs a few dozen KB; the API's body limit is 256 KB with base64. */
export const MAX_QR_IMAGE_BYTES = 160 * 1024

/** A coupon code as staff import it: printable, no spaces, 1–64 characters. */
export const CouponCodeSchema = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e\u00a1-\uffff]{1,64}$/u, TEXT.couponCode)

export const StoreActionsViewSchema = z.object({
  /** From Settings (wifiSsid, wifiPassword): the Wi-Fi block shows nothing without an SSID. */
  wifi: z.object({ ssid: z.string().nullable(), passwordSet: z.boolean() }),
  reviewUrl: z.string().nullable(),
  /** The WeChat QR image staff uploaded (served to phones at /i/wechat-qr), or null. */
  wechatQr: z
    .object({
      type: QrImageTypeSchema,
      bytes: z.number(),
      width: z.number(),
      height: z.number(),
      updatedAt: z.string(),
    })
    .nullable(),
})
export type StoreActionsView = z.infer<typeof StoreActionsViewSchema>

export const CouponSummarySchema = z.object({
  tagId: z.number(),
  total: z.number(),
  claimed: z.number(),
})
export type CouponSummary = z.infer<typeof CouponSummarySchema>

export const storeActionsContract = {
  'store-actions-get': method({ input: Empty, output: StoreActionsViewSchema, auth: 'user' }),
  /** Admin: the review link (null = none). The Wi-Fi is in Settings. */
  'store-actions-update': method({
    input: z.strictObject({ reviewUrl: ReviewUrlSchema.nullable().optional() }),
    output: StoreActionsViewSchema,
    auth: 'user',
  }),
  /** Admin: the WeChat QR image, base64 (PNG or JPEG, at most 160 KB); null removes it. */
  'store-wechat-qr-set': method({
    input: z.strictObject({
      image: z
        .base64()
        .max(Math.ceil(MAX_QR_IMAGE_BYTES / 3) * 4 + 4)
        .nullable(),
    }),
    output: StoreActionsViewSchema,
    auth: 'user',
  }),
  /** Staff: adds coupon codes to a tag's list; a code the hub has anywhere already is left out. */
  'coupon-import': method({
    input: z.strictObject({ tagId: IdSchema, codes: z.array(CouponCodeSchema).min(1).max(10_000) }),
    output: CouponSummarySchema.extend({ added: z.number(), duplicates: z.number() }),
    auth: 'user',
  }),
  'coupon-summary': method({
    input: z.strictObject({ tagId: IdSchema }),
    output: CouponSummarySchema,
    auth: 'user',
  }),
  /** Staff: removes the codes of a tag nobody was given (the given ones stay, so none is given twice). */
  'coupon-clear': method({
    input: z.strictObject({ tagId: IdSchema }),
    output: CouponSummarySchema,
    auth: 'user',
  }),
}

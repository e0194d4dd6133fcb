import { queryKey, useApiMutation, useApiQuery } from './queries'

/** The store-wide values of the store actions: the Wi-Fi from Settings, the review link, the WeChat QR image. */
export const useStoreActions = () => useApiQuery('store-actions-get', {})

// The tag form's preview shows the store's blocks, which these values decide.
const STORE_CHANGED = ['tag-page-preview'] as const

export const useUpdateStoreActions = () =>
  useApiMutation('store-actions-update', {
    update: (client, view) => client.setQueryData(queryKey('store-actions-get', {}), view),
    invalidates: [...STORE_CHANGED],
  })

export const useSetWechatQr = () =>
  useApiMutation('store-wechat-qr-set', {
    update: (client, view) => client.setQueryData(queryKey('store-actions-get', {}), view),
    invalidates: [...STORE_CHANGED],
  })

/** Where the console shows the uploaded QR image; `updatedAt` makes a new image a new address. */
export const wechatQrUrl = (updatedAt: string) => `/media/store/wechat-qr?v=${encodeURIComponent(updatedAt)}`

/**
 * A tag's coupon codes: how many were imported and how many phones were given one. Kept current by the hub's
 * `coupons-changed` event (live.tsx).
 */
export const useCouponSummary = (tagId: number | null) =>
  useApiQuery('coupon-summary', { tagId: tagId ?? 0 }, { enabled: tagId !== null })

export const useImportCoupons = () =>
  useApiMutation('coupon-import', {
    update: (client, r) =>
      client.setQueryData(queryKey('coupon-summary', { tagId: r.tagId }), {
        tagId: r.tagId,
        total: r.total,
        claimed: r.claimed,
      }),
  })

export const useClearCoupons = () =>
  useApiMutation('coupon-clear', {
    update: (client, r) => client.setQueryData(queryKey('coupon-summary', { tagId: r.tagId }), r),
  })

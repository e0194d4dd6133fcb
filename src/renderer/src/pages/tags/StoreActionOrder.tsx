import { Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { StoreActionSchema, type StoreAction } from '../../../../shared/contract/store-actions'
import { useCouponSummary, useStoreActions } from '../../api/store-actions'
import { OrderedChoices } from './OrderedChoices'

/**
 * The store's blocks a tag shows under the video, in order (a form control), each ticked one saying what it still
 * lacks: the phone page leaves out a Wi-Fi without a name, a WeChat block without its QR image and a review block
 * without its link; a coupon block without codes left tells the customer they are all given out.
 */
export function StoreActionOrder({
  tagId,
  ...props
}: {
  /** The tag being edited (its coupon codes); null for a new tag. */
  tagId: number | null
  value?: StoreAction[]
  onChange?: (next: StoreAction[]) => void
}) {
  const { t } = useTranslation()
  const store = useStoreActions().data
  const coupons = useCouponSummary(tagId).data

  const note = (a: StoreAction) => {
    let missing: string | null = null
    if (!store) return null
    if (a === 'wifi' && !store.wifi.ssid) missing = t('store.missing.wifi')
    else if (a === 'wechat' && !store.wechatQr) missing = t('store.missing.wechat')
    else if (a === 'review' && !store.reviewUrl) missing = t('store.missing.review')
    else if (a === 'coupon') {
      if (tagId === null) missing = t('store.missing.couponNewTag')
      else if (coupons && coupons.total - coupons.claimed <= 0) missing = t('store.missing.coupon')
      else if (coupons)
        return (
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="store-action-coupons-left">
            {t('store.couponsLeft', { left: coupons.total - coupons.claimed, total: coupons.total })}
          </Typography.Text>
        )
    }
    return (
      missing && (
        <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid={`store-action-missing-${a}`}>
          {missing}
        </Typography.Text>
      )
    )
  }

  return (
    <OrderedChoices
      {...props}
      options={StoreActionSchema.options}
      label={(a) => t(`label.storeAction.${a}`)}
      note={note}
      testId="tag-store-actions"
      prefix="store-action"
      labelWidth={200}
    />
  )
}

import { Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Transfer, TransferStatus } from '../../../shared/contract/transfers'

const COLOR: Record<TransferStatus, string> = {
  pending: 'default',
  queued: 'orange',
  active: 'processing',
  completed: 'success',
  aborted: 'warning',
  failed: 'error',
  expired: 'default',
}

export function TransferStatusTag({ t: tr }: { t: Transfer }) {
  const { t } = useTranslation()
  return (
    <Tag color={COLOR[tr.status]} data-testid={`transfer-status-${tr.id}`} data-status={tr.status}>
      {t(`label.transferStatus.${tr.status}`)}
      {tr.queuePosition ? ` · ${t('label.queuePosition', { n: tr.queuePosition })}` : ''}
    </Tag>
  )
}

import { Alert, Descriptions, Drawer, Progress, Skeleton, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { errorMessage } from '../api/client'
import { useTransferFunnel } from '../api/funnel'
import { useTransfer } from '../api/monitoring'
import { formatBytes, formatTime } from '../format'
import { TransferStatusTag } from './TransferStatusTag'
import { TransferTimeline } from './TransferTimeline'

/**
 * One transfer: its details and its timeline (tap, queue, admission, each range request, resumes, the end), with
 * what the customer did on the phone page in between.
 */
export function TransferDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation()
  const q = useTransfer(id)
  const steps = useTransferFunnel(id)
  const data = id !== null ? q.data : undefined
  const tr = data?.transfer
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={520}
      title={id !== null ? t('history.drawerTitle', { id }) : ''}
      data-testid="transfer-drawer"
    >
      {q.error && <Alert type="error" showIcon title={errorMessage(q.error)} />}
      {!tr && !q.error && <Skeleton active />}
      {tr && (
        <>
          <Descriptions column={1} size="small" bordered style={{ marginBottom: 24 }}>
            <Descriptions.Item label={t('label.transferField.status')}>
              <TransferStatusTag t={tr} />
              {tr.error && (
                <Typography.Text type="danger" style={{ display: 'block', marginTop: 4 }}>
                  {tr.error}
                </Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('transfers.col.progress')}>
              <Progress
                size="small"
                percent={tr.bytesTotal ? Math.floor((tr.bytesSent / tr.bytesTotal) * 100) : 0}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('history.bytesLine', {
                  sent: formatBytes(tr.bytesSent),
                  total: formatBytes(tr.bytesTotal),
                  wire: formatBytes(tr.wireBytes),
                  requests: tr.requests,
                })}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('label.transferField.tag')}>
              {tr.tagLabel || '—'} <Typography.Text code>{tr.tagCode}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('label.transferField.video')}>
              {tr.videoTitle ?? '—'} · {tr.rendition}
              {tr.tier === 'vip' ? ' · VIP' : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('transfers.col.device')}>
              {tr.device.os} · {tr.device.browser}
              <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                {tr.ip ?? ''} · {tr.deviceId}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('label.transferField.time')}>
              {formatTime(tr.createdAt)}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('history.timeline')}</Typography.Title>
          <TransferTimeline hub={data.timeline} customer={steps.data ?? []} />
        </>
      )}
    </Drawer>
  )
}

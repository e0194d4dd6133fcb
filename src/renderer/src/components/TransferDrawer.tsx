import { Alert, Descriptions, Drawer, Progress, Skeleton, Timeline, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { TimelineStep } from '../../../shared/contract/monitoring'
import { errorMessage } from '../api/client'
import { useTransfer } from '../api/monitoring'
import { formatBytes, formatTime, formatTimeOfDay } from '../format'
import { TransferStatusTag } from './TransferStatusTag'

const COLOR: Record<TimelineStep['kind'], string> = {
  tap: 'blue',
  queued: 'orange',
  admitted: 'blue',
  request: 'gray',
  resumed: 'blue',
  completed: 'green',
  aborted: 'orange',
  failed: 'red',
  expired: 'red',
}

/** One transfer: its details and its timeline (tap, queue, admission, each range request, resumes, the end). */
export function TransferDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation()
  const q = useTransfer(id)
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
          <Timeline
            data-testid="transfer-timeline"
            items={data.timeline.map((s, i) => ({
              key: i,
              color: COLOR[s.kind],
              title: formatTimeOfDay(s.at),
              content: (
                <span data-testid="timeline-step" data-kind={s.kind}>
                  {t(`label.timelineStep.${s.kind}`)}
                  {s.kind === 'request' && s.rangeStart !== null && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {' '}
                      {t('history.range', {
                        from: s.rangeStart,
                        to: s.rangeEnd,
                        sent: formatBytes(s.bytes ?? 0),
                      })}
                      {s.note === 'cut' ? ` · ${t('history.cut')}` : ''}
                    </Typography.Text>
                  )}
                  {s.kind === 'tap' && s.note && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {' '}
                      · {t(`label.tapOutcome.${s.note}`, { defaultValue: s.note })}
                    </Typography.Text>
                  )}
                  {s.kind !== 'request' && s.kind !== 'tap' && s.note && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {' '}
                      · {s.note}
                    </Typography.Text>
                  )}
                </span>
              ),
            }))}
          />
        </>
      )}
    </Drawer>
  )
}

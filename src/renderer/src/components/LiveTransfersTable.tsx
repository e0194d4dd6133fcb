import { Flex, Progress, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { LiveRow } from '../api/live-transfers'
import { formatBytes, formatTimeOfDay } from '../format'
import { TransferStatusTag } from './TransferStatusTag'

/** Transfers happening now (and those ended in the last two minutes), each with its progress and speed. */
export function LiveTransfersTable({ rows, onOpen }: { rows: LiveRow[]; onOpen?: (id: number) => void }) {
  const { t } = useTranslation()
  return (
    <Table<LiveRow>
      rowKey={(r) => r.transfer.id}
      size="small"
      dataSource={rows}
      pagination={false}
      scroll={{ y: 330 }}
      locale={{ emptyText: t('dashboard.liveEmpty') }}
      data-testid="live-transfers"
      onRow={(r) => ({
        onClick: () => onOpen?.(r.transfer.id),
        style: { cursor: onOpen ? 'pointer' : undefined },
        'data-testid': `live-${r.transfer.id}`,
      })}
      columns={[
        {
          title: t('label.transferField.time'),
          key: 'time',
          width: 90,
          render: (_v, r) => formatTimeOfDay(r.transfer.createdAt),
        },
        {
          title: t('label.transferField.tag'),
          key: 'tag',
          width: 110,
          ellipsis: true,
          render: (_v, r) => r.transfer.tagLabel || r.transfer.tagCode,
        },
        {
          title: t('label.transferField.video'),
          key: 'video',
          ellipsis: true,
          render: (_v, r) => (
            <Flex vertical>
              <Typography.Text ellipsis>{r.transfer.videoTitle ?? '—'}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {r.transfer.rendition}
                {r.transfer.tier === 'vip' ? ' · VIP' : ''}
              </Typography.Text>
            </Flex>
          ),
        },
        {
          title: t('transfers.col.device'),
          key: 'device',
          width: 130,
          render: (_v, r) => (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.transfer.device.os}
              <br />
              {r.transfer.device.browser}
            </Typography.Text>
          ),
        },
        {
          title: t('label.transferField.status'),
          key: 'status',
          width: 110,
          render: (_v, r) => <TransferStatusTag t={r.transfer} />,
        },
        {
          title: t('transfers.col.progress'),
          key: 'progress',
          width: 190,
          render: (_v, r) => (
            <Flex vertical>
              <Progress
                size="small"
                percent={progressOf(r)}
                status={statusOf(r)}
                data-testid={`live-progress-${r.transfer.id}`}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatBytes(r.transfer.bytesSent)} / {formatBytes(r.transfer.bytesTotal)}
                {r.speed !== null && r.speed > 0 ? ` · ${formatBytes(r.speed)}/s` : ''}
              </Typography.Text>
            </Flex>
          ),
        },
      ]}
    />
  )
}

function progressOf(r: LiveRow): number {
  return r.transfer.bytesTotal ? Math.floor((r.transfer.bytesSent / r.transfer.bytesTotal) * 100) : 0
}

function statusOf(r: LiveRow): 'exception' | 'success' | 'active' | 'normal' {
  const s = r.transfer.status
  return s === 'failed' || s === 'expired'
    ? 'exception'
    : s === 'completed'
      ? 'success'
      : s === 'active'
        ? 'active'
        : 'normal'
}

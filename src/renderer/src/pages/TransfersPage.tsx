import { Card, Col, Flex, Progress, Row, Statistic, Table, Tag, Typography } from 'antd'
import { CloudDownloadOutlined, HourglassOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Transfer, TransferStatus } from '../../../shared/contract/transfers'
import { useApiQuery } from '../api/queries'
import { PageHeader } from '../components/PageHeader'
import { formatBytes, formatTime } from '../format'

export const TRANSFER_LIST_ARGS = { limit: 200 }

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
      {t(`transfers.status.${tr.status}`)}
      {tr.queuePosition ? ` · ${t('transfers.position', { n: tr.queuePosition })}` : ''}
    </Tag>
  )
}

export function TransfersPage() {
  const { t } = useTranslation()
  const list = useApiQuery('transfer-list', TRANSFER_LIST_ARGS)
  const status = useApiQuery('delivery-status', {})
  return (
    <>
      <PageHeader title={t('transfers.title')} subtitle={t('transfers.subtitle')} />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title={t('transfers.streaming')}
              value={status.data?.active ?? 0}
              prefix={<CloudDownloadOutlined />}
              suffix={
                <Typography.Text type="secondary" style={{ fontSize: 14 }}>
                  {status.data
                    ? t('transfers.slots', { active: status.data.active, max: status.data.maxStreams })
                    : ''}
                </Typography.Text>
              }
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic
              title={t('transfers.waiting')}
              value={status.data?.waitingTotal ?? 0}
              prefix={<HourglassOutlined />}
            />
          </Card>
        </Col>
      </Row>
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Transfer>
          rowKey="id"
          size="middle"
          loading={list.isLoading}
          dataSource={list.data ?? []}
          pagination={{ pageSize: 25, hideOnSinglePage: true }}
          locale={{ emptyText: t('transfers.empty') }}
          data-testid="transfers-table"
          columns={[
            {
              title: t('transfers.col.time'),
              dataIndex: 'createdAt',
              width: 150,
              render: (v: string) => formatTime(v),
            },
            {
              title: t('transfers.col.tag'),
              key: 'tag',
              render: (_v, x) => x.tagLabel || <Typography.Text code>{x.tagCode}</Typography.Text>,
            },
            {
              title: t('transfers.col.video'),
              key: 'video',
              render: (_v, x) => (
                <Flex vertical>
                  <Typography.Text ellipsis style={{ maxWidth: 220 }}>
                    {x.videoTitle ?? '—'}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {x.rendition}
                    {x.tier === 'vip' ? ' · VIP' : ''}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              title: t('transfers.col.device'),
              key: 'device',
              render: (_v, x) => (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {x.device.os}
                  <br />
                  {x.device.browser}
                </Typography.Text>
              ),
            },
            {
              title: t('transfers.col.status'),
              key: 'status',
              width: 140,
              render: (_v, x) => <TransferStatusTag t={x} />,
            },
            {
              title: t('transfers.col.progress'),
              key: 'progress',
              width: 200,
              render: (_v, x) => (
                <Progress
                  size="small"
                  percent={x.bytesTotal ? Math.floor((x.bytesSent / x.bytesTotal) * 100) : 0}
                  status={
                    x.status === 'failed'
                      ? 'exception'
                      : x.status === 'completed'
                        ? 'success'
                        : x.status === 'active'
                          ? 'active'
                          : 'normal'
                  }
                />
              ),
            },
            {
              title: t('transfers.col.size'),
              dataIndex: 'bytesTotal',
              width: 100,
              render: (n: number) => formatBytes(n),
            },
          ]}
        />
      </Card>
    </>
  )
}

import { Card, Empty, Flex, List, Table, Typography } from 'antd'
import { CheckCircleOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { ChainQuarantined, ChainRecordsStore } from '../../../../shared/contract/chain'
import { useChainQuarantine } from '../../api/chain'
import { formatTime } from '../../format'
import { formatShare, shareOf } from '../../../../shared/funnel/stages'

/**
 * Which stores have trouble in the period: failed and expired transfers (with their share of the store's
 * transfers) and record objects HQ could not read and set aside, the worst first; under them, the objects set
 * aside with why, for whoever looks after the chain.
 */
export function RecordsFailures({
  rows,
  nameOf,
}: {
  rows: readonly ChainRecordsStore[]
  nameOf: (id: string) => string
}) {
  const { t } = useTranslation()
  const f = (k: string) => t(`label.chainRecordsField.${k}`)
  const trouble = rows
    .filter((r) => r.failed + r.expired + r.quarantined > 0)
    .sort((a, b) => b.quarantined - a.quarantined || b.failed + b.expired - (a.failed + a.expired))
  return (
    <Card
      size="small"
      title={t('chain.records.failures')}
      style={{ height: '100%' }}
      data-testid="chain-failures"
    >
      {trouble.length === 0 ? (
        <Empty
          image={<CheckCircleOutlined style={{ fontSize: 40, color: '#52c41a' }} />}
          styles={{ image: { height: 48 } }}
          description={t('chain.records.noFailures')}
        />
      ) : (
        <Table<ChainRecordsStore>
          rowKey="store"
          size="small"
          dataSource={trouble}
          pagination={trouble.length > 8 ? { pageSize: 8, size: 'small' } : false}
          columns={[
            {
              title: f('store'),
              key: 'store',
              render: (_, r) => <Typography.Text ellipsis>{nameOf(r.store)}</Typography.Text>,
            },
            {
              title: f('failed'),
              key: 'failed',
              align: 'right',
              render: (_, r) => (
                <Typography.Text type={r.failed ? 'danger' : undefined}>{r.failed}</Typography.Text>
              ),
            },
            { title: f('expired'), dataIndex: 'expired', key: 'expired', align: 'right' },
            {
              title: t('chain.records.failedShare'),
              key: 'share',
              align: 'right',
              render: (_, r) => formatShare(shareOf(r.failed + r.expired, r.transfers)),
            },
            {
              title: f('quarantined'),
              key: 'quarantined',
              align: 'right',
              render: (_, r) =>
                r.quarantined ? <Typography.Text type="danger">{r.quarantined}</Typography.Text> : 0,
            },
          ]}
        />
      )}
      <SetAside show={rows.some((r) => r.quarantined > 0)} nameOf={nameOf} />
    </Card>
  )
}

/**
 * The objects set aside, newest first: store and when on one line, the object's name (copyable) and the reader's
 * reason under it. A list, not a table: the card is a third of the page wide.
 */
function SetAside({ show, nameOf }: { show: boolean; nameOf: (id: string) => string }) {
  const { t } = useTranslation()
  const list = useChainQuarantine(show).data ?? []
  if (!show || list.length === 0) return null
  return (
    <div style={{ marginTop: 12 }} data-testid="chain-quarantine">
      <Typography.Text strong>{t('chain.records.quarantineList')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 4, fontSize: 12 }}>
        {t('chain.records.quarantineHelp')}
      </Typography.Paragraph>
      <List<ChainQuarantined>
        size="small"
        dataSource={list}
        rowKey={(q) => `${q.store}/${q.key}`}
        pagination={list.length > 5 ? { pageSize: 5, size: 'small', align: 'end' } : false}
        renderItem={(q) => (
          <List.Item style={{ display: 'block', paddingInline: 0 }}>
            <Flex justify="space-between" gap={8}>
              <Typography.Text strong>{nameOf(q.store)}</Typography.Text>
              <Typography.Text type="secondary">{formatTime(q.at)}</Typography.Text>
            </Flex>
            <Typography.Text code copyable style={{ fontSize: 12, wordBreak: 'break-all' }}>
              {q.key}
            </Typography.Text>
            <Typography.Paragraph type="danger" style={{ margin: 0, fontSize: 12 }}>
              {q.reason}
            </Typography.Paragraph>
          </List.Item>
        )}
      />
    </div>
  )
}

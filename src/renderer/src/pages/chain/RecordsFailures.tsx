import { Card, Empty, Table, Typography } from 'antd'
import { CheckCircleOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { ChainRecordsStore } from '../../../../shared/contract/chain'
import { formatShare, shareOf } from '../../../../shared/funnel/stages'

/**
 * Which stores have trouble in the period: failed and expired transfers (with their share of the store's
 * transfers) and record objects HQ could not read and set aside, the worst first.
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
    </Card>
  )
}

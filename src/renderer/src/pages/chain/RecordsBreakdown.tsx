import { Card, Col, Row, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ChainRecordsBreakdown } from '../../../../shared/contract/chain'
import { formatShare, shareOf } from '../../../../shared/funnel/stages'
import { useChainRecordsBreakdown } from '../../api/chain'

type Placement = ChainRecordsBreakdown['placements'][number]
type Campaign = ChainRecordsBreakdown['campaigns'][number]

const pct = (part: number, whole: number) => formatShare(shareOf(part, whole))

/** Headquarters: transfers across stores by tag placement and by campaign video in the period, from the roll-up. */
export function RecordsBreakdown({ since }: { since: string }) {
  const { t } = useTranslation()
  const q = useChainRecordsBreakdown({ since })
  const completed = (r: { completed: number; transfers: number }) =>
    `${r.completed} (${pct(r.completed, r.transfers)})`
  return (
    <Row gutter={16} style={{ marginTop: 16 }}>
      <Col span={12}>
        <Card title={t('chain.records.byPlacement')} data-testid="chain-records-placements">
          <Table<Placement>
            rowKey="label"
            size="small"
            loading={q.isLoading}
            dataSource={q.data?.placements ?? []}
            pagination={false}
            locale={{ emptyText: t('chain.records.none') }}
            columns={[
              {
                title: t('chain.records.placement'),
                key: 'label',
                render: (_, r) =>
                  r.label || <Typography.Text type="secondary">{t('chain.records.noLabel')}</Typography.Text>,
              },
              { title: t('chain.records.storesCount'), dataIndex: 'stores', key: 'stores', align: 'right' },
              {
                title: t('label.chainRecordsField.transfers'),
                dataIndex: 'transfers',
                key: 'transfers',
                align: 'right',
              },
              {
                title: t('label.chainRecordsField.completed'),
                key: 'completed',
                align: 'right',
                render: (_, r) => completed(r),
              },
            ]}
          />
        </Card>
      </Col>
      <Col span={12}>
        <Card title={t('chain.records.byCampaign')} data-testid="chain-records-campaigns">
          <Table<Campaign>
            rowKey="campaign"
            size="small"
            loading={q.isLoading}
            dataSource={q.data?.campaigns ?? []}
            pagination={false}
            locale={{ emptyText: t('chain.records.noCampaign') }}
            columns={[
              { title: t('chain.video'), key: 'title', render: (_, r) => r.title ?? r.campaign },
              { title: t('chain.records.storesCount'), dataIndex: 'stores', key: 'stores', align: 'right' },
              {
                title: t('label.chainRecordsField.transfers'),
                dataIndex: 'transfers',
                key: 'transfers',
                align: 'right',
              },
              {
                title: t('label.chainRecordsField.completed'),
                key: 'completed',
                align: 'right',
                render: (_, r) => completed(r),
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  )
}

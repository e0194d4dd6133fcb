import { Card, Col, Row, Table, Typography, type TableColumnsType } from 'antd'
import type { TFunction } from 'i18next'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChainRecordsBreakdown } from '../../../../shared/contract/chain'
import { formatShare, shareOf } from '../../../../shared/funnel/stages'
import { useChainRecordsBreakdown } from '../../api/chain'

type Counts = { stores: number; transfers: number; completed: number }

/** One breakdown's columns: what it is broken down by, then the same counts for both tables. */
function columns<R extends Counts>(
  t: TFunction,
  first: string,
  name: (r: R) => ReactNode,
): TableColumnsType<R> {
  return [
    { title: first, key: 'name', render: (_, r) => name(r) },
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
      render: (_, r) => `${r.completed} (${formatShare(shareOf(r.completed, r.transfers))})`,
    },
  ]
}

/** Headquarters: transfers across stores by tag placement and by campaign video in the period, from the roll-up. */
export function RecordsBreakdown({ since }: { since: string }) {
  const { t } = useTranslation()
  const q = useChainRecordsBreakdown({ since })
  type Placement = ChainRecordsBreakdown['placements'][number]
  type Campaign = ChainRecordsBreakdown['campaigns'][number]
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
            columns={columns<Placement>(
              t,
              t('chain.records.placement'),
              (r) =>
                r.label || <Typography.Text type="secondary">{t('chain.records.noLabel')}</Typography.Text>,
            )}
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
            columns={columns<Campaign>(t, t('chain.video'), (r) => r.title ?? r.campaign)}
          />
        </Card>
      </Col>
    </Row>
  )
}

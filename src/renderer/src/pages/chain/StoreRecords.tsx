import type { ReactNode } from 'react'
import { Card, Table, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ChainRecordsStore } from '../../../../shared/contract/chain'
import { formatShare, shareOf } from '../../../../shared/funnel/stages'
import type { ChainRecordsField } from '../../../../shared/labels'
import { useChainRecords } from '../../api/chain'
import { formatDuration, formatTime } from '../../format'
import { useNow } from '../../useNow'

/** No record received for this long while others arrive: the store is shown as behind. */
const BEHIND_MS = 60 * 60_000

const pct = (part: number, whole: number) => formatShare(shareOf(part, whole))

/**
 * Headquarters' totals of what every store shipped (issue 21) in the dashboard's period: taps, transfers,
 * completed, failed and expired, funnel steps, and each store's health as the records show it — the newest record,
 * when a batch last arrived and how long it took, failures, objects set aside. Updated live (`chain-changed` after
 * each batch applied). `names`: what the stores call themselves in their status objects (records carry only the id).
 */
export function StoreRecords({
  since,
  names,
  extra,
}: {
  since: string
  names: ReadonlyMap<string, string | null>
  extra?: ReactNode
}) {
  const { t } = useTranslation()
  const f = (k: ChainRecordsField) => t(`label.chainRecordsField.${k}`)
  const now = useNow()
  const records = useChainRecords({ since })
  const rows = records.data ?? []
  const sum = (k: 'taps' | 'transfers' | 'completed' | 'failed' | 'expired' | 'funnel') =>
    rows.reduce((a, r) => a + r[k], 0)
  return (
    <Card
      title={t('chain.records.title')}
      style={{ marginTop: 16 }}
      data-testid="chain-records"
      extra={extra}
    >
      <Table<ChainRecordsStore>
        rowKey="store"
        size="middle"
        loading={records.isLoading}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50 } : false}
        locale={{ emptyText: t('chain.records.none') }}
        columns={[
          {
            title: t('chain.store'),
            key: 'store',
            render: (_, r) => (
              <>
                <Typography.Text strong>{names.get(r.store) ?? r.store}</Typography.Text>
                {names.get(r.store) && (
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {r.store}
                  </Typography.Text>
                )}
              </>
            ),
          },
          { title: f('taps'), dataIndex: 'taps', key: 'taps', align: 'right' },
          { title: f('transfers'), dataIndex: 'transfers', key: 'transfers', align: 'right' },
          {
            title: f('completed'),
            key: 'completed',
            align: 'right',
            render: (_, r) => `${r.completed} (${pct(r.completed, r.transfers)})`,
          },
          {
            title: f('failed'),
            key: 'failed',
            align: 'right',
            render: (_, r) => (r.failed ? <Typography.Text type="danger">{r.failed}</Typography.Text> : 0),
          },
          {
            title: f('expired'),
            key: 'expired',
            align: 'right',
            render: (_, r) => (r.expired ? <Typography.Text type="warning">{r.expired}</Typography.Text> : 0),
          },
          { title: f('funnel'), dataIndex: 'funnel', key: 'funnel', align: 'right' },
          {
            title: f('lastRecord'),
            key: 'last',
            render: (_, r) =>
              r.lastRecordAt ? (
                <Typography.Text title={formatTime(r.lastRecordAt)}>
                  {t('chain.ago', { time: formatDuration(Math.max(0, now - Date.parse(r.lastRecordAt))) })}
                </Typography.Text>
              ) : (
                '—'
              ),
          },
          {
            title: f('received'),
            key: 'received',
            render: (_, r) => {
              if (!r.lastAppliedAt) return '—'
              // The clock ticks every few seconds: a batch applied since the last tick is not in the future.
              const since = Math.max(0, now - Date.parse(r.lastAppliedAt))
              const lag = r.lastBatchAt ? Date.parse(r.lastAppliedAt) - Date.parse(r.lastBatchAt) : null
              return (
                <>
                  {t('chain.ago', { time: formatDuration(since) })}
                  {lag !== null && (
                    <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                      {t('chain.records.lag', { time: formatDuration(Math.max(0, lag)) })}
                    </Typography.Text>
                  )}
                </>
              )
            },
          },
          {
            title: t('chain.records.health'),
            key: 'health',
            render: (_, r) => (
              <>
                {r.failed + r.expired > 0 && (
                  <Tag color="volcano">{t('chain.records.failedTag', { count: r.failed + r.expired })}</Tag>
                )}
                {r.quarantined > 0 && (
                  <Tag color="red">{t('chain.records.quarantined', { count: r.quarantined })}</Tag>
                )}
                {r.lastAppliedAt && now - Date.parse(r.lastAppliedAt) > BEHIND_MS ? (
                  <Tag color="orange">{t('chain.records.behind')}</Tag>
                ) : (
                  r.quarantined === 0 &&
                  r.failed + r.expired === 0 && <Tag color="green">{t('chain.records.ok')}</Tag>
                )}
              </>
            ),
          },
        ]}
        summary={() =>
          rows.length > 1 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>
                <Typography.Text strong>{t('chain.records.total', { count: rows.length })}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                <Typography.Text strong>{sum('taps')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                <Typography.Text strong>{sum('transfers')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">
                <Typography.Text strong>
                  {sum('completed')} ({pct(sum('completed'), sum('transfers'))})
                </Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">
                <Typography.Text strong>{sum('failed')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">
                <Typography.Text strong>{sum('expired')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={6} align="right">
                <Typography.Text strong>{sum('funnel')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={7} colSpan={3} />
            </Table.Summary.Row>
          ) : null
        }
      />
    </Card>
  )
}

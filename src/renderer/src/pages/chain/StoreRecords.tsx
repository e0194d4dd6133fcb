import { Card, Table, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ChainRecordsStore } from '../../../../shared/contract/chain'
import { useChainRecords, useChainStores } from '../../api/chain'
import { formatDuration, formatTime } from '../../format'
import { useNow } from '../../useNow'

/** No record received for this long while others arrive: the store is shown as behind. */
const BEHIND_MS = 60 * 60_000

const pct = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)}%` : '—')

/**
 * Headquarters' totals of what every store shipped (issue 21): taps, transfers, completed, funnel steps, and each
 * store's health as the records show it — the newest record, when a batch last arrived and how long it took, objects
 * set aside. Updated live (`chain-changed` after each batch applied).
 */
export function StoreRecords() {
  const { t } = useTranslation()
  const now = useNow()
  const records = useChainRecords()
  // The names the stores give themselves in their status objects (records carry only the id).
  const names = new Map((useChainStores().data ?? []).map((s) => [s.storeId, s.storeName]))
  const rows = records.data ?? []
  const sum = (k: 'taps' | 'transfers' | 'completed' | 'funnel') => rows.reduce((a, r) => a + r[k], 0)
  return (
    <Card title={t('chain.records.title')} style={{ marginTop: 16 }} data-testid="chain-records">
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
          { title: t('chain.records.taps'), dataIndex: 'taps', key: 'taps', align: 'right' },
          { title: t('chain.records.transfers'), dataIndex: 'transfers', key: 'transfers', align: 'right' },
          {
            title: t('chain.records.completed'),
            key: 'completed',
            align: 'right',
            render: (_, r) => `${r.completed} (${pct(r.completed, r.transfers)})`,
          },
          { title: t('chain.records.funnel'), dataIndex: 'funnel', key: 'funnel', align: 'right' },
          {
            title: t('chain.records.lastRecord'),
            key: 'last',
            render: (_, r) =>
              r.lastRecordAt ? (
                <Typography.Text title={formatTime(r.lastRecordAt)}>
                  {t('chain.ago', { time: formatDuration(now - Date.parse(r.lastRecordAt)) })}
                </Typography.Text>
              ) : (
                '—'
              ),
          },
          {
            title: t('chain.records.received'),
            key: 'received',
            render: (_, r) => {
              if (!r.lastAppliedAt) return '—'
              const since = now - Date.parse(r.lastAppliedAt)
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
                {r.quarantined > 0 && (
                  <Tag color="red">{t('chain.records.quarantined', { count: r.quarantined })}</Tag>
                )}
                {r.lastAppliedAt && now - Date.parse(r.lastAppliedAt) > BEHIND_MS ? (
                  <Tag color="orange">{t('chain.records.behind')}</Tag>
                ) : (
                  r.quarantined === 0 && <Tag color="green">{t('chain.records.ok')}</Tag>
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
                <Typography.Text strong>{sum('funnel')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} colSpan={3} />
            </Table.Summary.Row>
          ) : null
        }
      />
    </Card>
  )
}

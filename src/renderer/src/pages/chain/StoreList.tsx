import { Progress, Table, Tag, Tooltip, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ChainStore } from '../../../../shared/contract/chain'
import { formatBytes, formatDuration, formatTime } from '../../format'
import { useNow } from '../../useNow'
import { SyncStateTag } from './SyncStateTag'

/** Seen this long ago or more: the store is shown as away (it writes its status at least every 5 minutes). */
const AWAY_MS = 15 * 60_000

/** Headquarters' list of stores, from the status objects they write to the bucket. */
export function StoreList({
  stores,
  catalogVersion,
  loading,
}: {
  stores: ChainStore[]
  catalogVersion: number | null
  loading: boolean
}) {
  const { t } = useTranslation()
  const now = useNow()
  return (
    <Table<ChainStore>
      rowKey="storeId"
      size="middle"
      loading={loading}
      dataSource={stores}
      pagination={stores.length > 50 ? { pageSize: 50 } : false}
      locale={{ emptyText: t('chain.noStores') }}
      data-testid="chain-stores"
      columns={[
        {
          title: t('chain.store'),
          key: 'store',
          render: (_, s) => (
            <>
              <Typography.Text strong>{s.storeName ?? s.storeId}</Typography.Text>
              {s.storeName && (
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  {s.storeId}
                </Typography.Text>
              )}
            </>
          ),
        },
        {
          title: t('chain.lastSeen'),
          key: 'seen',
          render: (_, s) => {
            if (!s.lastSeenAt) return '—'
            const ago = now - Date.parse(s.lastSeenAt)
            return (
              <Tooltip title={formatTime(s.lastSeenAt)}>
                <Typography.Text type={ago > AWAY_MS ? 'danger' : undefined}>
                  {t('chain.ago', { time: formatDuration(Math.max(0, ago)) })}
                </Typography.Text>
              </Tooltip>
            )
          },
        },
        {
          title: t('chain.catalogApplied'),
          key: 'version',
          render: (_, s) =>
            s.catalogVersion === null ? (
              <Tag>{t('chain.none')}</Tag>
            ) : (
              <Tag color={s.catalogVersion === catalogVersion ? 'green' : 'orange'}>v{s.catalogVersion}</Tag>
            ),
        },
        {
          title: t('chain.sync'),
          key: 'sync',
          width: 260,
          render: (_, s) =>
            s.problem ? (
              <Typography.Text type="danger">{s.problem}</Typography.Text>
            ) : (
              <>
                <SyncStateTag state={s.state} />
                {s.progress && s.progress.bytes > 0 && (
                  <Progress
                    size="small"
                    percent={Math.floor((s.progress.bytesDone / s.progress.bytes) * 100)}
                    format={() => `${formatBytes(s.progress!.bytesDone)} / ${formatBytes(s.progress!.bytes)}`}
                  />
                )}
                {s.error && (
                  <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }}>
                    {t(`errors.${s.error.code}`, { message: s.error.message, defaultValue: s.error.message })}
                  </Typography.Text>
                )}
              </>
            ),
        },
        { title: t('chain.videos'), dataIndex: 'videos', key: 'videos', align: 'right' },
        {
          title: t('chain.disk'),
          key: 'disk',
          render: (_, s) =>
            s.disk
              ? t('chain.diskFree', {
                  free: formatBytes(s.disk.freeBytes),
                  total: formatBytes(s.disk.totalBytes),
                })
              : '—',
        },
      ]}
    />
  )
}

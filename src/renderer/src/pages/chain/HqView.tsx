import { Alert, App, Button, Card, Popconfirm, Progress, Table, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { ChainHq, ChainJob } from '../../../../shared/contract/chain'
import { useChainHq, useChainStores, useChainUnpublish } from '../../api/chain'
import { errorMessage } from '../../api/client'
import { formatBytes, formatTime } from '../../format'
import { StoreList } from './StoreList'
import { ChainDashboard } from './ChainDashboard'

type Published = ChainHq['videos'][number]

/** Headquarters: the stores and what they applied, the catalog in the bucket, publish jobs with their progress. */
export function HqView() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const hq = useChainHq()
  const stores = useChainStores()
  const unpublish = useChainUnpublish()
  const view = hq.data
  const running = (view?.jobs ?? []).filter((j) => j.status === 'queued' || j.status === 'running')

  return (
    <>
      {view?.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t(`errors.${view.error.code}`, {
            message: view.error.message,
            defaultValue: view.error.message,
          })}
        />
      )}
      <Card
        title={t('chain.stores')}
        data-testid="chain-stores-card"
        extra={
          <Typography.Text type="secondary">
            {view?.catalogVersion
              ? t('chain.catalogNow', { version: view.catalogVersion })
              : t('chain.noCatalog')}
          </Typography.Text>
        }
      >
        <StoreList
          stores={stores.data ?? []}
          catalogVersion={view?.catalogVersion ?? null}
          loading={stores.isLoading}
        />
      </Card>
      <ChainDashboard />
      {running.length > 0 && (
        <Card title={t('chain.jobs')} style={{ marginTop: 16 }} data-testid="chain-jobs">
          {running.map((j) => (
            <JobRow key={j.id} job={j} />
          ))}
        </Card>
      )}
      <Card title={t('chain.catalog')} style={{ marginTop: 16 }} data-testid="chain-catalog">
        <Table<Published>
          rowKey="chainId"
          size="middle"
          loading={hq.isLoading}
          dataSource={view?.videos ?? []}
          pagination={false}
          locale={{ emptyText: t('chain.noVideos') }}
          columns={[
            { title: t('chain.video'), dataIndex: 'title', key: 'title' },
            {
              title: t('chain.for'),
              key: 'stores',
              render: (_, v) =>
                v.stores.map((s) => <Tag key={s}>{s === '*' ? t('chain.allStores') : s}</Tag>),
            },
            { title: t('chain.size'), key: 'bytes', render: (_, v) => formatBytes(v.bytes) },
            { title: t('chain.publishedAt'), key: 'at', render: (_, v) => formatTime(v.publishedAt) },
            {
              key: 'actions',
              align: 'right',
              render: (_, v) => (
                <Popconfirm
                  title={t('chain.unpublishConfirm', { title: v.title })}
                  onConfirm={() =>
                    unpublish
                      .mutateAsync({ video: v.videoId ?? v.chainId })
                      .catch((err) => message.error(errorMessage(err)))
                  }
                >
                  <Button size="small" danger>
                    {t('chain.unpublish')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
        {(view?.bindings.length ?? 0) > 0 && (
          <>
            <Typography.Title level={5} style={{ marginTop: 20 }}>
              {t('chain.bindings')}
            </Typography.Title>
            {view!.bindings.map((b) => (
              <Typography.Paragraph key={b.id} style={{ marginBottom: 6 }}>
                <Tag color="blue">{b.label}</Tag>
                {b.videos.map((v) => v.title).join('、')}
                <Typography.Text type="secondary">
                  {' · '}
                  {b.stores.map((s) => (s === '*' ? t('chain.allStores') : s)).join(', ')}
                  {(b.from || b.to) && ` · ${b.from ?? '…'} – ${b.to ?? '…'}`}
                </Typography.Text>
              </Typography.Paragraph>
            ))}
          </>
        )}
      </Card>
    </>
  )
}

function JobRow({ job }: { job: ChainJob }) {
  const { t } = useTranslation()
  return (
    <div style={{ marginBottom: 8 }}>
      <Typography.Text>
        {t(job.kind === 'publish' ? 'chain.publishing' : 'chain.unpublishing', { title: job.title })}
      </Typography.Text>
      <Progress percent={job.percent ?? 0} size="small" status="active" />
    </div>
  )
}

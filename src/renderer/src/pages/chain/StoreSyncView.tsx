import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Progress,
  Row,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd'
import { SyncOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { ChainSync } from '../../../../shared/contract/chain'
import type { Video } from '../../../../shared/contract/videos'
import { useChainSyncNow, useChainSyncState } from '../../api/chain'
import { errorMessage } from '../../api/client'
import { useVideos } from '../../api/videos'
import { formatBytes, formatDuration, formatTime } from '../../format'
import { useNow } from '../../useNow'
import { SyncStateTag } from './SyncStateTag'

type Binding = ChainSync['bindings'][number]

/** A store: its sync with headquarters, the campaign bindings on its tags, and the videos that came from HQ. */
export function StoreSyncView() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const query = useChainSyncState()
  const syncNow = useChainSyncNow()
  const videos = useVideos()
  const now = useNow()
  const s = query.data
  const fromHq = (videos.data ?? []).filter((v) => v.origin === 'chain')
  if (!s) return <Card loading />
  const ago = s.lastSyncAt ? formatDuration(Math.max(0, now - Date.parse(s.lastSyncAt))) : null
  return (
    <>
      <Card
        title={t('chain.syncTitle')}
        data-testid="chain-sync-card"
        extra={
          <Button
            icon={<SyncOutlined />}
            loading={syncNow.isPending}
            disabled={s.state === 'off'}
            onClick={() => syncNow.mutateAsync({}).catch((err) => message.error(errorMessage(err)))}
            data-testid="chain-sync-now"
          >
            {t('chain.syncNow')}
          </Button>
        }
      >
        {s.stale && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('chain.staleWarning', { time: ago ?? '—' })}
          />
        )}
        {s.error && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            data-testid="chain-sync-error"
            title={t('chain.syncFailed', { count: s.failures })}
            description={t(`errors.${s.error.code}`, {
              message: s.error.message,
              defaultValue: s.error.message,
            })}
          />
        )}
        <Row gutter={24}>
          <Col span={6}>
            <Statistic title={t('chain.status')} valueRender={() => <SyncStateTag state={s.state} />} />
          </Col>
          <Col span={6}>
            <Statistic
              title={t('chain.catalogApplied')}
              value={s.catalogVersion === null ? t('chain.none') : `v${s.catalogVersion}`}
            />
          </Col>
          <Col span={6}>
            <Statistic
              title={t('chain.lastSynced')}
              value={ago ? t('chain.ago', { time: ago }) : t('chain.never')}
            />
          </Col>
          <Col span={6}>
            <Statistic title={t('chain.fromHq')} value={s.videos} />
          </Col>
        </Row>
        {s.progress && (
          <div style={{ marginTop: 16 }} data-testid="chain-sync-progress">
            <Typography.Text type="secondary">
              {t('chain.downloading', {
                files: s.progress.files - s.progress.filesDone,
                done: formatBytes(s.progress.bytesDone),
                total: formatBytes(s.progress.bytes),
              })}
            </Typography.Text>
            <Progress
              status="active"
              percent={s.progress.bytes ? Math.floor((s.progress.bytesDone / s.progress.bytes) * 100) : 0}
            />
          </div>
        )}
        <Descriptions size="small" column={2} style={{ marginTop: 16 }}>
          <Descriptions.Item label={t('chain.newestSeen')}>
            {s.availableVersion === null ? '—' : `v${s.availableVersion}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('chain.nextCheck')}>
            {s.nextAttemptAt ? formatTime(s.nextAttemptAt) : '—'}
          </Descriptions.Item>
          {s.lastRun && (
            <Descriptions.Item label={t('chain.lastRun')} span={2}>
              {t('chain.lastRunText', {
                files: s.lastRun.files,
                bytes: formatBytes(s.lastRun.bytes),
                resumed: formatBytes(s.lastRun.resumedBytes),
                seconds: s.lastRun.seconds,
              })}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Card title={t('chain.bindings')} style={{ marginTop: 16 }}>
        <Table<Binding>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={s.bindings}
          locale={{ emptyText: t('chain.noBindings') }}
          columns={[
            {
              title: t('chain.placement'),
              key: 'label',
              render: (_, b) => <Tag color="blue">{b.label}</Tag>,
            },
            {
              title: t('chain.plays'),
              key: 'videos',
              render: (_, b) => b.videos.map((v) => v.title).join('、'),
            },
            {
              title: t('chain.dates'),
              key: 'dates',
              render: (_, b) => (
                <>
                  {b.from || b.to ? `${b.from ?? '…'} – ${b.to ?? '…'}` : t('chain.always')}{' '}
                  <Tag color={b.active ? 'green' : 'default'}>
                    {t(b.active ? 'chain.active' : 'chain.inactive')}
                  </Tag>
                </>
              ),
            },
            {
              title: t('chain.onTags'),
              key: 'tags',
              render: (_, b) => (b.tags.length ? b.tags.map((x) => x.label).join('、') : t('chain.noTags')),
            },
          ]}
        />
      </Card>
      <Card title={t('chain.fromHq')} style={{ marginTop: 16 }}>
        <Typography.Paragraph type="secondary">{t('chain.readOnly')}</Typography.Paragraph>
        <Table<Video>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={fromHq}
          locale={{ emptyText: t('chain.noVideos') }}
          columns={[
            { title: t('chain.video'), dataIndex: 'title', key: 'title' },
            {
              title: t('chain.size'),
              key: 'size',
              render: (_, v) => formatBytes(v.renditions.reduce((n, r) => n + r.sizeBytes, 0)),
            },
            {
              key: 'leaving',
              render: (_, v) =>
                v.chainLeavesAt ? (
                  <Tag color="orange">{t('chain.leaves', { at: formatTime(v.chainLeavesAt) })}</Tag>
                ) : null,
            },
          ]}
        />
      </Card>
    </>
  )
}

import { Card, Empty, Flex, Progress, Space, Table, Tag as AntTag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { PoolStatus } from '../../../../shared/contract/remix'
import { usePools, useVariants } from '../../api/remix'
import { useTags } from '../../api/tags'
import { useVideos } from '../../api/videos'
import { formatBytes, formatDuration } from '../../format'
import { sayText } from '../../i18n/contract-texts'
import { languageOf } from '../../i18n'

function Variants({ tagId }: { tagId: number }) {
  const { t } = useTranslation()
  const variants = useVariants(tagId)
  const videos = useVideos()
  const title = (id: number) => videos.data?.find((v) => v.id === id)?.title ?? `#${id}`
  return (
    <Table
      size="small"
      rowKey="id"
      pagination={{ pageSize: 8 }}
      loading={variants.isLoading}
      dataSource={variants.data ?? []}
      columns={[
        { title: '#', dataIndex: 'id', width: 70 },
        { title: t('remix.seed'), dataIndex: 'seed', width: 120 },
        {
          title: t('remix.status'),
          dataIndex: 'status',
          width: 110,
          render: (s: string) => t(`remix.variantStatus.${s}`),
        },
        {
          title: t('remix.clips'),
          dataIndex: 'clips',
          render: (clips: Array<{ videoId: number; speed: number; mirror: boolean }>) =>
            clips
              .map(
                (c) =>
                  `${title(c.videoId)} ×${c.speed.toFixed(2)}${c.mirror ? ` (${t('remix.mirror')})` : ''}`,
              )
              .join(' → '),
        },
        {
          title: t('remix.duration'),
          dataIndex: 'durationMs',
          width: 90,
          render: (ms: number | null) => (ms === null ? '' : formatDuration(ms)),
        },
        {
          title: t('remix.size'),
          dataIndex: 'sizeBytes',
          width: 100,
          render: (n: number | null) => (n === null ? '' : formatBytes(n)),
        },
      ]}
    />
  )
}

/** Each remix tag's pool: ready against its target, the variant being rendered, used today; the variants below. */
export function PoolsCard() {
  const { t, i18n } = useTranslation()
  const pools = usePools()
  const tags = useTags()
  const label = (p: PoolStatus) => {
    const tag = tags.data?.find((x) => x.id === p.tagId)
    return tag ? tag.label || tag.code : `#${p.tagId}`
  }
  return (
    <Card title={t('remix.pools')} data-testid="remix-pools">
      {(pools.data ?? []).length === 0 ? (
        <Empty description={t('remix.poolsEmpty')} />
      ) : (
        <Table
          rowKey="tagId"
          pagination={false}
          dataSource={pools.data ?? []}
          expandable={{ expandedRowRender: (p) => <Variants tagId={p.tagId} /> }}
          columns={[
            {
              title: t('nav.tags'),
              key: 'tag',
              render: (_: unknown, p: PoolStatus) => (
                <Flex vertical gap={2}>
                  <Space>
                    <Typography.Text strong>{label(p)}</Typography.Text>
                    {p.dry && <AntTag color="red">{t('remix.dry')}</AntTag>}
                  </Space>
                  {p.problem && (
                    <Typography.Text
                      type="warning"
                      style={{ fontSize: 12 }}
                      data-testid={`pool-problem-${p.tagId}`}
                    >
                      {sayText(p.problem, languageOf(i18n.language))}
                    </Typography.Text>
                  )}
                </Flex>
              ),
            },
            {
              title: t('remix.ready'),
              key: 'ready',
              width: 260,
              render: (_: unknown, p: PoolStatus) => (
                <Flex vertical gap={2}>
                  <Progress
                    percent={Math.min(100, Math.round((p.ready / Math.max(1, p.target)) * 100))}
                    format={() => `${p.ready}`}
                    size="small"
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('remix.target', { n: p.target })}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              title: t('remix.rendering'),
              key: 'rendering',
              width: 220,
              render: (_: unknown, p: PoolStatus) => (
                <Flex vertical gap={2}>
                  {p.rendering > 0 ? (
                    <Progress
                      percent={p.progress === null ? 0 : Math.round(p.progress * 100)}
                      status="active"
                      size="small"
                    />
                  ) : (
                    <Typography.Text type="secondary">—</Typography.Text>
                  )}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {p.rendering} · {t('remix.disk', { size: formatBytes(p.diskBytes) })}
                    {p.failed ? ` · ${t('remix.failed', { n: p.failed })}` : ''}
                  </Typography.Text>
                </Flex>
              ),
            },
            { title: t('remix.usedToday'), dataIndex: 'usedToday', width: 100 },
            { title: t('remix.used'), dataIndex: 'used', width: 100 },
          ]}
        />
      )}
    </Card>
  )
}

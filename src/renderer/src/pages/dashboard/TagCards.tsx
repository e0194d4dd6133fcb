import { Card, Empty, Flex, List, Progress, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Dashboard } from '../../../../shared/contract/monitoring'
import { formatTime } from '../../format'
import { periodWords } from './period'

/** The most tapped tags of the window, each with a bar against the first. */
export function TopTagsCard({ d, days }: { d: Dashboard | undefined; days: number }) {
  const { t } = useTranslation()
  return (
    <Card
      size="small"
      title={t('dashboard.topTags', { period: periodWords(t, days) })}
      style={{ height: '100%' }}
      data-testid="top-tags"
    >
      <List
        size="small"
        dataSource={d?.topTags ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        renderItem={(r, i) => {
          const max = d?.topTags[0]?.taps || 1
          return (
            <List.Item>
              <Flex vertical style={{ width: '100%' }}>
                <Flex justify="space-between">
                  <Typography.Text ellipsis style={{ maxWidth: 200 }}>
                    {i + 1}. {r.label || r.code || `#${r.tagId}`}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('dashboard.tapsAndTransfers', { taps: r.taps, transfers: r.transfers })}
                  </Typography.Text>
                </Flex>
                <Progress
                  percent={(r.taps / max) * 100}
                  showInfo={false}
                  size="small"
                  style={{ margin: 0 }}
                />
              </Flex>
            </List.Item>
          )
        }}
      />
    </Card>
  )
}

/** Enabled tags nobody tapped for `idleDays` days: fallen off, hidden, or in the wrong place. */
export function IdleTagsCard({ d, idleDays }: { d: Dashboard | undefined; idleDays: number }) {
  const { t } = useTranslation()
  return (
    <Card
      size="small"
      title={t('dashboard.idleTags', { n: idleDays })}
      extra={d ? <Tag color={d.idleTags.total ? 'orange' : 'green'}>{d.idleTags.total}</Tag> : null}
      style={{ height: '100%' }}
      data-testid="idle-tags"
    >
      <List
        size="small"
        dataSource={d?.idleTags.rows.slice(0, 6) ?? []}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t('dashboard.noIdleTags', { n: idleDays })}
            />
          ),
        }}
        renderItem={(r) => (
          <List.Item>
            <Typography.Text ellipsis style={{ maxWidth: 180 }}>
              {r.label || r.code}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.lastTapAt
                ? t('dashboard.lastTap', { when: formatTime(r.lastTapAt) })
                : t('dashboard.neverTapped')}
            </Typography.Text>
          </List.Item>
        )}
      />
    </Card>
  )
}

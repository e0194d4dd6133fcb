import { Card, Empty, List, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Dashboard } from '../../../../shared/contract/monitoring'
import { formatTime } from '../../format'

/** Why transfers failed in the window, and the latest failures (each opens its timeline). */
export function FailuresCard({ d, onOpen }: { d: Dashboard | undefined; onOpen: (id: number) => void }) {
  const { t } = useTranslation()
  return (
    <Card size="small" title={t('dashboard.failures')} style={{ height: '100%' }} data-testid="failures">
      {d && d.failures.reasons.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noFailures')} />
      ) : (
        <List
          size="small"
          dataSource={d?.failures.reasons ?? []}
          renderItem={(r) => (
            <List.Item extra={<Tag color="red">{r.count}</Tag>}>
              <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                {t(`dashboard.reason.${r.reason}`, { defaultValue: r.reason })}
              </Typography.Text>
            </List.Item>
          )}
        />
      )}
      {d && d.failures.recent.length > 0 && (
        <>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('dashboard.recentFailures')}
          </Typography.Text>
          <List
            size="small"
            dataSource={d.failures.recent.slice(0, 4)}
            renderItem={(x) => (
              <List.Item onClick={() => onOpen(x.id)} style={{ cursor: 'pointer' }}>
                <Typography.Text style={{ fontSize: 12 }}>
                  {formatTime(x.createdAt)} · {x.tagLabel || x.tagCode} · {x.videoTitle ?? '—'}
                </Typography.Text>
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  )
}

import { useMemo, useState } from 'react'
import { Card, Segmented, Select, Space, Tooltip, theme } from 'antd'
import { QuestionCircleOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import { emptyFunnel, type FunnelCounts } from '../../../../shared/contract/funnel'
import { useFunnelBreakdown, useFunnelCounts } from '../../api/funnel'
import { useTags } from '../../api/tags'
import { useVideos } from '../../api/videos'
import { FunnelFigures } from './FunnelFigures'
import { periodWords } from './period'

type Scope = 'all' | 'tag' | 'video'

/**
 * The conversion funnel over the dashboard's period — taps, played, saved, caption copied, a platform chosen, and
 * which platforms — for the whole store, one tag or one video (the one with the most taps first).
 */
export function FunnelCard({ days }: { days: number }) {
  const { t } = useTranslation()
  const { token } = theme.useToken()
  const [scope, setScope] = useState<Scope>('all')
  const [picked, setPicked] = useState<Record<'tag' | 'video', number | null>>({ tag: null, video: null })
  const overall = useFunnelCounts({ days }, scope === 'all')
  const breakdown = useFunnelBreakdown(scope === 'video' ? 'video' : 'tag', { days }, scope !== 'all')
  const tags = useTags()
  const videos = useVideos()

  // Everything that can be picked, the most tapped in the period first (those without taps last, by name).
  const options = useMemo(() => {
    if (scope === 'all') return []
    const taps = new Map((breakdown.data?.rows ?? []).map((r) => [r.id, r.counts.taps]))
    const items =
      scope === 'tag'
        ? (tags.data ?? []).map((x) => ({ id: x.id, name: x.label || x.code }))
        : (videos.data ?? []).map((x) => ({ id: x.id, name: x.title }))
    return items
      .map((x) => ({ ...x, taps: taps.get(x.id) ?? 0 }))
      .sort((a, b) => b.taps - a.taps || a.name.localeCompare(b.name))
      .map((x) => ({ value: x.id, label: t('dashboard.funnelOption', { name: x.name, n: x.taps }) }))
  }, [scope, breakdown.data, tags.data, videos.data, t])

  const id = scope === 'all' ? null : (picked[scope] ?? options[0]?.value ?? null)
  const counts: FunnelCounts | undefined =
    scope === 'all'
      ? overall.data?.counts
      : breakdown.data && (breakdown.data.rows.find((r) => r.id === id)?.counts ?? emptyFunnel())

  return (
    <Card
      size="small"
      data-testid="funnel-card"
      title={
        <Space size={6}>
          {t('dashboard.funnel', { period: periodWords(t, days) })}
          <Tooltip title={t('dashboard.funnelHelp')}>
            <QuestionCircleOutlined style={{ color: token.colorTextTertiary }} />
          </Tooltip>
        </Space>
      }
      extra={
        <Space size={8} wrap>
          {scope !== 'all' && (
            <Select
              size="small"
              style={{ width: 240 }}
              value={id}
              onChange={(v: number) => setPicked((p) => ({ ...p, [scope]: v }))}
              options={options}
              showSearch
              optionFilterProp="label"
              placeholder={scope === 'tag' ? t('dashboard.funnelPickTag') : t('dashboard.funnelPickVideo')}
              data-testid="funnel-pick"
            />
          )}
          <Segmented
            size="small"
            value={scope}
            onChange={(v) => setScope(v as Scope)}
            options={[
              { value: 'all', label: t('dashboard.funnelAll') },
              { value: 'tag', label: t('dashboard.funnelByTag') },
              { value: 'video', label: t('dashboard.funnelByVideo') },
            ]}
            data-testid="funnel-scope"
          />
        </Space>
      }
    >
      <FunnelFigures counts={counts} />
    </Card>
  )
}

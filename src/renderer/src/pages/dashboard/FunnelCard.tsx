import { Fragment, useMemo, useState } from 'react'
import {
  Card,
  Col,
  Empty,
  Flex,
  Progress,
  Row,
  Segmented,
  Select,
  Space,
  Tooltip,
  Typography,
  theme,
} from 'antd'
import { QuestionCircleOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import { emptyFunnel, type FunnelCounts } from '../../../../shared/contract/funnel'
import { PlatformSchema, type Platform } from '../../../../shared/contract/publish'
import { FUNNEL_STAGES, formatShare, shareOf } from '../../../../shared/funnel/stages'
import { useFunnelBreakdown, useFunnelCounts } from '../../api/funnel'
import { useTags } from '../../api/tags'
import { useVideos } from '../../api/videos'
import { Chart } from '../../components/Chart'
import { funnelChart } from './charts'

type Scope = 'all' | 'tag' | 'video'

/** Each app in the colour people know it by (Douyin's is near-black). */
const PLATFORM_COLOR: Record<Platform, string> = {
  douyin: '#1f2328',
  kuaishou: '#ff5000',
  xiaohongshu: '#ff2442',
  channels: '#fa9d3b',
  wechat: '#07c160',
}

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
  const colors = useMemo(
    () => [token.colorPrimary, '#36cfc9', '#52c41a', '#faad14', '#fa541c'],
    [token.colorPrimary],
  )
  const option = useMemo(() => (counts ? funnelChart(counts, t, colors) : {}), [counts, t, colors])

  return (
    <Card
      size="small"
      data-testid="funnel-card"
      title={
        <Space size={6}>
          {t('dashboard.funnel', { n: days })}
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
      {counts && counts.taps === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.funnelEmpty')} />
      ) : (
        <Row gutter={[32, 16]} align="middle">
          <Col xs={24} lg={10}>
            <Chart option={option} height={250} testId="funnel-chart" />
          </Col>
          <Col xs={24} lg={7}>
            <Stages counts={counts} colors={colors} />
          </Col>
          <Col xs={24} lg={7}>
            <Platforms counts={counts} />
          </Col>
        </Row>
      )}
    </Card>
  )
}

/** Each stage's count and its share of taps, beside the chart (its colours are the chart's). */
function Stages({ counts, colors }: { counts: FunnelCounts | undefined; colors: readonly string[] }) {
  const { t } = useTranslation()
  const c = counts ?? emptyFunnel()
  return (
    <div
      data-testid="funnel-stages"
      style={{
        display: 'grid',
        gridTemplateColumns: '10px 1fr max-content max-content',
        alignItems: 'center',
        columnGap: 12,
        rowGap: 10,
      }}
    >
      <span />
      <span />
      <span />
      <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: 'right' }}>
        {t('dashboard.funnelOfTaps')}
      </Typography.Text>
      {FUNNEL_STAGES.map((s, i) => {
        const n = c[s.count]
        return (
          <Fragment key={s.count}>
            <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: colors[i] }} />
            <Typography.Text>{t(`label.funnelStep.${s.step}`)}</Typography.Text>
            <Typography.Text
              strong
              style={{ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}
              data-testid={`funnel-stage-${s.count}`}
              data-count={counts ? n : undefined}
            >
              {n.toLocaleString()}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ textAlign: 'right', minWidth: 48 }}>
              {i === 0 ? '' : formatShare(shareOf(n, c.taps))}
            </Typography.Text>
          </Fragment>
        )
      })}
    </div>
  )
}

/** How many chose each platform, the most chosen first, with its share of taps. */
function Platforms({ counts }: { counts: FunnelCounts | undefined }) {
  const { t } = useTranslation()
  const c = counts ?? emptyFunnel()
  const most = Math.max(1, ...Object.values(c.publishChosen))
  const order = [...PlatformSchema.options].sort((a, b) => c.publishChosen[b] - c.publishChosen[a])
  return (
    <Flex vertical gap={8}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('dashboard.funnelPlatforms')}
      </Typography.Text>
      <div
        data-testid="funnel-platforms"
        style={{
          display: 'grid',
          gridTemplateColumns: 'max-content minmax(60px, 1fr) max-content max-content',
          alignItems: 'center',
          columnGap: 12,
          rowGap: 6,
        }}
      >
        {order.map((p) => {
          const n = c.publishChosen[p]
          return (
            <Fragment key={p}>
              <Typography.Text>{t(`label.platform.${p}`)}</Typography.Text>
              <Progress
                percent={(n / most) * 100}
                showInfo={false}
                size="small"
                strokeColor={PLATFORM_COLOR[p]}
                style={{ margin: 0 }}
              />
              <Typography.Text
                strong
                style={{ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}
                data-testid={`funnel-platform-${p}`}
                data-count={counts ? n : undefined}
              >
                {n.toLocaleString()}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ textAlign: 'right', minWidth: 40 }}>
                {formatShare(shareOf(n, c.taps))}
              </Typography.Text>
            </Fragment>
          )
        })}
      </div>
    </Flex>
  )
}

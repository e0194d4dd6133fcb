import { Fragment, useMemo } from 'react'
import { Col, Empty, Flex, Progress, Row, Typography, theme } from 'antd'
import { useTranslation } from 'react-i18next'
import { emptyFunnel, type FunnelCounts } from '../../../../shared/contract/funnel'
import { PlatformSchema, type Platform } from '../../../../shared/contract/publish'
import { FUNNEL_STAGES, formatShare, shareOf } from '../../../../shared/funnel/stages'
import { Chart } from '../../components/Chart'
import { funnelChart } from './charts'

/** Each app in the colour people know it by (Douyin's is near-black). */
const PLATFORM_COLOR: Record<Platform, string> = {
  douyin: '#1f2328',
  kuaishou: '#ff5000',
  xiaohongshu: '#ff2442',
  channels: '#fa9d3b',
  wechat: '#07c160',
}

/**
 * A funnel drawn: the chart, each stage's count and share of taps, and the platforms chosen. The store's dashboard
 * and headquarters' chain dashboard both show their funnels with it (`undefined` while loading).
 */
export function FunnelFigures({ counts }: { counts: FunnelCounts | undefined }) {
  const { t } = useTranslation()
  const { token } = theme.useToken()
  const colors = useMemo(
    () => [token.colorPrimary, '#36cfc9', '#52c41a', '#faad14', '#fa541c'],
    [token.colorPrimary],
  )
  const option = useMemo(() => (counts ? funnelChart(counts, t, colors) : {}), [counts, t, colors])
  if (counts && counts.taps === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.funnelEmpty')} />
  return (
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

import { useMemo, useState } from 'react'
import { Alert, Badge, Card, Col, Empty, Flex, Row, theme } from 'antd'
import { useTranslation } from 'react-i18next'
import { errorMessage } from '../../api/client'
import { useHubInfo } from '../../api/hub'
import { useDashboard } from '../../api/monitoring'
import { useLiveTransfers } from '../../api/live-transfers'
import { PageHeader } from '../../components/PageHeader'
import { Chart } from '../../components/Chart'
import { PeriodPicker } from '../../components/PeriodPicker'
import { LiveTransfersTable } from '../../components/LiveTransfersTable'
import { TransferDrawer } from '../../components/TransferDrawer'
import { tapsPerDayChart, tapsPerHourChart, topVideosChart } from './charts'
import { TodayTiles } from './TodayTiles'
import { FailuresCard } from './FailuresCard'
import { IdleTagsCard, TopTagsCard } from './TagCards'
import { HubCard, JobsCard } from './HubCards'
import { FunnelCard } from './FunnelCard'
import { periodWords } from './period'

export const DASHBOARD_IDLE_DAYS = 7

/** What is happening in the store now: today's tiles, live transfers, failures, charts, tags, jobs and the hub. */
export function DashboardPage() {
  const { t } = useTranslation()
  const { token } = theme.useToken()
  const [days, setDays] = useState(7)
  const [open, setOpen] = useState<number | null>(null)
  const summary = useDashboard(days, DASHBOARD_IDLE_DAYS)
  const info = useHubInfo().data ?? null
  const live = useLiveTransfers()
  const d = summary.data

  const hourOption = useMemo(
    () => (d ? tapsPerHourChart(d, t, token.colorPrimary) : {}),
    [d, t, token.colorPrimary],
  )
  const dayOption = useMemo(() => (d ? tapsPerDayChart(d, t) : {}), [d, t])
  const topVideoOption = useMemo(
    () => (d ? topVideosChart(d, t, token.colorPrimary) : {}),
    [d, t, token.colorPrimary],
  )

  return (
    <>
      <PageHeader
        title={t('dashboard.title')}
        subtitle={t('dashboard.subtitle')}
        extra={<PeriodPicker days={days} onChange={setDays} testId="dashboard-window" />}
      />
      {summary.error && (
        <Alert type="error" title={errorMessage(summary.error)} showIcon style={{ marginBottom: 16 }} />
      )}
      {info && !info.lanUrl && (
        <Alert type="warning" title={t('dashboard.lanDown')} showIcon style={{ marginBottom: 16 }} />
      )}
      <TodayTiles tiles={d?.tiles} />

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={16}>
          <Card
            size="small"
            title={
              <Flex align="center" gap={8}>
                <Badge status={live.some((r) => r.transfer.status === 'active') ? 'processing' : 'default'} />
                {t('dashboard.live')}
              </Flex>
            }
            styles={{ body: { padding: 0 } }}
            style={{ height: '100%' }}
          >
            <LiveTransfersTable rows={live} onOpen={setOpen} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <FailuresCard d={d} onOpen={setOpen} />
        </Col>
      </Row>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('dashboard.tapsPerHour')}>
            <Chart option={hourOption} height={240} testId="chart-hours" />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('dashboard.tapsPerDay', { period: periodWords(t, days) })}>
            <Chart option={dayOption} height={240} testId="chart-days" />
          </Card>
        </Col>
      </Row>

      <div style={{ marginTop: 12 }}>
        <FunnelCard days={days} />
      </div>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={8}>
          <Card
            size="small"
            title={t('dashboard.topVideos', { period: periodWords(t, days) })}
            style={{ height: '100%' }}
          >
            {d && d.topVideos.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Chart option={topVideoOption} height={200} testId="chart-top-videos" />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <TopTagsCard d={d} days={days} />
        </Col>
        <Col xs={24} xl={8}>
          <IdleTagsCard d={d} idleDays={DASHBOARD_IDLE_DAYS} />
        </Col>
      </Row>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={12}>
          <JobsCard jobs={d?.jobs} />
        </Col>
        <Col xs={24} xl={12}>
          <HubCard info={info} />
        </Col>
      </Row>
      <TransferDrawer id={open} onClose={() => setOpen(null)} />
    </>
  )
}

import { useMemo, useState, type ReactNode } from 'react'
import {
  Alert,
  Badge,
  Card,
  Col,
  Descriptions,
  Empty,
  Flex,
  List,
  Progress,
  Row,
  Segmented,
  Statistic,
  Tag,
  Typography,
  theme,
} from 'antd'
import {
  CheckCircleOutlined,
  CloseCircleOutlined,
  CloudDownloadOutlined,
  CloudServerOutlined,
  DisconnectOutlined,
  HddOutlined,
  HourglassOutlined,
  ScanOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Dashboard } from '../../../shared/contract/monitoring'
import { errorMessage } from '../api/client'
import { useDashboard } from '../api/monitoring'
import { useHubInfo } from '../api/hub'
import { useLiveTransfers } from '../api/live-transfers'
import { PageHeader } from '../components/PageHeader'
import { CopyText } from '../components/CopyText'
import { Chart } from '../components/Chart'
import { LiveTransfersTable } from '../components/LiveTransfersTable'
import { TransferDrawer } from '../components/TransferDrawer'
import { formatBytes, formatTime } from '../format'

export const DASHBOARD_IDLE_DAYS = 7

function Tile({
  title,
  value,
  icon,
  color,
  testId,
  footer,
}: {
  title: ReactNode
  value: ReactNode
  icon: ReactNode
  color?: string
  testId: string
  footer?: ReactNode
}) {
  return (
    <Card
      size="small"
      styles={{ body: { padding: '14px 16px' } }}
      style={{ height: '100%' }}
      data-testid={`tile-${testId}`}
    >
      <Statistic
        title={title}
        value={value as string}
        prefix={icon}
        styles={{ content: { fontSize: 20, color, whiteSpace: 'nowrap' } }}
      />
      {footer}
    </Card>
  )
}

export function DashboardPage() {
  const { t } = useTranslation()
  const { token } = theme.useToken()
  const [days, setDays] = useState(7)
  const [open, setOpen] = useState<number | null>(null)
  const summary = useDashboard(days, DASHBOARD_IDLE_DAYS)
  const info = useHubInfo().data ?? null
  const live = useLiveTransfers()
  const d: Dashboard | undefined = summary.data
  const tiles = d?.tiles

  const hourOption = useMemo(() => {
    if (!d) return {}
    const hours = Array.from({ length: 24 }, (_v, h) => `${String(h).padStart(2, '0')}:00`)
    const nowHour = new Date(d.at).getHours()
    return {
      tooltip: { trigger: 'axis' },
      legend: { data: [t('dashboard.today'), t('dashboard.yesterday')], top: 0, right: 0 },
      grid: { left: 36, right: 12, top: 32, bottom: 24 },
      xAxis: { type: 'category', data: hours, axisLabel: { interval: 2 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('dashboard.yesterday'),
          type: 'line',
          smooth: true,
          symbol: 'none',
          lineStyle: { type: 'dashed', width: 1.5 },
          itemStyle: { color: '#bfbfbf' },
          data: d.tapsPerHour.yesterday,
        },
        {
          name: t('dashboard.today'),
          type: 'bar',
          barMaxWidth: 14,
          itemStyle: { color: token.colorPrimary, borderRadius: [3, 3, 0, 0] },
          data: d.tapsPerHour.today.map((v, h) => (h > nowHour ? null : v)),
        },
      ],
    }
  }, [d, t, token.colorPrimary])

  const dayOption = useMemo(() => {
    if (!d) return {}
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 36, right: 12, top: 16, bottom: 24 },
      xAxis: { type: 'category', data: d.tapsPerDay.map((x) => x.day.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('dashboard.taps'),
          type: 'bar',
          barMaxWidth: 22,
          itemStyle: { color: '#13c2c2', borderRadius: [3, 3, 0, 0] },
          data: d.tapsPerDay.map((x) => x.taps),
        },
      ],
    }
  }, [d, t])

  const topVideoOption = useMemo(() => {
    if (!d) return {}
    const rows = [...d.topVideos].reverse()
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, splitLine: { show: false }, axisLabel: { show: false } },
      yAxis: {
        type: 'category',
        data: rows.map((r) => truncate(r.title ?? `#${r.videoId}`, 14)),
        axisTick: { show: false },
      },
      series: [
        {
          name: t('dashboard.transfers'),
          type: 'bar',
          barMaxWidth: 18,
          label: { show: true, position: 'right' },
          itemStyle: { color: token.colorPrimary, borderRadius: [0, 3, 3, 0] },
          data: rows.map((r) => r.transfers),
        },
      ],
    }
  }, [d, t, token.colorPrimary])

  const diskUsed =
    tiles?.diskTotalBytes && tiles.diskFreeBytes !== null
      ? Math.round(((tiles.diskTotalBytes - tiles.diskFreeBytes) / tiles.diskTotalBytes) * 100)
      : null
  const readersColor = !tiles ? undefined : tiles.readersOnline > 0 ? '#389e0d' : token.colorTextTertiary

  return (
    <>
      <PageHeader
        title={t('dashboard.title')}
        subtitle={t('dashboard.subtitle')}
        extra={
          <Segmented
            value={days}
            onChange={(v) => setDays(Number(v))}
            options={[
              { value: 1, label: t('dashboard.window1') },
              { value: 7, label: t('dashboard.window7') },
              { value: 30, label: t('dashboard.window30') },
            ]}
            data-testid="dashboard-window"
          />
        }
      />
      {summary.error && (
        <Alert type="error" title={errorMessage(summary.error)} showIcon style={{ marginBottom: 16 }} />
      )}
      {info && !info.lanUrl && (
        <Alert type="warning" title={t('dashboard.lanDown')} showIcon style={{ marginBottom: 16 }} />
      )}
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6} xxl={3}>
          <Tile
            testId="taps"
            title={t('dashboard.tapsToday')}
            value={tiles?.tapsToday ?? '—'}
            icon={<ThunderboltOutlined />}
          />
        </Col>
        <Col xs={12} md={6} xxl={3}>
          <Tile
            testId="active"
            title={t('dashboard.activeNow')}
            value={tiles ? tiles.active : '—'}
            icon={<CloudDownloadOutlined />}
            color={token.colorPrimary}
            footer={
              tiles && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('transfers.slots', { active: tiles.active, max: tiles.maxStreams })}
                </Typography.Text>
              )
            }
          />
        </Col>
        <Col xs={12} md={6} xxl={3}>
          <Tile
            testId="completed"
            title={t('dashboard.completedToday')}
            value={tiles?.completedToday ?? '—'}
            icon={<CheckCircleOutlined />}
            color="#389e0d"
          />
        </Col>
        <Col xs={12} md={6} xxl={3}>
          <Tile
            testId="failed"
            title={t('dashboard.failedToday')}
            value={tiles?.failedToday ?? '—'}
            icon={<CloseCircleOutlined />}
            color={tiles?.failedToday ? '#cf1322' : undefined}
            footer={
              tiles && tiles.abortedToday > 0 ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('dashboard.abortedToday', { n: tiles.abortedToday })}
                </Typography.Text>
              ) : undefined
            }
          />
        </Col>
        <Col xs={12} md={6} xxl={3}>
          <Tile
            testId="bytes"
            title={t('dashboard.bytesToday')}
            value={tiles ? formatBytes(tiles.bytesToday) : '—'}
            icon={<CloudServerOutlined />}
          />
        </Col>
        <Col xs={12} md={6} xxl={3}>
          <Tile
            testId="queued"
            title={t('dashboard.queued')}
            value={tiles?.queued ?? '—'}
            icon={<HourglassOutlined />}
            color={tiles?.queued ? '#d46b08' : undefined}
          />
        </Col>
        <Col xs={12} md={6} xxl={3}>
          <Tile
            testId="readers"
            title={t('dashboard.readers')}
            value={tiles ? tiles.readersOnline : '—'}
            icon={tiles && tiles.readersOnline === 0 ? <DisconnectOutlined /> : <ScanOutlined />}
            color={readersColor}
            footer={
              tiles && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`dashboard.nfc.${tiles.nfcService}`, { defaultValue: tiles.nfcService })}
                </Typography.Text>
              )
            }
          />
        </Col>
        <Col xs={12} md={6} xxl={3}>
          <Tile
            testId="disk"
            title={t('dashboard.diskFree')}
            value={tiles?.diskFreeBytes != null ? formatBytes(tiles.diskFreeBytes) : '—'}
            icon={<HddOutlined />}
            footer={
              diskUsed !== null && (
                <Progress
                  percent={diskUsed}
                  size="small"
                  showInfo={false}
                  status={diskUsed > 90 ? 'exception' : 'normal'}
                  style={{ margin: 0 }}
                />
              )
            }
          />
        </Col>
      </Row>

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
          <Card
            size="small"
            title={t('dashboard.failures')}
            style={{ height: '100%' }}
            data-testid="failures"
          >
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
                    <List.Item onClick={() => setOpen(x.id)} style={{ cursor: 'pointer' }}>
                      <Typography.Text style={{ fontSize: 12 }}>
                        {formatTime(x.createdAt)} · {x.tagLabel || x.tagCode} · {x.videoTitle ?? '—'}
                      </Typography.Text>
                    </List.Item>
                  )}
                />
              </>
            )}
          </Card>
        </Col>
      </Row>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('dashboard.tapsPerHour')}>
            <Chart option={hourOption} height={240} testId="chart-hours" />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('dashboard.tapsPerDay', { n: days })}>
            <Chart option={dayOption} height={240} testId="chart-days" />
          </Card>
        </Col>
      </Row>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('dashboard.topVideos', { n: days })} style={{ height: '100%' }}>
            {d && d.topVideos.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Chart option={topVideoOption} height={200} testId="chart-top-videos" />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card
            size="small"
            title={t('dashboard.topTags', { n: days })}
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
        </Col>
        <Col xs={24} xl={8}>
          <Card
            size="small"
            title={t('dashboard.idleTags', { n: DASHBOARD_IDLE_DAYS })}
            extra={d ? <Tag color={d.idleTags.total ? 'orange' : 'green'}>{d.idleTags.total}</Tag> : null}
            style={{ height: '100%' }}
            data-testid="idle-tags"
          >
            <List
              size="small"
              dataSource={d?.idleTags.rows.slice(0, 6) ?? []}
              locale={{
                emptyText: (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noIdleTags')} />
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
        </Col>
      </Row>

      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('dashboard.jobs')} style={{ height: '100%' }} data-testid="jobs">
            <Flex gap={24} wrap>
              <Statistic title={t('dashboard.jobsRunning')} value={d?.jobs.running ?? 0} />
              <Statistic title={t('dashboard.jobsQueued')} value={d?.jobs.queued ?? 0} />
              <Statistic
                title={t('dashboard.jobsFailed')}
                value={d?.jobs.failedVideos ?? 0}
                styles={{ content: { color: d?.jobs.failedVideos ? '#cf1322' : undefined } }}
              />
            </Flex>
            {d?.jobs.current.map((j) => (
              <Typography.Text key={j.videoId} type="secondary" style={{ display: 'block', marginTop: 8 }}>
                {t('dashboard.transcoding', { title: j.title })}
              </Typography.Text>
            ))}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('dashboard.hub')} style={{ height: '100%' }}>
            {info && (
              <Descriptions column={1} size="small" data-testid="hub-info">
                <Descriptions.Item label={t('dashboard.tagUrl')}>
                  <CopyText text={info.publicUrl} testId="public-url" />
                </Descriptions.Item>
                <Descriptions.Item label={t('dashboard.phoneUrl')}>
                  {info.lanUrl ? <CopyText text={info.lanUrl} /> : '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('dashboard.version')}>
                  {info.version} ·{' '}
                  {info.shell === 'electron' ? t('dashboard.shellElectron') : t('dashboard.shellHeadless')}
                  {' · '}
                  {t('dashboard.database')} {formatBytes(info.databaseBytes)}
                </Descriptions.Item>
                <Descriptions.Item label={t('dashboard.backup')}>
                  <span data-testid="hub-backup">
                    {info.backups.latest
                      ? t('dashboard.backupLatest', {
                          when: formatTime(info.backups.latest.at),
                          kept: info.backups.kept,
                        })
                      : t('dashboard.backupNone')}
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t('dashboard.dataDir')}>
                  <Typography.Text code>{info.dataDir}</Typography.Text>
                </Descriptions.Item>
              </Descriptions>
            )}
          </Card>
        </Col>
      </Row>
      <TransferDrawer id={open} onClose={() => setOpen(null)} />
    </>
  )
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s
}

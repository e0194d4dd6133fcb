import type { ReactNode } from 'react'
import { Card, Col, Progress, Row, Statistic, Typography, theme } from 'antd'
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
import type { Dashboard } from '../../../../shared/contract/monitoring'
import { formatBytes } from '../../format'

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

const COL = { xs: 12, md: 6, xxl: 3 } as const

/** Today at a glance: taps, downloads now, completed, failed, bytes, the line, readers and disk. */
export function TodayTiles({ tiles }: { tiles: Dashboard['tiles'] | undefined }) {
  const { t } = useTranslation()
  const { token } = theme.useToken()
  const diskUsed =
    tiles?.diskTotalBytes && tiles.diskFreeBytes !== null
      ? Math.round(((tiles.diskTotalBytes - tiles.diskFreeBytes) / tiles.diskTotalBytes) * 100)
      : null
  const readersColor = !tiles ? undefined : tiles.readersOnline > 0 ? '#389e0d' : token.colorTextTertiary
  const small = (text: ReactNode) => (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {text}
    </Typography.Text>
  )

  return (
    <Row gutter={[12, 12]}>
      <Col {...COL}>
        <Tile
          testId="taps"
          title={t('dashboard.tapsToday')}
          value={tiles?.tapsToday ?? '—'}
          icon={<ThunderboltOutlined />}
          footer={
            tiles && tiles.unknownTapsToday > 0
              ? small(t('dashboard.unknownTapsToday', { n: tiles.unknownTapsToday }))
              : undefined
          }
        />
      </Col>
      <Col {...COL}>
        <Tile
          testId="active"
          title={t('dashboard.activeNow')}
          value={tiles ? tiles.active : '—'}
          icon={<CloudDownloadOutlined />}
          color={token.colorPrimary}
          footer={tiles && small(t('transfers.slots', { active: tiles.active, max: tiles.maxStreams }))}
        />
      </Col>
      <Col {...COL}>
        <Tile
          testId="completed"
          title={t('dashboard.completedToday')}
          value={tiles?.completedToday ?? '—'}
          icon={<CheckCircleOutlined />}
          color="#389e0d"
        />
      </Col>
      <Col {...COL}>
        <Tile
          testId="failed"
          title={t('dashboard.failedToday')}
          value={tiles?.failedToday ?? '—'}
          icon={<CloseCircleOutlined />}
          color={tiles?.failedToday ? '#cf1322' : undefined}
          footer={
            tiles && tiles.abortedToday > 0
              ? small(t('dashboard.abortedToday', { n: tiles.abortedToday }))
              : undefined
          }
        />
      </Col>
      <Col {...COL}>
        <Tile
          testId="bytes"
          title={t('dashboard.bytesToday')}
          value={tiles ? formatBytes(tiles.bytesToday) : '—'}
          icon={<CloudServerOutlined />}
        />
      </Col>
      <Col {...COL}>
        <Tile
          testId="queued"
          title={t('dashboard.queued')}
          value={tiles?.queued ?? '—'}
          icon={<HourglassOutlined />}
          color={tiles?.queued ? '#d46b08' : undefined}
        />
      </Col>
      <Col {...COL}>
        <Tile
          testId="readers"
          title={t('dashboard.readers')}
          value={tiles ? tiles.readersOnline : '—'}
          icon={tiles && tiles.readersOnline === 0 ? <DisconnectOutlined /> : <ScanOutlined />}
          color={readersColor}
          footer={
            tiles && small(t(`label.nfcService.${tiles.nfcService}`, { defaultValue: tiles.nfcService }))
          }
        />
      </Col>
      <Col {...COL}>
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
  )
}

import { useEffect, useState } from 'react'
import { Alert, Card, Col, Descriptions, Row, Statistic, Typography } from 'antd'
import { ClockCircleOutlined, DatabaseOutlined, TeamOutlined, WifiOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import { errorMessage } from '../api/client'
import { useApiQuery } from '../api/queries'
import { PageHeader } from '../components/PageHeader'
import { CopyText } from '../components/CopyText'
import { formatBytes, formatDuration } from '../format'

export function DashboardPage() {
  const { t } = useTranslation()
  const query = useApiQuery('hub-info', {})
  const info = query.data ?? null
  const error = query.error ? errorMessage(query.error) : null
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])

  return (
    <>
      <PageHeader title={t('dashboard.title')} />
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {info && !info.lanUrl && (
        <Alert type="warning" title={t('dashboard.lanDown')} showIcon style={{ marginBottom: 16 }} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12} xl={6}>
          <Card>
            <Statistic
              title={t('dashboard.phoneUrl')}
              value={info ? (info.lanUrl ? t('dashboard.lanOnline') : t('dashboard.lanOffline')) : '—'}
              prefix={<WifiOutlined />}
              valueStyle={{ fontSize: 18, color: info?.lanUrl ? '#389e0d' : '#cf1322' }}
            />
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card>
            <Statistic
              title={t('dashboard.uptime')}
              value={info ? formatDuration(now - Date.parse(info.startedAt)) : '—'}
              prefix={<ClockCircleOutlined />}
              valueStyle={{ fontSize: 18 }}
            />
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card>
            <Statistic
              title={t('dashboard.users')}
              value={
                info
                  ? t('dashboard.activeUsers', { active: info.users.active, total: info.users.total })
                  : '—'
              }
              prefix={<TeamOutlined />}
              valueStyle={{ fontSize: 18 }}
            />
          </Card>
        </Col>
        <Col xs={24} md={12} xl={6}>
          <Card>
            <Statistic
              title={t('dashboard.database')}
              value={info ? formatBytes(info.databaseBytes) : '—'}
              prefix={<DatabaseOutlined />}
              valueStyle={{ fontSize: 18 }}
            />
          </Card>
        </Col>
      </Row>
      <Card title={t('dashboard.hub')} style={{ marginTop: 16 }}>
        {info && (
          <Descriptions column={{ xs: 1, lg: 2 }} data-testid="hub-info">
            <Descriptions.Item label={t('dashboard.tagUrl')}>
              <CopyText text={info.publicUrl} testId="public-url" />
            </Descriptions.Item>
            <Descriptions.Item label={t('dashboard.phoneUrl')}>
              {info.lanUrl ? <CopyText text={info.lanUrl} /> : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('dashboard.adminUrl')}>
              <CopyText text={info.adminUrl} />
            </Descriptions.Item>
            <Descriptions.Item label={t('dashboard.version')}>
              {info.version} · Node {info.node}
            </Descriptions.Item>
            <Descriptions.Item label={t('dashboard.shell')}>
              {info.shell === 'electron' ? t('dashboard.shellElectron') : t('dashboard.shellHeadless')}
            </Descriptions.Item>
            <Descriptions.Item label={t('dashboard.dataDir')}>
              <Typography.Text code>{info.dataDir}</Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
    </>
  )
}

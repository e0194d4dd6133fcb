import { useMemo, useState } from 'react'
import { Button, Card, Col, Empty, Flex, Row, Select, Space, Tooltip, Typography, theme } from 'antd'
import { DownloadOutlined, QuestionCircleOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { ChainRecordsCsvQuery } from '../../../../shared/contract/chain'
import { useChainRecords, useChainRecordsFunnel, useChainRecordsTrend, useChainStores } from '../../api/chain'
import { Chart } from '../../components/Chart'
import { PeriodPicker } from '../../components/PeriodPicker'
import { FunnelFigures } from '../dashboard/FunnelFigures'
import { chainTrendChart } from './charts'
import { RecordsBreakdown } from './RecordsBreakdown'
import { RecordsFailures } from './RecordsFailures'
import { StoreRecords } from './StoreRecords'
import { languageOf } from '../../i18n'

/** The local midnight that starts the last `days` days, today included (the store dashboard's 今天 / 7 / 30 天). */
function periodStart(days: number): string {
  const d = new Date()
  d.setHours(0, 0, 0, 0)
  d.setDate(d.getDate() - (days - 1))
  return d.toISOString()
}

/**
 * Headquarters' chain dashboard (issue 21): one period for every card — the per-store table with its health, the
 * trend per day, failures, the publish funnel across stores, placements and campaigns — and a store filter for the
 * trend and the funnel. The table and the trend download as CSV for the same period (and store).
 */
export function ChainDashboard() {
  const { t, i18n } = useTranslation()
  const { token } = theme.useToken()
  const [days, setDays] = useState(7)
  const [store, setStore] = useState('')
  const since = useMemo(() => periodStart(days), [days])
  const scope = { since, ...(store ? { store } : {}) }
  const names = new Map((useChainStores().data ?? []).map((s) => [s.storeId, s.storeName]))
  const rows = useChainRecords({ since }).data ?? []
  const trend = useChainRecordsTrend(scope).data
  const funnel = useChainRecordsFunnel(scope).data
  const nameOf = (id: string) => names.get(id) ?? id
  const trendOption = useMemo(
    () => (trend ? chainTrendChart(trend.days, t, token.colorPrimary) : {}),
    [trend, t, token.colorPrimary],
  )

  const csvHref = (what: ChainRecordsCsvQuery['what']) => {
    const p = new URLSearchParams({ what, since, lang: languageOf(i18n.language) })
    if (store && what === 'days') p.set('store', store)
    return `/chain-records.csv?${p.toString()}`
  }
  const csvButton = (what: ChainRecordsCsvQuery['what']) => (
    <Button
      size="small"
      icon={<DownloadOutlined />}
      href={csvHref(what)}
      download
      data-testid={`chain-csv-${what}`}
    >
      {t('chain.records.exportCsv')}
    </Button>
  )

  return (
    <div data-testid="chain-dashboard">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginTop: 24 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('chain.records.dashboard')}
        </Typography.Title>
        <Space size={12} wrap>
          <Select
            style={{ width: 220 }}
            value={store}
            onChange={setStore}
            showSearch
            optionFilterProp="label"
            options={[
              { value: '', label: t('chain.records.allStores') },
              ...rows.map((r) => ({ value: r.store, label: nameOf(r.store) })),
            ]}
            data-testid="chain-store-filter"
          />
          <PeriodPicker days={days} onChange={setDays} testId="chain-period" />
        </Space>
      </Flex>

      <StoreRecords since={since} names={names} extra={csvButton('stores')} />

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={15}>
          <Card
            size="small"
            title={store ? `${t('chain.records.trend')} · ${nameOf(store)}` : t('chain.records.trend')}
            extra={csvButton('days')}
            style={{ height: '100%' }}
            data-testid="chain-trend"
          >
            <Chart option={trendOption} height={280} testId="chain-trend-chart" />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <RecordsFailures rows={rows} nameOf={nameOf} />
        </Col>
      </Row>

      <Card
        size="small"
        style={{ marginTop: 16 }}
        data-testid="chain-funnel"
        title={
          <Space size={6}>
            {store ? t('chain.records.funnelOf', { store: nameOf(store) }) : t('chain.records.funnel')}
            <Tooltip title={t('chain.records.funnelHelp')}>
              <QuestionCircleOutlined style={{ color: token.colorTextTertiary }} />
            </Tooltip>
          </Space>
        }
      >
        {funnel || rows.length > 0 ? (
          <FunnelFigures counts={funnel?.counts} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('chain.records.none')} />
        )}
      </Card>

      <RecordsBreakdown since={since} />
    </div>
  )
}

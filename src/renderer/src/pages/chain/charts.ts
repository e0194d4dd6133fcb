import type { TFunction } from 'i18next'
import type { ChainRecordsDay } from '../../../../shared/contract/chain'

/**
 * Headquarters' trend per day across stores, in the store dashboard's look: taps as bars, transfers, completed and
 * publishes (a platform chosen) as lines, failed and expired transfers as a dashed red line.
 */
export function chainTrendChart(days: readonly ChainRecordsDay[], t: TFunction, primary: string) {
  const f = (k: string) => t(`label.chainRecordsField.${k}`)
  const names = {
    taps: f('taps'),
    transfers: f('transfers'),
    completed: f('completed'),
    published: t('label.funnelStep.platform-chosen'),
    failed: `${f('failed')} + ${f('expired')}`,
  }
  const line = (name: string, color: string, data: number[], dashed = false) => ({
    name,
    type: 'line',
    smooth: true,
    symbol: days.length > 10 ? 'none' : 'circle',
    symbolSize: 6,
    lineStyle: { width: 2, ...(dashed ? { type: 'dashed' } : {}) },
    itemStyle: { color },
    data,
  })
  return {
    tooltip: { trigger: 'axis' },
    legend: { data: Object.values(names), top: 0, right: 0, itemWidth: 14, itemHeight: 8 },
    grid: { left: 44, right: 12, top: 36, bottom: 24 },
    xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        name: names.taps,
        type: 'bar',
        barMaxWidth: 22,
        itemStyle: { color: '#13c2c2', borderRadius: [3, 3, 0, 0] },
        data: days.map((d) => d.taps),
      },
      line(
        names.transfers,
        primary,
        days.map((d) => d.transfers),
      ),
      line(
        names.completed,
        '#52c41a',
        days.map((d) => d.completed),
      ),
      line(
        names.published,
        '#fa8c16',
        days.map((d) => d.published),
      ),
      line(
        names.failed,
        '#ff4d4f',
        days.map((d) => d.failed + d.expired),
        true,
      ),
    ],
  }
}

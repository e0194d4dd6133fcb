import type { TFunction } from 'i18next'
import type { Dashboard } from '../../../../shared/contract/monitoring'
import type { FunnelCounts } from '../../../../shared/contract/funnel'
import { FUNNEL_STAGES, formatShare, shareOf } from '../../../../shared/funnel/stages'

// ECharts options of the dashboard's charts, built from the summary (pure: the page memoises them).

/** Taps per hour today as bars (none drawn for hours still to come) over yesterday's as a dashed line. */
export function tapsPerHourChart(d: Dashboard, t: TFunction, primary: string) {
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
        itemStyle: { color: primary, borderRadius: [3, 3, 0, 0] },
        data: d.tapsPerHour.today.map((v, h) => (h > nowHour ? null : v)),
      },
    ],
  }
}

export function tapsPerDayChart(d: Dashboard, t: TFunction) {
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
}

/** The most downloaded videos, largest at the top. */
export function topVideosChart(d: Dashboard, t: TFunction, primary: string) {
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
        itemStyle: { color: primary, borderRadius: [0, 3, 3, 0] },
        data: rows.map((r) => r.transfers),
      },
    ],
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s
}

/**
 * The conversion funnel: one piece per stage, each as wide as its count (a thin piece keeps a minimum width), its
 * share of taps inside and its name beside it (a second, invisible funnel carries the names, so a narrow piece
 * never has to hold them); the tooltip adds the share of the stage before.
 * Steps are counted each on its own (a customer may save without the page having reported a play), so a step can
 * count more than the one above it: its piece is then drawn as wide as that one, never wider (a funnel that widened
 * read as a broken chart), while its label and tooltip say its own count.
 */
export function funnelChart(c: FunnelCounts, t: TFunction, colors: readonly string[]) {
  const values = FUNNEL_STAGES.map((s) => c[s.count])
  const widths = values.map((v, i) => Math.min(v, ...values.slice(0, i)))
  const names = FUNNEL_STAGES.map((s) => t(`label.funnelStep.${s.step}`))
  const shape = {
    type: 'funnel',
    sort: 'none',
    left: 120,
    right: 8,
    top: 6,
    bottom: 6,
    gap: 3,
    min: 0,
    max: Math.max(1, widths[0]!),
    minSize: '24%',
    maxSize: '100%',
  }
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; dataIndex: number }) => {
        const value = values[p.dataIndex]!
        const lines = [`<b>${p.name}</b> ${value.toLocaleString()}`]
        if (p.dataIndex > 0) {
          const before = values[p.dataIndex - 1]!
          lines.push(`${t('dashboard.funnelOfTaps')} ${formatShare(shareOf(value, c.taps))}`)
          lines.push(`${t('dashboard.funnelOfPrevious')} ${formatShare(shareOf(value, before))}`)
        }
        return lines.join('<br>')
      },
    },
    series: [
      {
        ...shape,
        label: {
          show: true,
          position: 'inside',
          color: '#fff',
          fontSize: 13,
          fontWeight: 600,
          formatter: (p: { dataIndex: number }) =>
            p.dataIndex === 0
              ? values[0]!.toLocaleString()
              : formatShare(shareOf(values[p.dataIndex]!, c.taps)),
        },
        labelLine: { show: false },
        itemStyle: { borderWidth: 0 },
        data: widths.map((value, i) => ({
          name: names[i],
          value,
          itemStyle: { color: colors[i % colors.length] },
        })),
      },
      {
        ...shape,
        silent: true,
        tooltip: { show: false },
        z: 1,
        label: { show: true, position: 'left', color: '#57606a', fontSize: 13 },
        labelLine: { show: true, length: 12, lineStyle: { color: '#d0d7de' } },
        itemStyle: { color: 'transparent', borderWidth: 0 },
        emphasis: { disabled: true },
        data: widths.map((value, i) => ({ name: names[i], value })),
      },
    ],
  }
}

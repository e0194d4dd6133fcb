import type { TFunction } from 'i18next'
import { describe, expect, it } from 'vitest'
import { emptyFunnel } from '../../src/shared/contract/funnel'
import { funnelChart } from '../../src/renderer/src/pages/dashboard/charts'

// The dashboard's funnel as ECharts draws it: piece widths come from each data item's value.
const t = ((key: string) => key) as unknown as TFunction
const chart = (counts: Partial<ReturnType<typeof emptyFunnel>>) =>
  funnelChart({ ...emptyFunnel(), ...counts }, t, ['#1', '#2', '#3', '#4', '#5'])
type Piece = { value: number }
type Series = { data: Piece[]; label: { formatter: (p: { dataIndex: number }) => string } }

describe('the dashboard funnel chart', () => {
  it('never widens down the funnel when a step counts more than the one above, and still says each count', () => {
    // Saves without a reported play (the page's beacon blocked, a save pressed before playing): 40 saved, 30 played.
    const option = chart({ taps: 100, played: 30, saved: 40, copied: 35, publishedAny: 10 })
    const [pieces, names] = option.series as unknown as [Series, Series]
    const widths = pieces.data.map((p) => p.value)
    expect(widths).toEqual([100, 30, 30, 30, 10])
    expect(names.data.map((p) => p.value)).toEqual(widths)
    // The labels inside are the steps' own shares of taps, not the drawn widths.
    expect([0, 1, 2, 3, 4].map((i) => pieces.label.formatter({ dataIndex: i }))).toEqual([
      '100',
      '30%',
      '40%',
      '35%',
      '10%',
    ])
    const tip = (option.tooltip as { formatter: (p: { name: string; dataIndex: number }) => string })
      .formatter
    expect(tip({ name: 'saved', dataIndex: 2 })).toContain('<b>saved</b> 40')
  })

  it('draws a narrowing funnel exactly as counted', () => {
    const option = chart({ taps: 245, played: 180, saved: 103, copied: 81, publishedAny: 60 })
    const [pieces] = option.series as unknown as [Series]
    expect(pieces.data.map((p) => p.value)).toEqual([245, 180, 103, 81, 60])
  })
})

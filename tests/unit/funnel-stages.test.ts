import { describe, expect, it } from 'vitest'
import { emptyFunnel } from '../../src/shared/contract/funnel'
import { FUNNEL_STAGES, formatShare, publishRate, shareOf } from '../../src/shared/funnel/stages'
import { LABELS } from '../../src/shared/labels'

describe('the funnel as people read it', () => {
  it('goes taps → played → saved → caption copied → platform chosen, named by the shared labels', () => {
    expect(FUNNEL_STAGES.map((s) => s.count)).toEqual(['taps', 'played', 'saved', 'copied', 'publishedAny'])
    expect(FUNNEL_STAGES.map((s) => LABELS['zh-CN'].funnelStep[s.step])).toEqual([
      '碰一碰',
      '播放',
      '保存完成',
      '复制文案',
      '选择发布平台',
    ])
  })

  it('writes shares as whole percents, one decimal below ten, a dash without taps', () => {
    expect([0, 0.0042, 0.08999, 0.097, 0.1, 0.6449, 1].map(formatShare)).toEqual([
      '0%',
      '0.4%',
      '9%',
      '9.7%',
      '10%',
      '64%',
      '100%',
    ])
    expect(formatShare(shareOf(3, 0))).toBe('—')
    expect(publishRate({ ...emptyFunnel(), taps: 40, publishedAny: 10 })).toBe(0.25)
    expect(publishRate(emptyFunnel())).toBeNull()
  })
})

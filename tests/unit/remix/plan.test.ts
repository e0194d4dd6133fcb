import { describe, expect, it } from 'vitest'
import { TemplateRulesSchema } from '../../../src/shared/contract/remix'
import {
  planSignature,
  planVariant,
  templateProblems as problemsOf,
  type PlannableClip,
} from '../../../src/main/core/remix/plan'
import { seededRandom } from '../../../src/main/core/remix/prng'
import { english } from '../../../src/shared/contract/texts'

const clip = (videoId: number, durationMs = 10_000, pin: 'first' | 'last' | null = null): PlannableClip => ({
  videoId,
  inMs: 0,
  outMs: null,
  pin,
  durationMs,
})
const rules = (r: Record<string, unknown> = {}) => TemplateRulesSchema.parse({ clips: 3, seconds: 6, ...r })
const extra = { musicMs: 60_000, lines: ['春季新品', '今日特惠', '欢迎光临'] }

describe('the variant planner', () => {
  it('draws the same plan from the same seed, and different plans from different seeds', () => {
    const clips = [1, 2, 3, 4, 5].map((v) => clip(v))
    const a = planVariant(clips, rules(), 42, extra)
    expect(planVariant(clips, rules(), 42, extra)).toEqual(a)
    const signatures = new Set(
      Array.from({ length: 50 }, (_, i) => planSignature(planVariant(clips, rules(), i, extra))),
    )
    // 5·4·3 orders × 2³ mirror patterns: 50 seeds land on many different ones.
    expect(signatures.size).toBeGreaterThan(35)
    const full = new Set(
      Array.from({ length: 50 }, (_, i) => JSON.stringify(planVariant(clips, rules(), i, extra))),
    )
    expect(full.size).toBe(50)
  })

  it('takes N of M clips, keeps pinned clips first and last, and stays inside each clip', () => {
    const clips = [clip(1, 8000, 'first'), clip(2), clip(3), clip(4), clip(5, 8000, 'last')]
    for (let seed = 0; seed < 100; seed++) {
      const p = planVariant(clips, rules({ clips: 4, seconds: 8 }), seed, extra)
      expect(p.clips).toHaveLength(4)
      expect(p.clips[0]!.videoId).toBe(1)
      expect(p.clips[3]!.videoId).toBe(5)
      expect(new Set(p.clips.map((c) => c.videoId)).size).toBe(4)
      expect(p.bodyMs).toBe(8000)
      for (const c of p.clips) {
        expect(c.speed).toBeGreaterThanOrEqual(0.92)
        expect(c.speed).toBeLessThanOrEqual(1.1)
        expect(c.startMs + c.sourceMs).toBeLessThanOrEqual(
          clips.find((x) => x.videoId === c.videoId)!.durationMs,
        )
        expect(c.zoom).toBeGreaterThanOrEqual(1)
        expect(c.zoom).toBeLessThanOrEqual(1.18)
      }
      expect(p.musicStartMs).toBeGreaterThanOrEqual(0)
      expect(p.musicStartMs!).toBeLessThanOrEqual(60_000 - 8000)
      expect(extra.lines).toContain(p.text!.line)
    }
  })

  it('has no music start or overlay without music or lines', () => {
    const p = planVariant(
      [1, 2, 3].map((v) => clip(v)),
      rules(),
      7,
      { musicMs: null, lines: [] },
    )
    expect(p.musicStartMs).toBeNull()
    expect(p.text).toBeNull()
  })

  it('says why a template cannot make a variant', () => {
    // In English, as the API says it (the console words the same texts in its language).
    const templateProblems = (...a: Parameters<typeof problemsOf>) => problemsOf(...a).map(english)
    expect(templateProblems([clip(1), clip(2)], rules({ clips: 3 }))).toEqual([
      'a variant needs 3 clips but the template has 2',
    ])
    // 6 s over 3 clips at up to 1.1× needs 2.2 s of each clip.
    expect(templateProblems([clip(1), clip(2, 1500), clip(3)], rules())).toEqual([
      'clip 2 (video 2) has 1.5 s but each clip needs 2.2 s (6 s over 3 clips at up to 1.1× speed)',
    ])
    expect(templateProblems([clip(1, 9000, 'first'), clip(2, 9000, 'first'), clip(3)], rules())).toContain(
      'only one clip can be pinned first',
    )
    expect(templateProblems([clip(1, 9000, 'first'), clip(2, 9000, 'last')], rules({ clips: 1 }))).toContain(
      '2 clips are pinned but a variant has only 1',
    )
    expect(() => planVariant([clip(1)], rules(), 1, extra)).toThrow(/needs 3 clips/)
  })

  it('uses a generator that gives the same numbers everywhere (mulberry32)', () => {
    const r = seededRandom(1)
    expect([r(), r(), r()].map((x) => x.toFixed(6))).toEqual(['0.627074', '0.002736', '0.527447'])
  })
})

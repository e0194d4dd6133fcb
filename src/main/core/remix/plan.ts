import type { TemplateRules } from '../../../shared/contract/remix'
import type { ClipRecord, UsedClip } from '../../db/repos/remix'
import { between, seededRandom } from './prng'
import { english, hubText, type HubText } from '../../../shared/contract/texts'

/** A template clip with the length of its video (the planner never reads files). */
export interface PlannableClip extends ClipRecord {
  durationMs: number
}

export const TEXT_POSITIONS = ['top', 'middle', 'bottom'] as const
export type TextPosition = (typeof TEXT_POSITIONS)[number]
/** Overlay styles: size as a share of the picture's short side, the box behind the text. */
export const TEXT_STYLES = [
  { size: 0.075, colour: 'white', box: 'black@0.45' },
  { size: 0.065, colour: 'black', box: 'white@0.7' },
  { size: 0.085, colour: 'yellow', box: 'black@0.3' },
] as const

export interface PlannedClip extends UsedClip {
  /** Which of the template's clips. */
  index: number
  /** Length in the variant (after the speed change). */
  outputMs: number
  /** Ken Burns: where the crop window starts and ends inside the zoomed picture, as shares of the spare margin. */
  drift: { x0: number; y0: number; x1: number; y1: number }
  brightness: number
  saturation: number
  /** Degrees. */
  hue: number
}

export interface VariantPlan {
  seed: number
  clips: PlannedClip[]
  /** The clips together, before the end card. */
  bodyMs: number
  musicStartMs: number | null
  text: { line: string; position: TextPosition; style: number } | null
}

/** Why a template cannot make a variant (the API says it with code `remix-impossible`). */
export function templateProblems(clips: PlannableClip[], rules: TemplateRules): HubText[] {
  const problems: HubText[] = []
  const firsts = clips.filter((c) => c.pin === 'first').length
  const lasts = clips.filter((c) => c.pin === 'last').length
  if (firsts > 1) problems.push(hubText('pinnedFirstTwice'))
  if (lasts > 1) problems.push(hubText('pinnedLastTwice'))
  if (rules.clips > clips.length)
    problems.push(hubText('tooFewClips', { need: rules.clips, have: clips.length }))
  if (firsts + lasts > rules.clips)
    problems.push(hubText('tooManyPinned', { pinned: firsts + lasts, clips: rules.clips }))
  if (rules.speedMin > rules.speedMax) problems.push(hubText('speedOrder'))
  const perMs = (rules.seconds * 1000) / rules.clips
  const needMs = Math.ceil(perMs * rules.speedMax)
  clips.forEach((c, i) => {
    const usable = usableMs(c)
    if (usable < needMs)
      problems.push(
        hubText('clipTooShort', {
          n: i + 1,
          videoId: c.videoId,
          has: (usable / 1000).toFixed(1),
          needs: (needMs / 1000).toFixed(1),
          seconds: rules.seconds,
          clips: rules.clips,
          speed: rules.speedMax,
        }),
      )
  })
  return problems
}

function usableMs(c: PlannableClip): number {
  return Math.max(0, Math.min(c.outMs ?? c.durationMs, c.durationMs) - c.inMs)
}

const round3 = (n: number) => Math.round(n * 1000) / 1000

/**
 * Every random choice of one variant, drawn from `seed` in a fixed order: which N of the M clips and in which
 * order (pinned clips first/last), where each starts, its speed, zoom and drift, mirror, colour, where the music
 * starts, and the overlay line with its position and style. Pure: the same template and seed give the same plan.
 */
export function planVariant(
  clips: PlannableClip[],
  rules: TemplateRules,
  seed: number,
  extra: { musicMs: number | null; lines: string[] },
): VariantPlan {
  const problems = templateProblems(clips, rules)
  if (problems.length) throw new Error(problems.map(english).join('; '))
  const random = seededRandom(seed)
  const first = clips.findIndex((c) => c.pin === 'first')
  const last = clips.findIndex((c) => c.pin === 'last')
  const free = clips.map((_, i) => i).filter((i) => i !== first && i !== last)
  // Fisher–Yates over the free clips; the first `want` of them are this variant's middle, in that order.
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[free[i], free[j]] = [free[j]!, free[i]!]
  }
  const want = rules.clips - (first >= 0 ? 1 : 0) - (last >= 0 ? 1 : 0)
  const order = [...(first >= 0 ? [first] : []), ...free.slice(0, want), ...(last >= 0 ? [last] : [])]

  const perMs = Math.round((rules.seconds * 1000) / rules.clips)
  const planned = order.map((index): PlannedClip => {
    const c = clips[index]!
    const speed = round3(between(random, rules.speedMin, rules.speedMax))
    const sourceMs = Math.ceil(perMs * speed)
    const slack = Math.max(0, usableMs(c) - sourceMs)
    const startMs = c.inMs + Math.floor(random() * Math.min(slack, rules.trimJitterMs))
    const zoom = round3(between(random, 1 + (rules.zoomMax - 1) / 3, rules.zoomMax))
    const drift = {
      x0: round3(random()),
      y0: round3(random()),
      x1: round3(random()),
      y1: round3(random()),
    }
    const mirror = random() < rules.mirrorChance
    const shift = rules.colourShift
    const brightness = round3(between(random, -shift, shift))
    const saturation = round3(1 + between(random, -shift * 2.5, shift * 2.5))
    const hue = round3(between(random, -shift * 150, shift * 150))
    return {
      index,
      videoId: c.videoId,
      startMs,
      sourceMs,
      outputMs: perMs,
      speed,
      zoom,
      drift,
      mirror,
      brightness,
      saturation,
      hue,
    }
  })
  const bodyMs = perMs * planned.length
  const musicStartMs =
    extra.musicMs === null ? null : Math.floor(random() * Math.max(0, extra.musicMs - bodyMs - 1000))
  const lines = extra.lines
  const text =
    lines.length === 0
      ? null
      : {
          line: lines[Math.floor(random() * lines.length)]!,
          position: TEXT_POSITIONS[Math.floor(random() * TEXT_POSITIONS.length)]!,
          style: Math.floor(random() * TEXT_STYLES.length),
        }
  return { seed, clips: planned, bodyMs, musicStartMs, text }
}

/** What makes two variants look different at a glance: the clips in order and which are mirrored. */
export function planSignature(plan: VariantPlan): string {
  return plan.clips.map((c) => `${c.index}${c.mirror ? 'm' : ''}`).join(',')
}

/** The clips as recorded with the variant. */
export function usedClips(plan: VariantPlan): UsedClip[] {
  return plan.clips.map((c) => ({
    videoId: c.videoId,
    startMs: c.startMs,
    sourceMs: c.sourceMs,
    speed: c.speed,
    mirror: c.mirror,
    zoom: c.zoom,
  }))
}

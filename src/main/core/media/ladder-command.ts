import { join } from 'node:path'
import type { FfmpegCommand } from 'fluent-ffmpeg'
import { newCommand } from './ffmpeg'
import { PHONE_LADDER, type LadderPlan } from './ladder'

export interface LadderOutputs {
  renditions: Array<{ label: string; path: string }>
  poster: string
  thumbnail: string
}

/** An ffmpeg invocation as parts: inputs and outputs each with their own options. */
export interface FfmpegInvocation {
  global: string[]
  inputs: Array<{ options: string[]; path: string }>
  filterComplex: string
  outputs: Array<{ options: string[]; path: string }>
}

/** The filter graph: decode once, fix the frame rate and pixel format once, then split to every output. */
export function ladderFilterGraph(plan: LadderPlan): string {
  const n = plan.renditions.length
  const branches = plan.renditions.map((_, i) => `[s${i}]`).join('')
  const parts = [`[0:v:0]fps=${plan.fps},format=${PHONE_LADDER.video.pixFmt},split=${n + 1}${branches}[sp]`]
  plan.renditions.forEach((r, i) =>
    parts.push(`[s${i}]scale=${r.width}:${r.height}:flags=bicubic,setsar=1[v${i}]`),
  )
  const at = plan.posterAt.toFixed(3)
  parts.push(
    `[sp]select='gte(t\\,${at})',scale=${plan.posterSize.width}:${plan.posterSize.height},setsar=1,split=2[poster][th]`,
    `[th]scale=${plan.thumbSize.width}:${plan.thumbSize.height}[thumb]`,
  )
  return parts.join(';')
}

/** "30000/1001" → 29.97 */
function rationalValue(rational: string): number {
  const [n, d = '1'] = rational.split('/')
  return Number(n) / Number(d)
}

/** The whole ladder as one ffmpeg invocation. */
export function ladderInvocation(
  source: string,
  plan: LadderPlan,
  outDir: string,
): { invocation: FfmpegInvocation; outputs: LadderOutputs } {
  const v = PHONE_LADDER.video
  const a = PHONE_LADDER.audio
  const inputs = [{ options: [] as string[], path: source }]
  if (plan.audio === 'silent')
    inputs.push({
      options: ['-f', 'lavfi', '-t', plan.durationSeconds.toFixed(3)],
      path: `anullsrc=r=${a.sampleRate}:cl=stereo`,
    })
  const audioMap = plan.audio === 'silent' ? '1:a:0' : '0:a:0'
  const gop = String(Math.max(1, Math.round(rationalValue(plan.fps) * v.keyframeSeconds)))
  const outputs: LadderOutputs = {
    renditions: [],
    poster: join(outDir, 'poster.jpg'),
    thumbnail: join(outDir, 'thumb.jpg'),
  }
  const outs: FfmpegInvocation['outputs'] = plan.renditions.map((r, i) => {
    const path = join(outDir, r.file)
    outputs.renditions.push({ label: r.label, path })
    return {
      path,
      options: [
        '-map',
        `[v${i}]`,
        '-map',
        audioMap,
        '-c:v',
        v.encoder,
        '-preset',
        v.preset,
        '-crf',
        String(v.crf),
        '-profile:v',
        v.profile,
        '-level:v',
        r.level,
        '-maxrate',
        String(r.maxrate),
        '-bufsize',
        String(r.maxrate * 2),
        '-g',
        gop,
        '-c:a',
        a.encoder,
        '-b:a',
        String(r.audioBitrate),
        '-ac',
        String(a.channels),
        '-ar',
        String(a.sampleRate),
        '-map_metadata',
        '-1',
        '-map_chapters',
        '-1',
        '-metadata:s:v:0',
        'rotate=0',
        '-movflags',
        '+faststart',
        '-shortest',
        '-f',
        'mp4',
      ],
    }
  })
  outs.push({
    path: outputs.poster,
    options: [
      '-map',
      '[poster]',
      '-frames:v',
      '1',
      '-q:v',
      String(PHONE_LADDER.poster.quality),
      '-f',
      'image2',
    ],
  })
  outs.push({
    path: outputs.thumbnail,
    options: [
      '-map',
      '[thumb]',
      '-frames:v',
      '1',
      '-q:v',
      String(PHONE_LADDER.thumbnail.quality),
      '-f',
      'image2',
    ],
  })
  return {
    invocation: {
      global: ['-hide_banner', '-nostdin', '-y'],
      inputs,
      filterComplex: ladderFilterGraph(plan),
      outputs: outs,
    },
    outputs,
  }
}

/** Flat argument list (the benchmark runs exactly this with child_process, to compare like with like). */
export function invocationArgs(inv: FfmpegInvocation): string[] {
  return [
    ...inv.global,
    ...inv.inputs.flatMap((i) => [...i.options, '-i', i.path]),
    '-filter_complex',
    inv.filterComplex,
    ...inv.outputs.flatMap((o) => [...o.options, o.path]),
  ]
}

/**
 * The ladder as a fluent-ffmpeg command (the customer's choice of wrapper). Options are given as separate
 * arguments: handed one array, fluent-ffmpeg splits any value containing a space (a Windows path).
 */
export function ladderCommand(
  ffmpegPath: string,
  source: string,
  plan: LadderPlan,
  outDir: string,
): { command: FfmpegCommand; outputs: LadderOutputs; invocation: FfmpegInvocation } {
  const { invocation, outputs } = ladderInvocation(source, plan, outDir)
  const command = newCommand(ffmpegPath)
  invocation.inputs.forEach((input, i) => {
    command.input(input.path)
    const options = i === 0 ? [...invocation.global, ...input.options] : input.options
    if (options.length) command.inputOptions(...options)
  })
  command.complexFilter(invocation.filterComplex)
  for (const out of invocation.outputs) command.output(out.path).outputOptions(...out.options)
  return { command, outputs, invocation }
}

import type { ClipAudio } from '../../../shared/contract/remix'
import type { FfmpegInvocation } from '../media/ladder-command'
import { PHONE_LADDER } from '../media/ladder'
import { TEXT_STYLES, type VariantPlan } from './plan'

/** What the graph reads: each clip video's rendition file, the music, the font, the end card's picture and words. */
export interface VariantSources {
  /** By video id: a rendition of it (already H.264, rotation applied, ≤ 30 fps). */
  clips: ReadonlyMap<number, string>
  music: string | null
  clipAudio: ClipAudio
  /** A font file with the overlay's (and the brand name's) glyphs. */
  font: string
  /** The overlay line, written to a file: drawtext reads it as is, so no quoting can break it. */
  textFile: string | null
  endCard: { seconds: number; background: string; logo: string | null; nameFile: string | null } | null
}

export interface VariantOutput {
  path: string
  width: number
  height: number
  /** A rung of PHONE_LADDER (its level, maxrate and audio bitrate). */
  label: string
}

const FPS = 30
const AUDIO = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo'
const s = (ms: number) => (ms / 1000).toFixed(3)

/** A path inside a filter's option: the filter-graph parser treats `\ ' : , ; [ ]` specially. */
export function filterPath(path: string): string {
  return `'${path.replace(/\\/g, '/').replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`
}

/** "#1f6feb" → "0x1f6feb" (anything else: a dark grey). */
function colour(hex: string): string {
  return /^#[0-9a-f]{6}$/i.test(hex) ? `0x${hex.slice(1)}` : '0x202020'
}

/**
 * One ffmpeg run for one variant: each chosen clip is its own input, cut where the plan says (seeking before
 * decoding, so only what is used is decoded); per clip speed, zoom with a drifting crop, mirror and colour; the end
 * card; one concat; the overlay line; the music (from its start point, faded, over the clips' sound as the template
 * says); encoded as the phone ladder's rung (H.264 High, AAC, +faststart, no metadata).
 */
export function variantInvocation(
  plan: VariantPlan,
  src: VariantSources,
  out: VariantOutput,
): FfmpegInvocation {
  const { width: W, height: H } = out
  const rung = PHONE_LADDER.rungs.find((r) => r.label === out.label) ?? PHONE_LADDER.rungs[1]
  const v = PHONE_LADDER.video
  const inputs: FfmpegInvocation['inputs'] = []
  const parts: string[] = []
  const pads: string[] = []

  plan.clips.forEach((c, i) => {
    const path = src.clips.get(c.videoId)
    if (!path) throw new Error(`no file for video ${c.videoId}`)
    // A little more than needed is read, so the speed change never runs short of frames.
    inputs.push({ options: ['-ss', s(c.startMs), '-t', s(c.sourceMs + 500)], path })
    const zw = Math.ceil((W * c.zoom) / 2) * 2
    const zh = Math.ceil((H * c.zoom) / 2) * 2
    const d = s(c.outputMs)
    const x = `(${zw - W})*(${c.drift.x0}+(${c.drift.x1 - c.drift.x0})*min(t/${d},1))`
    const y = `(${zh - H})*(${c.drift.y0}+(${c.drift.y1 - c.drift.y0})*min(t/${d},1))`
    const video = [
      `setpts=(PTS-STARTPTS)/${c.speed}`,
      `fps=${FPS}`,
      `trim=duration=${d}`,
      'setpts=PTS-STARTPTS',
      `scale=${zw}:${zh}:force_original_aspect_ratio=increase:flags=bicubic`,
      `crop=${zw}:${zh}`,
      `crop=${W}:${H}:x='${x}':y='${y}'`,
      ...(c.mirror ? ['hflip'] : []),
      `eq=brightness=${c.brightness}:saturation=${c.saturation}`,
      `hue=h=${c.hue}`,
      `format=${v.pixFmt}`,
      'setsar=1',
    ]
    parts.push(`[${i}:v:0]${video.join(',')}[v${i}]`)
    parts.push(
      `[${i}:a:0]asetpts=PTS-STARTPTS,atempo=${c.speed},${AUDIO},atrim=duration=${d},apad=whole_dur=${d}[a${i}]`,
    )
    pads.push(`[v${i}][a${i}]`)
  })

  let n = plan.clips.length
  if (src.endCard && src.endCard.seconds > 0) {
    const e = src.endCard
    const d = e.seconds.toFixed(3)
    const card = [`color=c=${colour(e.background)}:s=${W}x${H}:r=${FPS}:d=${d}`, 'format=yuv420p']
    if (e.nameFile)
      card.push(
        `drawtext=fontfile=${filterPath(src.font)}:textfile=${filterPath(e.nameFile)}:fontcolor=white:fontsize=${Math.round(Math.min(W, H) * 0.08)}:x=(w-text_w)/2:y=h*0.62`,
      )
    if (e.logo) {
      const li = inputs.length
      inputs.push({ options: ['-loop', '1', '-t', d], path: e.logo })
      const size = Math.round(Math.min(W, H) * 0.3)
      parts.push(`${card.join(',')}[cardbg]`)
      parts.push(`[${li}:v:0]scale=${size}:${size}:force_original_aspect_ratio=decrease,format=rgba[logo]`)
      parts.push(`[cardbg][logo]overlay=x=(W-w)/2:y=H*0.22:shortest=1,format=yuv420p,setsar=1[v${n}]`)
    } else parts.push(`${card.join(',')},setsar=1[v${n}]`)
    parts.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${d},${AUDIO}[a${n}]`)
    pads.push(`[v${n}][a${n}]`)
    n++
  }
  parts.push(`${pads.join('')}concat=n=${n}:v=1:a=1[vcat][acat]`)

  if (plan.text && src.textFile) {
    const style = TEXT_STYLES[plan.text.style] ?? TEXT_STYLES[0]
    const y =
      plan.text.position === 'top' ? 'h*0.1' : plan.text.position === 'middle' ? '(h-text_h)/2' : 'h*0.82'
    const size = Math.round(Math.min(W, H) * style.size)
    parts.push(
      `[vcat]drawtext=fontfile=${filterPath(src.font)}:textfile=${filterPath(src.textFile)}:fontcolor=${style.colour}:fontsize=${size}:box=1:boxcolor=${style.box}:boxborderw=${Math.round(size * 0.35)}:x=(w-text_w)/2:y=${y}:enable='lt(t,${s(plan.bodyMs)})'[vout]`,
    )
  } else parts.push('[vcat]null[vout]')

  const totalMs = plan.bodyMs + Math.round((src.endCard?.seconds ?? 0) * 1000)
  if (src.music && plan.musicStartMs !== null) {
    const mi = inputs.length
    inputs.push({ options: ['-ss', s(plan.musicStartMs), '-t', s(totalMs)], path: src.music })
    const fadeOut = Math.max(0, totalMs / 1000 - 1.2).toFixed(3)
    parts.push(
      `[${mi}:a:0]asetpts=PTS-STARTPTS,${AUDIO},apad=whole_dur=${s(totalMs)},afade=t=in:d=0.6,afade=t=out:st=${fadeOut}:d=1.2[mus]`,
    )
    if (src.clipAudio === 'mute') parts.push('[acat]anullsink', '[mus]anull[aout]')
    else if (src.clipAudio === 'keep')
      parts.push('[mus]volume=0.6[musq]', '[acat][musq]amix=inputs=2:duration=first:normalize=0[aout]')
    else
      parts.push(
        // The music steps back while the clips speak.
        '[acat]asplit=2[aclip][akey]',
        '[mus][akey]sidechaincompress=threshold=0.03:ratio=8:attack=20:release=400[musd]',
        '[aclip][musd]amix=inputs=2:duration=first:normalize=0[aout]',
      )
  } else parts.push('[acat]anull[aout]')

  const gop = String(FPS * v.keyframeSeconds)
  return {
    global: ['-hide_banner', '-nostdin', '-y'],
    inputs,
    filterComplex: parts.join(';'),
    outputs: [
      {
        path: out.path,
        options: [
          '-map',
          '[vout]',
          '-map',
          '[aout]',
          '-c:v',
          v.encoder,
          '-preset',
          v.preset,
          '-crf',
          String(v.crf),
          '-profile:v',
          v.profile,
          '-level:v',
          rung.level,
          '-maxrate',
          String(rung.maxrate),
          '-bufsize',
          String(rung.maxrate * 2),
          '-g',
          gop,
          '-c:a',
          PHONE_LADDER.audio.encoder,
          '-b:a',
          String(rung.audioBitrate),
          '-ac',
          '2',
          '-ar',
          '48000',
          '-t',
          s(totalMs),
          '-map_metadata',
          '-1',
          '-map_chapters',
          '-1',
          '-movflags',
          '+faststart',
          '-f',
          'mp4',
        ],
      },
    ],
  }
}

/** The variant's picture: the rung's short side, in the orientation of the template's base video, 16:9. */
export function variantSize(label: string, portrait: boolean): { width: number; height: number } {
  const short = Number.parseInt(label, 10) || 720
  const long = Math.round((short * 16) / 9 / 2) * 2
  return portrait ? { width: short, height: long } : { width: long, height: short }
}

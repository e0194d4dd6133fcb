import { execFile } from 'node:child_process'
import { z } from 'zod'

// Only the fields TapDrop reads; ffprobe's output is validated like any other input from outside.
const num = z.union([z.number(), z.string()]).transform(Number).optional()
const StreamSchema = z.looseObject({
  index: z.number(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  profile: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  pix_fmt: z.string().optional(),
  bits_per_raw_sample: num,
  r_frame_rate: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  sample_aspect_ratio: z.string().optional(),
  channels: z.number().optional(),
  sample_rate: num,
  duration: num,
  bit_rate: num,
  disposition: z
    .looseObject({ attached_pic: z.number().optional(), still_image: z.number().optional() })
    .optional(),
  side_data_list: z.array(z.looseObject({ rotation: z.number().optional() })).optional(),
  tags: z.record(z.string(), z.string()).optional(),
})
const ProbeOutputSchema = z.looseObject({
  streams: z.array(StreamSchema).default([]),
  format: z.looseObject({
    format_name: z.string(),
    duration: num,
    start_time: num,
    size: num,
    bit_rate: num,
    nb_streams: z.number().optional(),
  }),
})

export interface VideoStreamInfo {
  index: number
  codec: string
  profile: string | null
  /** Coded size. */
  width: number
  height: number
  /** Size as shown: sample aspect ratio and rotation applied. */
  displayWidth: number
  displayHeight: number
  /** Clockwise degrees the picture must turn to show upright (0, 90, 180, 270). */
  rotation: number
  pixFmt: string | null
  /** Average frames per second, as a rational string ("30000/1001") and as a number. */
  fps: number | null
  fpsRational: string | null
  attachedPicture: boolean
}

export interface ProbeInfo {
  container: string
  durationMs: number
  startTime: number
  sizeBytes: number
  bitRate: number | null
  video: VideoStreamInfo | null
  audio: { index: number; codec: string; channels: number | null; sampleRate: number | null } | null
  streamTypes: string[]
}

export class ProbeError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message)
    this.name = 'ProbeError'
  }
}

function run(
  bin: string,
  args: string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      // execFile reports a non-zero exit as err.code (a number); spawn failures carry a string code.
      const code: unknown = err ? (err as { code?: unknown }).code : 0
      resolve({ stdout, stderr, code: typeof code === 'number' ? code : 1 })
    })
  })
}

function rational(text: string | undefined): number | null {
  if (!text) return null
  // ffprobe writes frame rates as 30000/1001 and aspect ratios as 16:15.
  const [n, d] = text.split(/[/:]/).map(Number)
  if (!n || !d || !Number.isFinite(n / d)) return null
  return n / d
}

/** Clockwise rotation from the display matrix (newer ffprobe) or the `rotate` tag (older), normalised to 0/90/180/270. */
function rotationOf(stream: z.infer<typeof StreamSchema>): number {
  const fromMatrix = stream.side_data_list?.find((s) => typeof s.rotation === 'number')?.rotation
  // The display matrix states counter-clockwise degrees; the legacy tag states clockwise.
  const cw = fromMatrix !== undefined ? -fromMatrix : Number(stream.tags?.rotate ?? 0)
  return (((Math.round(cw / 90) * 90) % 360) + 360) % 360
}

export function interpretProbe(raw: unknown): ProbeInfo {
  const out = ProbeOutputSchema.parse(raw)
  const videoStream =
    out.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic) ?? null
  const coverArt = out.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic)
  const audioStream = out.streams.find((s) => s.codec_type === 'audio') ?? null
  let video: VideoStreamInfo | null = null
  const vs = videoStream ?? coverArt ?? null
  if (vs && vs.width && vs.height) {
    const rotation = rotationOf(vs)
    const sar = rational(vs.sample_aspect_ratio) ?? 1
    const w = Math.round(vs.width * (sar > 0 ? sar : 1))
    const swap = rotation === 90 || rotation === 270
    const avg = rational(vs.avg_frame_rate)
    const r = rational(vs.r_frame_rate)
    video = {
      index: vs.index,
      codec: vs.codec_name ?? 'unknown',
      profile: vs.profile ?? null,
      width: vs.width,
      height: vs.height,
      displayWidth: swap ? vs.height : w,
      displayHeight: swap ? w : vs.height,
      rotation,
      pixFmt: vs.pix_fmt ?? null,
      fps: avg ?? r,
      fpsRational: avg ? vs.avg_frame_rate! : r ? vs.r_frame_rate! : null,
      attachedPicture: vs !== videoStream,
    }
  }
  const streamDuration = Math.max(0, ...out.streams.map((s) => s.duration ?? 0).filter(Number.isFinite))
  const duration =
    out.format.duration && Number.isFinite(out.format.duration) ? out.format.duration : streamDuration
  return {
    container: out.format.format_name,
    durationMs: Math.round((duration || 0) * 1000),
    startTime: out.format.start_time && Number.isFinite(out.format.start_time) ? out.format.start_time : 0,
    sizeBytes: out.format.size ?? 0,
    bitRate: out.format.bit_rate && Number.isFinite(out.format.bit_rate) ? out.format.bit_rate : null,
    video,
    audio: audioStream
      ? {
          index: audioStream.index,
          codec: audioStream.codec_name ?? 'unknown',
          channels: audioStream.channels ?? null,
          sampleRate: audioStream.sample_rate ?? null,
        }
      : null,
    streamTypes: out.streams.map((s) => s.codec_type ?? 'unknown'),
  }
}

/** Runs ffprobe on a file; a file ffprobe cannot read at all is a ProbeError carrying ffprobe's own words. */
export async function probeFile(ffprobe: string, file: string): Promise<ProbeInfo> {
  const r = await run(
    ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    60_000,
  )
  if (r.code !== 0)
    throw new ProbeError(r.stderr.trim().split('\n').pop() || `ffprobe exited with ${r.code}`, r.stderr)
  let json: unknown
  try {
    json = JSON.parse(r.stdout)
  } catch {
    throw new ProbeError('ffprobe printed no JSON', r.stderr)
  }
  return interpretProbe(json)
}

/**
 * How far the video's packets really reach, read from the last seconds of the file only (cheap on any size).
 * A file cut short keeps the duration its header claims, but its packets stop early, and ffprobe complains.
 */
export async function tailCoverage(
  ffprobe: string,
  file: string,
  info: ProbeInfo,
): Promise<{ coveredMs: number; damaged: boolean }> {
  const end = info.startTime + info.durationMs / 1000
  const from = Math.max(0, end - 5)
  // An explicit end: newer ffprobe builds read nothing from an open-ended "START%" interval.
  const r = await run(
    ffprobe,
    [
      '-v',
      'error',
      '-read_intervals',
      `${from.toFixed(3)}%${(end + 3600).toFixed(3)}`,
      '-select_streams',
      `${info.video?.index ?? 0}`,
      '-show_entries',
      'packet=pts_time,dts_time',
      '-of',
      'csv=p=0',
      file,
    ],
    60_000,
  )
  let last = -Infinity
  for (const line of r.stdout.split('\n')) {
    for (const v of line.split(',')) {
      const t = Number(v)
      if (v && Number.isFinite(t) && t > last) last = t
    }
  }
  const damaged = /partial file|ended prematurely/i.test(r.stderr)
  return { coveredMs: Number.isFinite(last) ? Math.round((last - info.startTime) * 1000) : 0, damaged }
}

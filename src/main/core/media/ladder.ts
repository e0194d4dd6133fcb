import type { ProbeInfo } from './probe'

/**
 * THE phone ladder: what every uploaded video becomes. One named preset, in one place.
 *
 * - H.264 High profile, 8-bit 4:2:0 (yuv420p), levels chosen per size: every phone sold since ~2012 plays it.
 * - AAC-LC stereo; a source without sound gets a silent track, because some phone galleries and share sheets
 *   mishandle video-only files.
 * - Rungs by the short side (1080, 720, 480), only those not larger than the source; a smaller source gets one
 *   rendition at its own size. Even dimensions, square pixels, rotation applied (portrait stays portrait).
 * - At most 30 fps; a keyframe every 2 s so players seek quickly; `+faststart` so playback starts before the
 *   download ends; all metadata stripped.
 * - A poster JPEG (long side ≤ 1280) and a thumbnail (320 wide), from the same decode.
 */
export const PHONE_LADDER = {
  name: 'phone-h264-v1',
  rungs: [
    { label: '1080p', short: 1080, level: '4.0', maxrate: 5_000_000, audioBitrate: 128_000 },
    { label: '720p', short: 720, level: '3.1', maxrate: 2_800_000, audioBitrate: 128_000 },
    { label: '480p', short: 480, level: '3.0', maxrate: 1_200_000, audioBitrate: 96_000 },
  ],
  video: {
    encoder: 'libx264',
    profile: 'high',
    preset: 'veryfast',
    crf: 23,
    pixFmt: 'yuv420p',
    keyframeSeconds: 2,
  },
  audio: { encoder: 'aac', channels: 2, sampleRate: 48_000 },
  maxFps: 30,
  poster: { longSide: 1280, quality: 3 },
  thumbnail: { width: 320, quality: 5 },
} as const

export interface RenditionPlan {
  label: string
  width: number
  height: number
  level: string
  maxrate: number
  audioBitrate: number
  file: string
}

export interface LadderPlan {
  preset: string
  renditions: RenditionPlan[]
  /** Frames per second of every rendition, as an ffmpeg rational. */
  fps: string
  /** Seconds into the video where the poster frame is taken. */
  posterAt: number
  posterSize: { width: number; height: number }
  thumbSize: { width: number; height: number }
  audio: 'source' | 'silent'
  durationSeconds: number
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2)

/** Fits a display size into a short side of `short`, keeping the aspect ratio, with even sides. */
export function fitShortSide(
  width: number,
  height: number,
  short: number,
): { width: number; height: number } {
  if (width >= height) return { width: even((width * short) / height), height: even(short) }
  return { width: even(short), height: even((height * short) / width) }
}

function fitLongSide(width: number, height: number, long: number): { width: number; height: number } {
  const scale = Math.min(1, long / Math.max(width, height))
  return { width: even(width * scale), height: even(height * scale) }
}

/** The frame rate to encode at: the source's own up to the cap (30), as a rational ffmpeg accepts. */
export function targetFps(info: ProbeInfo): string {
  const cap = PHONE_LADDER.maxFps
  const fps = info.video?.fps
  if (!fps || !Number.isFinite(fps) || fps <= 0 || fps > cap + 0.01) return String(cap)
  return info.video!.fpsRational ?? String(cap)
}

export function planLadder(info: ProbeInfo): LadderPlan {
  if (!info.video) throw new Error('no video stream to plan for')
  const { displayWidth: w, displayHeight: h } = info.video
  const sourceShort = Math.min(w, h)
  const rungs = PHONE_LADDER.rungs.filter((r) => r.short <= sourceShort)
  const renditions: RenditionPlan[] = rungs.map((r) => ({
    ...fitShortSide(w, h, r.short),
    label: r.label,
    level: r.level,
    maxrate: r.maxrate,
    audioBitrate: r.audioBitrate,
    file: `${r.label}.mp4`,
  }))
  if (renditions.length === 0) {
    // Smaller than the smallest rung: one rendition at the source's own (even) size.
    const smallest = PHONE_LADDER.rungs[PHONE_LADDER.rungs.length - 1]!
    const size = { width: even(w), height: even(h) }
    const label = `${Math.min(size.width, size.height)}p`
    renditions.push({
      ...size,
      label,
      level: smallest.level,
      maxrate: smallest.maxrate,
      audioBitrate: smallest.audioBitrate,
      file: `${label}.mp4`,
    })
  }
  const durationSeconds = info.durationMs / 1000
  return {
    preset: PHONE_LADDER.name,
    renditions,
    fps: targetFps(info),
    posterAt: Math.min(1, durationSeconds / 3),
    posterSize: fitLongSide(w, h, PHONE_LADDER.poster.longSide),
    thumbSize: { width: PHONE_LADDER.thumbnail.width, height: even((PHONE_LADDER.thumbnail.width * h) / w) },
    audio: info.audio ? 'source' : 'silent',
    durationSeconds,
  }
}

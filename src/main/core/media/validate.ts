import type { RefusalReason } from '../../../shared/video-refusals'
import type { ProbeInfo } from './probe'

/**
 * Containers TapDrop accepts (ffprobe's format names): MP4/MOV/M4V/3GP, AVI, MKV/WebM, MPEG-TS, FLV, MPEG-PS
 * (.mpg/.vob), ASF (.wmv). Anything else ffmpeg can read is still refused, so what a store uploads stays within
 * what we test.
 */
export const ALLOWED_CONTAINERS = [
  'mov',
  'mp4',
  'm4a',
  '3gp',
  '3g2',
  'mj2',
  'avi',
  'matroska',
  'webm',
  'mpegts',
  'flv',
  'mpeg',
  'asf',
] as const

/** Video codecs from phones, cameras and editors that ffmpeg decodes well. */
export const ALLOWED_VIDEO_CODECS = [
  'h264',
  'hevc',
  'mpeg4',
  'mpeg2video',
  'mpeg1video',
  'vp8',
  'vp9',
  'av1',
  'mjpeg',
  'prores',
  'dnxhd',
  'h263',
  'msmpeg4v2',
  'msmpeg4v3',
  'wmv1',
  'wmv2',
  'wmv3',
  'vc1',
  'flv1',
  'theora',
] as const

const IMAGE_FORMATS =
  /(^|,)(image2|png_pipe|jpeg_pipe|jpegls_pipe|webp_pipe|gif|bmp_pipe|tiff_pipe|svg_pipe|heif|avif)(,|$)/

export const MIN_DURATION_MS = 500

/** Decides from the probe alone; `null` means the file is a video we take. */
export function refusalFor(info: ProbeInfo): RefusalReason | null {
  if (IMAGE_FORMATS.test(info.container)) return 'still-image'
  // No picture, or only an MP3/M4A's cover art: sound only (or nothing at all).
  if (!info.video || info.video.attachedPicture)
    return info.audio ? 'audio-only' : info.video ? 'still-image' : 'not-video'
  const families = info.container.split(',')
  if (!families.some((f) => (ALLOWED_CONTAINERS as readonly string[]).includes(f)))
    return 'unsupported-container'
  if (!(ALLOWED_VIDEO_CODECS as readonly string[]).includes(info.video.codec)) {
    return ['png', 'bmp', 'gif', 'webp', 'tiff'].includes(info.video.codec)
      ? 'still-image'
      : 'unsupported-codec'
  }
  if (info.durationMs < MIN_DURATION_MS) return 'too-short'
  return null
}

/** The tail check's verdict: packets must reach to within max(1 s, 5 %) of the claimed end. */
export function isTruncated(info: ProbeInfo, coverage: { coveredMs: number; damaged: boolean }): boolean {
  if (coverage.damaged) return true
  const slack = Math.max(1000, info.durationMs * 0.05)
  return coverage.coveredMs < info.durationMs - slack
}

import { describe, expect, it } from 'vitest'
import { fitShortSide, planLadder, PHONE_LADDER } from '../../src/main/core/media/ladder'
import { interpretProbe, type ProbeInfo } from '../../src/main/core/media/probe'
import { isTruncated, refusalFor } from '../../src/main/core/media/validate'
import { ladderFilterGraph, ladderInvocation, invocationArgs } from '../../src/main/core/media/ladder-command'
import { parseTimemark } from '../../src/main/core/media/ffmpeg'

function info(
  over: Omit<Partial<ProbeInfo>, 'video'> & { video?: Partial<NonNullable<ProbeInfo['video']>> | null } = {},
): ProbeInfo {
  const { video, ...rest } = over
  return {
    container: 'mov,mp4,m4a,3gp,3g2,mj2',
    durationMs: 10_000,
    startTime: 0,
    sizeBytes: 1_000_000,
    bitRate: 800_000,
    audio: { index: 1, codec: 'aac', channels: 2, sampleRate: 48000 },
    streamTypes: ['video', 'audio'],
    ...rest,
    video:
      video === null
        ? null
        : {
            index: 0,
            codec: 'h264',
            profile: 'High',
            width: 1920,
            height: 1080,
            displayWidth: 1920,
            displayHeight: 1080,
            rotation: 0,
            pixFmt: 'yuv420p',
            fps: 30,
            fpsRational: '30/1',
            attachedPicture: false,
            ...video,
          },
  }
}

describe('the phone ladder plan', () => {
  it('makes 1080p/720p/480p from a 1080p landscape source with even sizes', () => {
    const plan = planLadder(info())
    expect(plan.preset).toBe(PHONE_LADDER.name)
    expect(plan.renditions.map((r) => `${r.label}:${r.width}x${r.height}`)).toEqual([
      '1080p:1920x1080',
      '720p:1280x720',
      '480p:854x480',
    ])
  })

  it('never upscales and keeps a portrait video portrait', () => {
    const plan = planLadder(
      info({ video: { width: 1280, height: 720, displayWidth: 720, displayHeight: 1280, rotation: 90 } }),
    )
    expect(plan.renditions.map((r) => `${r.label}:${r.width}x${r.height}`)).toEqual([
      '720p:720x1280',
      '480p:480x854',
    ])
  })

  it('gives a source below 480p one rendition at its own even size', () => {
    const plan = planLadder(
      info({ video: { width: 321, height: 241, displayWidth: 321, displayHeight: 241 } }),
    )
    expect(plan.renditions).toMatchObject([{ label: '242p', width: 322, height: 242 }])
  })

  it('caps the frame rate at 30 and keeps lower rates exactly', () => {
    expect(planLadder(info({ video: { fps: 59.94, fpsRational: '60000/1001' } })).fps).toBe('30')
    expect(planLadder(info({ video: { fps: 29.97, fpsRational: '30000/1001' } })).fps).toBe('30000/1001')
    expect(planLadder(info({ video: { fps: 25, fpsRational: '25/1' } })).fps).toBe('25/1')
    expect(planLadder(info({ video: { fps: null, fpsRational: null } })).fps).toBe('30')
  })

  it('adds a silent track when the source has no sound, and takes the poster early in the clip', () => {
    expect(planLadder(info({ audio: null })).audio).toBe('silent')
    expect(planLadder(info({ durationMs: 900 })).posterAt).toBeCloseTo(0.3)
    expect(planLadder(info()).posterAt).toBe(1)
  })

  it('fits sizes by the short side with even dimensions', () => {
    expect(fitShortSide(1440, 1080, 720)).toEqual({ width: 960, height: 720 })
    expect(fitShortSide(1080, 2340, 720)).toEqual({ width: 720, height: 1560 })
    expect(fitShortSide(1000, 1001, 480)).toEqual({ width: 480, height: 480 })
  })

  it('decodes once: one split feeding every rendition and the poster', () => {
    const plan = planLadder(info())
    const graph = ladderFilterGraph(plan)
    expect(graph.match(/\[0:v:0\]/g)).toHaveLength(1)
    expect(graph).toContain('split=4[s0][s1][s2][sp]')
    const args = invocationArgs(ladderInvocation('/in.mov', plan, '/out').invocation)
    expect(args.filter((a) => a === '-i')).toHaveLength(1)
    expect(args.filter((a) => a === '+faststart')).toHaveLength(3)
    expect(args.filter((a) => a === 'yuv420p' || a.includes('format=yuv420p'))).toHaveLength(1)
    const silent = invocationArgs(
      ladderInvocation('/in.mov', planLadder(info({ audio: null })), '/out').invocation,
    )
    expect(silent.filter((a) => a === '-i')).toHaveLength(2)
    expect(silent).toContain('anullsrc=r=48000:cl=stereo')
  })
})

describe('validation by probing', () => {
  it('accepts the usual containers and codecs', () => {
    expect(refusalFor(info())).toBeNull()
    expect(refusalFor(info({ container: 'matroska,webm', video: { codec: 'vp9' } }))).toBeNull()
    expect(refusalFor(info({ container: 'mpegts', video: { codec: 'mpeg2video' } }))).toBeNull()
    expect(refusalFor(info({ container: 'avi', video: { codec: 'mpeg4' } }))).toBeNull()
  })

  it('names what is wrong', () => {
    expect(refusalFor(info({ video: null }))).toBe('audio-only')
    expect(refusalFor(info({ video: null, audio: null }))).toBe('not-video')
    expect(refusalFor(info({ container: 'mp3', video: { attachedPicture: true } }))).toBe('audio-only')
    expect(refusalFor(info({ container: 'png_pipe', video: { codec: 'png' } }))).toBe('still-image')
    expect(refusalFor(info({ container: 'image2', video: { codec: 'mjpeg' } }))).toBe('still-image')
    expect(refusalFor(info({ container: 'wav' }))).toBe('unsupported-container')
    expect(refusalFor(info({ video: { codec: 'cinepak' } }))).toBe('unsupported-codec')
    expect(refusalFor(info({ durationMs: 120 }))).toBe('too-short')
  })

  it('calls a file truncated when its packets stop well before its claimed end', () => {
    expect(isTruncated(info(), { coveredMs: 9_967, damaged: false })).toBe(false)
    expect(isTruncated(info(), { coveredMs: 4_966, damaged: false })).toBe(true)
    expect(isTruncated(info(), { coveredMs: 9_967, damaged: true })).toBe(true)
  })
})

describe('reading ffprobe output', () => {
  it('applies rotation (display matrix or legacy tag) and sample aspect ratio', () => {
    const rotated = interpretProbe({
      streams: [
        {
          index: 0,
          codec_type: 'video',
          codec_name: 'hevc',
          width: 1920,
          height: 1080,
          avg_frame_rate: '30/1',
          side_data_list: [{ rotation: -90 }],
        },
      ],
      format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '2.000000' },
    })
    expect(rotated.video).toMatchObject({ displayWidth: 1080, displayHeight: 1920, rotation: 90 })
    const legacy = interpretProbe({
      streams: [{ index: 0, codec_type: 'video', width: 1280, height: 720, tags: { rotate: '270' } }],
      format: { format_name: 'mov' },
    })
    expect(legacy.video).toMatchObject({ displayWidth: 720, displayHeight: 1280, rotation: 270 })
    const anamorphic = interpretProbe({
      streams: [{ index: 0, codec_type: 'video', width: 720, height: 576, sample_aspect_ratio: '16:15' }],
      format: { format_name: 'mpegts', duration: '1' },
    })
    expect(anamorphic.video).toMatchObject({ displayWidth: 768, displayHeight: 576 })
  })

  it('tells cover art from a video stream', () => {
    const mp3 = interpretProbe({
      streams: [
        { index: 0, codec_type: 'audio', codec_name: 'mp3' },
        {
          index: 1,
          codec_type: 'video',
          codec_name: 'png',
          width: 300,
          height: 300,
          disposition: { attached_pic: 1 },
        },
      ],
      format: { format_name: 'mp3', duration: '3.0' },
    })
    expect(mp3.video?.attachedPicture).toBe(true)
    expect(refusalFor(mp3)).toBe('audio-only')
  })

  it('rejects output that is not what ffprobe prints', () => {
    expect(() => interpretProbe({ nonsense: true })).toThrow()
  })
})

describe('ffmpeg progress', () => {
  it('reads time marks', () => {
    expect(parseTimemark('00:01:02.50')).toBe(62.5)
    expect(parseTimemark('01:00:00.00')).toBe(3600)
    expect(parseTimemark('N/A')).toBeNull()
  })
})

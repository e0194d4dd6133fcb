import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Generated once per machine (kept in the OS temp dir, keyed by a version) and shared by test files. */
const DIR = join(tmpdir(), 'tapdrop-corpus-v5')
const Q = ['-hide_banner', '-loglevel', 'error', '-y']

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', [...Q, ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 })
}

/** Makes `name` with `make(tmpPath)` unless present; atomic, so parallel workers never see a half file. */
function once(name: string, make: (out: string) => void): string {
  mkdirSync(DIR, { recursive: true })
  const final = join(DIR, name)
  if (existsSync(final)) return final
  const tmp = join(DIR, `.${randomBytes(4).toString('hex')}-${name}`)
  make(tmp)
  renameSync(tmp, final)
  return final
}

// Input options go before their -i: the duration binds to the picture source itself.
const SRC = (size: string, rate: number, seconds: number) => [
  '-f',
  'lavfi',
  '-t',
  String(seconds),
  '-i',
  `testsrc2=size=${size}:rate=${rate}`,
]
// A bounded tone (the -t binds to this input, so ffmpeg never waits on an endless source).
const TONE = (rate = 48000, seconds = 30, frequency = 440) => [
  '-f',
  'lavfi',
  '-t',
  String(seconds),
  '-i',
  `sine=frequency=${frequency}:sample_rate=${rate}`,
]

export interface GoodClip {
  name: string
  path: string
  /** What the source looks like when shown (after rotation). */
  display: { width: number; height: number }
  audio: boolean
}

/** The varied corpus the issue lists; every one must import and transcode. */
export function goodCorpus(): GoodClip[] {
  const clips: GoodClip[] = []
  const add = (
    name: string,
    display: { width: number; height: number },
    audio: boolean,
    make: (out: string) => void,
  ) => clips.push({ name, display, audio, path: once(name, make) })

  add('portrait-hevc-rotated.mov', { width: 1080, height: 1920 }, true, (out) => {
    const raw = out + '.raw.mov'
    ffmpeg([
      ...SRC('1920x1080', 30, 2),
      ...TONE(),
      '-c:v',
      'libx265',
      '-tag:v',
      'hvc1',
      '-x265-params',
      'log-level=error',
      '-c:a',
      'aac',
      '-shortest',
      '-f',
      'mov',
      raw,
    ])
    // ffmpeg 5 writes the rotation matrix when remuxing with the (legacy) rotate tag.
    ffmpeg(['-i', raw, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-f', 'mov', out])
  })
  add('mpeg4-mp3.avi', { width: 640, height: 480 }, true, (out) =>
    ffmpeg([
      ...SRC('640x480', 25, 2),
      ...TONE(44100),
      '-c:v',
      'mpeg4',
      '-c:a',
      'libmp3lame',
      '-shortest',
      '-f',
      'avi',
      out,
    ]),
  )
  add('vp9-opus.mkv', { width: 1280, height: 720 }, true, (out) =>
    ffmpeg([
      ...SRC('1280x720', 30, 2),
      ...TONE(),
      '-c:v',
      'libvpx-vp9',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-c:a',
      'libopus',
      '-shortest',
      '-f',
      'matroska',
      out,
    ]),
  )
  add('h264-10bit.mp4', { width: 1280, height: 720 }, true, (out) =>
    // Phone videos carry titles and places: the renditions must not.
    ffmpeg([
      ...SRC('1280x720', 30, 2),
      ...TONE(),
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p10le',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      '-metadata',
      'title=Private family video',
      '-metadata',
      'comment=GPS +39.9042+116.4074',
      '-f',
      'mp4',
      out,
    ]),
  )
  add('4k-60fps.mp4', { width: 3840, height: 2160 }, true, (out) =>
    ffmpeg([
      ...SRC('3840x2160', 60, 1.5),
      ...TONE(),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      '-f',
      'mp4',
      out,
    ]),
  )
  add('variable-frame-rate.mp4', { width: 1280, height: 720 }, true, (out) =>
    ffmpeg([
      ...SRC('1280x720', 60, 3),
      ...TONE(),
      '-vf',
      "select='if(lt(mod(n\\,60)\\,20)\\,1\\,not(mod(n\\,4)))'",
      '-fps_mode',
      'vfr',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      '-f',
      'mp4',
      out,
    ]),
  )
  add('no-audio.mp4', { width: 1280, height: 720 }, false, (out) =>
    ffmpeg([...SRC('1280x720', 30, 2), '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mp4', out]),
  )
  add('mpeg2.ts', { width: 720, height: 576 }, true, (out) =>
    ffmpeg([
      ...SRC('720x576', 25, 2),
      ...TONE(),
      '-c:v',
      'mpeg2video',
      '-c:a',
      'mp2',
      '-shortest',
      '-f',
      'mpegts',
      out,
    ]),
  )
  return clips
}

export interface BadFile {
  name: string
  path: string
  reason: string
}

/** Files that must be refused, each with the reason the hub must give. */
export function badCorpus(): BadFile[] {
  const good = once('base-faststart.mp4', (out) =>
    ffmpeg([
      ...SRC('1280x720', 30, 6),
      ...TONE(),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      out,
    ]),
  )
  const goodMkv = once('base.mkv', (out) =>
    ffmpeg([...SRC('640x360', 30, 4), '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'matroska', out]),
  )
  const half = (src: string) => (out: string) =>
    writeFileSync(out, readFileSync(src).subarray(0, Math.floor(statSync(src).size / 2)))
  return [
    { name: 'truncated.mp4', reason: 'truncated', path: once('truncated.mp4', half(good)) },
    { name: 'truncated.mkv', reason: 'truncated', path: once('truncated.mkv', half(goodMkv)) },
    { name: 'empty.mp4', reason: 'empty', path: once('empty.mp4', (out) => writeFileSync(out, '')) },
    {
      name: 'random.mp4',
      reason: 'not-video',
      path: once('random.mp4', (out) => writeFileSync(out, randomBytes(200_000))),
    },
    {
      name: 'page.mp4',
      reason: 'not-video',
      path: once('page.mp4', (out) =>
        writeFileSync(
          out,
          '<!doctype html><html><head><title>Video</title></head><body><video src="x.mp4"></video></body></html>\n'.repeat(
            50,
          ),
        ),
      ),
    },
    {
      name: 'song.mp4',
      reason: 'audio-only',
      path: once('song.mp4', (out) => ffmpeg([...TONE(48000, 3), '-c:a', 'aac', '-f', 'mp4', out])),
    },
    {
      name: 'song-with-cover.mp3',
      reason: 'audio-only',
      path: once('song-with-cover.mp3', (out) => {
        const cover = out + '.png'
        ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=300x300', '-frames:v', '1', '-f', 'image2', cover])
        ffmpeg([
          ...TONE(48000, 3),
          '-i',
          cover,
          '-map',
          '0:a',
          '-map',
          '1:v',
          '-c:a',
          'libmp3lame',
          '-c:v',
          'png',
          '-disposition:v',
          'attached_pic',
          '-f',
          'mp3',
          out,
        ])
      }),
    },
    {
      name: 'photo.mp4',
      reason: 'still-image',
      path: once('photo.mp4', (out) =>
        ffmpeg([
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=800x600',
          '-frames:v',
          '1',
          '-f',
          'image2',
          '-c:v',
          'png',
          out,
        ]),
      ),
    },
    {
      name: 'photo.mov',
      reason: 'still-image',
      path: once('photo.mov', (out) =>
        ffmpeg([
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=800x600',
          '-frames:v',
          '1',
          '-f',
          'image2',
          '-c:v',
          'mjpeg',
          out,
        ]),
      ),
    },
  ]
}

/** A plain clip for upload and queue tests; the tone's pitch comes from the name, so no two clips share bytes. */
export function clip(name: string, seconds = 2, size = '640x360', extra: string[] = []): string {
  const pitch = 200 + ([...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 2000)
  return once(name, (out) =>
    ffmpeg([
      ...SRC(size, 30, seconds),
      ...TONE(48000, seconds, pitch),
      ...extra,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      '-f',
      'mp4',
      out,
    ]),
  )
}

export interface StreamInfo {
  codec_type: string
  codec_name: string
  width?: number
  height?: number
  pix_fmt?: string
  avg_frame_rate?: string
  r_frame_rate?: string
  side_data_list?: Array<{ rotation?: number }>
  tags?: Record<string, string>
}

/** ffprobe, for the tests' own independent checks of what the hub wrote. */
export function ffprobe(file: string): {
  streams: StreamInfo[]
  format: { format_name: string; duration: string; tags?: Record<string, string> }
} {
  return JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], {
      encoding: 'utf8',
    }),
  )
}

/** Top-level MP4 boxes in file order (e.g. ['ftyp', 'moov', 'mdat']). */
export function mp4Boxes(file: string): string[] {
  const buf = readFileSync(file)
  const boxes: string[] = []
  let at = 0
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at)
    const type = buf.toString('latin1', at + 4, at + 8)
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8))
    if (size < 8) break
    boxes.push(type)
    at += size
  }
  return boxes
}

export function rate(r: string | undefined): number {
  const [n, d = '1'] = (r ?? '0/1').split('/')
  return Number(n) / Number(d)
}

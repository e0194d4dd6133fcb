import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, localClient, waitForVideo, type TestHub } from '../helpers/hub'
import { ffprobe, goodCorpus, mp4Boxes, rate, type GoodClip } from '../helpers/corpus'

let t: TestHub
let clips: GoodClip[]
beforeAll(async () => {
  clips = goodCorpus()
  t = await startTestHub()
}, 600_000)
afterAll(() => t?.stop())

describe('every kind of source becomes a phone-ready ladder', () => {
  it(
    'imports and transcodes the whole corpus, and each rendition is what every phone plays',
    { timeout: 600_000 },
    async () => {
      const api = localClient(t)
      const ids: Array<[GoodClip, number]> = []
      for (const c of clips) {
        const r = await api.invoke('video-import', { path: c.path })
        expect(['queued', 'processing'], `${c.name}: ${r.error}`).toContain(r.status)
        ids.push([c, r.id!])
      }
      for (const [c, id] of ids) {
        const v = await waitForVideo(t, id, 300_000)
        expect(v.status, `${c.name}: ${v.error}`).toBe('ready')
        expect({ w: v.width, h: v.height }, c.name).toEqual({ w: c.display.width, h: c.display.height })
        expect(v.renditions.length, c.name).toBeGreaterThan(0)
        const portrait = c.display.height > c.display.width
        for (const r of v.renditions) {
          const file = join(t.dataDir, r.path)
          const where = `${c.name} ${r.label}`
          const p = ffprobe(file)
          const video = p.streams.find((s) => s.codec_type === 'video')!
          const audio = p.streams.find((s) => s.codec_type === 'audio')
          expect(video.codec_name, where).toBe('h264')
          expect(video.pix_fmt, where).toBe('yuv420p')
          // A silent AAC track is added when the source has none.
          expect(audio?.codec_name, where).toBe('aac')
          expect((video.width! % 2) + (video.height! % 2), `${where} even size`).toBe(0)
          expect(video.width!, where).toBeLessThanOrEqual(c.display.width)
          expect(video.height!, where).toBeLessThanOrEqual(c.display.height)
          expect(video.height! > video.width!, `${where} orientation`).toBe(portrait)
          expect(video.side_data_list?.some((d) => d.rotation) ?? false, `${where} no rotation left`).toBe(
            false,
          )
          expect(rate(video.avg_frame_rate), `${where} fps`).toBeLessThanOrEqual(30.01)
          expect(rate(video.r_frame_rate), `${where} fps`).toBeLessThanOrEqual(30.01)
          const boxes = mp4Boxes(file)
          expect(boxes.indexOf('moov'), `${where} faststart`).toBeGreaterThanOrEqual(0)
          expect(boxes.indexOf('moov'), `${where} faststart`).toBeLessThan(boxes.indexOf('mdat'))
          expect(
            Object.keys(p.format.tags ?? {}).filter(
              (k) => !['major_brand', 'minor_version', 'compatible_brands', 'encoder'].includes(k),
            ),
            `${where} metadata`,
          ).toEqual([])
          expect(Math.abs(Number(p.format.duration) * 1000 - v.durationMs), `${where} duration`).toBeLessThan(
            250,
          )
          expect(r.sizeBytes).toBe(statSync(file).size)
        }
        // The ladder is the rungs not larger than the source (short side), or one at the source's own size.
        const short = Math.min(c.display.width, c.display.height)
        const expected = [1080, 720, 480].filter((s) => s <= short).map((s) => `${s}p`)
        expect(
          v.renditions.map((r) => r.label),
          c.name,
        ).toEqual(expected.length ? expected : [`${short}p`])
        for (const img of ['poster.jpg', 'thumb.jpg']) {
          const info = ffprobe(join(t.dataDir, 'media', 'videos', String(id), img)).streams[0]!
          expect(info.codec_name, `${c.name} ${img}`).toBe('mjpeg')
          expect(info.height! > info.width!, `${c.name} ${img} orientation`).toBe(portrait)
        }
      }
      // Nothing half-done is left behind.
      expect(readdirSync(join(t.dataDir, 'tmp'))).toEqual([])
      for (const [, id] of ids)
        expect(
          readdirSync(join(t.dataDir, 'media', 'videos', String(id))).filter((f) => f.startsWith('.')),
        ).toEqual([])
      expect(existsSync(join(t.dataDir, 'media', 'sources'))).toBe(true)
    },
  )
})

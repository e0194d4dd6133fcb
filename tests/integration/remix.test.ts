import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sayText } from '../../src/renderer/src/i18n/contract-texts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readyVideo, setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { runCli } from '../helpers/cli'
import { Phone, PHONE_UA } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'
import type { PoolStatus, Variant } from '../../src/shared/contract/remix'

// 一碰一个新视频 on real ffmpeg: a template of four short, visually different clips; variants at 480p of 3 s plus a
// 1 s end card, so 30 of them render in about a minute on two busy cores.

const Q = ['-hide_banner', '-loglevel', 'error', '-y']
const SOURCES = [
  'testsrc2=size=640x360:rate=30',
  'mandelbrot=size=640x360:rate=30',
  'gradients=size=640x360:rate=30:speed=0.05',
  'life=size=640x360:rate=30:mold=10:ratio=0.2:death_color=#102060:life_color=#e0c020',
]
/** The perceptual check: difference hashes (9×8 grey, 64 bits) of frames at these times, one inside each clip. */
const HASH_AT = [0.5, 1.5, 2.5]
/** Every pair of variants differs in at least this many of the 192 bits (≈ 8 %). */
const MIN_HASH_DISTANCE = 16

let dir: { path: string; cleanup(): void }
let t: TestHub
let owner: TestSession
const videoIds: number[] = []
let templateId: number
let music: string
const cli = (...args: string[]) => runCli([...args, '--data-dir', t.dataDir], { timeoutMs: 120_000 })

function ffmpeg(args: string[]): Buffer {
  return execFileSync('ffmpeg', [...Q, ...args], { timeout: 60_000, maxBuffer: 16 * 1048576 })
}

/** 64-bit difference hash of the frame at `at` seconds: each grey pixel brighter than its right neighbour. */
function dHash(file: string, at: number): boolean[] {
  const px = ffmpeg([
    '-ss',
    String(at),
    '-i',
    file,
    '-frames:v',
    '1',
    '-vf',
    'scale=9:8,format=gray',
    '-f',
    'rawvideo',
    '-',
  ])
  expect(px.length).toBe(72)
  const bits: boolean[] = []
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits.push(px[y * 9 + x]! > px[y * 9 + x + 1]!)
  return bits
}

const distance = (a: boolean[], b: boolean[]) => a.reduce((n, bit, i) => n + (bit !== b[i] ? 1 : 0), 0)

function probe(file: string): {
  streams: Array<{ codec_name: string; codec_type: string; width?: number }>
  format: { duration: string }
} {
  return JSON.parse(
    execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_name,codec_type,width:format=duration',
        '-of',
        'json',
        file,
      ],
      {
        encoding: 'utf8',
      },
    ),
  )
}

async function waitFor<T>(
  what: string,
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await get()
    if (ok(v)) return v
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

const pool = async (tagId: number): Promise<PoolStatus> => (await owner.invoke('pool-status', { tagId }))[0]!

beforeAll(async () => {
  dir = tempDir('tapdrop-remix-')
  const clips = SOURCES.map((src, i) => {
    const out = join(dir.path, `clip-${i}.mp4`)
    ffmpeg([
      '-f',
      'lavfi',
      '-t',
      '3',
      '-i',
      src,
      '-f',
      'lavfi',
      '-t',
      '3',
      '-i',
      `sine=frequency=${300 + i * 150}`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-c:a',
      'aac',
      '-shortest',
      out,
    ])
    return out
  })
  music = join(dir.path, 'music.mp3')
  ffmpeg([
    '-f',
    'lavfi',
    '-t',
    '20',
    '-i',
    'sine=frequency=520:sample_rate=44100',
    '-c:a',
    'libmp3lame',
    music,
  ])
  const data = join(dir.path, 'data')
  execFileSync('mkdir', ['-p', data])
  writeFileSync(
    join(data, 'config.json'),
    JSON.stringify({
      adminPort: 0,
      lanPort: 0,
      lanHost: '127.0.0.1',
      tapRateLimitPerMinute: 0,
      mdns: false,
      maxStreams: 1000,
      quotaNormal: 0,
      remixPoolMin: 30,
      remixPoolMax: 40,
      remixRendition: '480p',
    }),
  )
  t = await startTestHub({ dataDir: data })
  owner = await setupOwner(t)
  for (const [i, c] of clips.entries()) videoIds.push((await readyVideo(t, c, `素材 ${i + 1}`)).id)
}, 300_000)

afterAll(async () => {
  await t?.stop()
  dir?.cleanup()
})

describe('remix templates and variant pools on real ffmpeg', () => {
  it('imports music by probing, normalised once, and makes a template from the CLI', async () => {
    const m = await cli('music', 'add', music, '--title', '轻快', '--json')
    expect(m.stderr).toBe('')
    const added = JSON.parse(m.stdout) as { id: number; durationMs: number; sourceLufs: number }
    expect(added.durationMs).toBeGreaterThan(19_000)
    expect(added.sourceLufs).toBeLessThan(-3)
    const r = await cli(
      'template',
      'create',
      '--videos',
      videoIds.join(','),
      '--clips',
      '3',
      '--seconds',
      '3',
      '--music',
      String(added.id),
      '--end-card',
      '1',
      '--lines',
      '春季新品|限时优惠 第二件半价|欢迎光临',
      '--json',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const tpl = JSON.parse(r.stdout) as {
      id: number
      clips: number
      seconds: number
      musicId: number
      baseVideoId: number
    }
    expect(tpl).toMatchObject({ clips: 3, seconds: 3, musicId: added.id, baseVideoId: videoIds[0] })
    templateId = tpl.id
    const list = JSON.parse((await cli('template', 'list', '--json')).stdout) as Array<{ id: number }>
    expect(list.map((x) => x.id)).toContain(templateId)
    // The table says what its numbers are: clips per variant, then the videos they come from.
    const table = (await cli('template', 'list')).stdout
    expect(table).toMatch(
      new RegExp(`^${templateId}\\s.*\\b3 per variant, from videos ${videoIds.join(',')}\\b`, 'm'),
    )
  })

  it('renders the same choices from the same seed (template preview)', async () => {
    const a = JSON.parse(
      (await cli('template', 'preview', String(templateId), '--seed', '12345', '--json')).stdout,
    )
    const b = JSON.parse(
      (await cli('template', 'preview', String(templateId), '--seed', '12345', '--json')).stdout,
    )
    const c = JSON.parse(
      (await cli('template', 'preview', String(templateId), '--seed', '777', '--json')).stdout,
    )
    expect(a.seed).toBe(12345)
    expect(b.clips).toEqual(a.clips)
    expect(c.clips).not.toEqual(a.clips)
    // Same choices, same pictures: the hashes of the two renders agree (x264 is deterministic here too).
    for (const at of HASH_AT) expect(distance(dHash(a.file, at), dHash(b.file, at))).toBeLessThanOrEqual(2)
  }, 120_000)

  let tagId: number
  let variants: Variant[]
  it('keeps a pool of ready variants for a remix tag, rendered in idle time', async () => {
    const r = await cli('tag', 'create', '--template', String(templateId), '--label', '门口', '--json')
    expect(r.stderr).toBe('')
    const tag = JSON.parse(r.stdout) as { id: number; templateId: number; videoIds: number[] }
    expect(tag).toMatchObject({ templateId, videoIds: [videoIds[0]] })
    tagId = tag.id
    const status = await waitFor(
      'the pool',
      () => pool(tagId),
      (p) => p.ready >= 30,
      420_000,
    )
    expect(status).toMatchObject({ tagId, templateId, rendering: 0, used: 0, failed: 0, dry: false })
    const cliStatus = JSON.parse((await cli('pool', 'status', '--tag', String(tagId), '--json')).stdout)
    expect(cliStatus).toMatchObject({ ready: 30, rendering: 0, used: 0 })
    variants = await owner.invoke('variant-list', { tagId, limit: 100 })
    expect(variants.filter((v) => v.status === 'ready')).toHaveLength(30)
    // Never a half-rendered file beside them: only finished variants and no work folder.
    const files = readdirSync(join(t.dataDir, 'media', 'variants', String(tagId)))
    expect(files.filter((f) => !f.endsWith('.mp4'))).toEqual([])
    expect(files).toHaveLength(30)
  }, 480_000)

  it('makes 20 playable, byte-distinct, perceptually distinct variants', () => {
    const twenty = variants.slice(0, 20)
    const files = twenty.map((v) => join(t.dataDir, 'media', 'variants', String(tagId), `${v.id}.mp4`))
    const shas = new Set<string>()
    const hashes: boolean[][] = []
    for (const f of files) {
      const info = probe(f)
      expect(info.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
        'audio:aac',
        'video:h264',
      ])
      expect(info.streams.find((s) => s.codec_type === 'video')!.width).toBe(854)
      expect(Number(info.format.duration)).toBeGreaterThan(3.8)
      // faststart: the index (moov) comes before the media data (mdat).
      const head = readFileSync(f)
        .subarray(0, 64 * 1024)
        .toString('latin1')
      expect(head.indexOf('moov')).toBeGreaterThan(0)
      expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Infinity : head.indexOf('mdat'))
      shas.add(createHash('sha256').update(readFileSync(f)).digest('hex'))
      hashes.push(HASH_AT.flatMap((at) => dHash(f, at)))
    }
    expect(shas.size).toBe(20)
    let closest = Infinity
    for (let i = 0; i < hashes.length; i++)
      for (let j = i + 1; j < hashes.length; j++)
        closest = Math.min(closest, distance(hashes[i]!, hashes[j]!))
    console.log(`closest pair of 20 variants: ${closest} of 192 bits apart (threshold ${MIN_HASH_DISTANCE})`)
    expect(closest).toBeGreaterThanOrEqual(MIN_HASH_DISTANCE)
    // Each recorded seed renders its recorded choices again.
    expect(new Set(twenty.map((v) => v.seed)).size).toBe(20)
  }, 240_000)

  it('re-renders a pool variant from its recorded seed with the same choices', async () => {
    const v = variants[0]!
    const again = await owner.invoke('template-preview', { id: templateId, seed: v.seed })
    expect(again.clips).toEqual(v.clips)
  }, 60_000)

  it('gives 30 phones 30 different variants, each recorded with its seed, and refills by itself', async () => {
    const phones = Array.from(
      { length: 30 },
      (_, i) => new Phone(t.lanUrl, i % 2 ? PHONE_UA.android : PHONE_UA.iphone),
    )
    const tag = await owner.invoke('tag-get', { id: tagId })
    const answers = await Promise.all(phones.map((p) => p.tap(tag.code)))
    for (const a of answers) expect(a.status).toBe(200)
    const r = await cli('transfers', '--json')
    const transfers = (
      JSON.parse(r.stdout) as Array<{
        tagCode: string
        variantId: number | null
        seed: number | null
        remixFallback: string | null
      }>
    ).filter((x) => x.tagCode === tag.code)
    expect(transfers).toHaveLength(30)
    expect(new Set(transfers.map((x) => x.variantId)).size).toBe(30)
    const bySeed = new Map(variants.map((v) => [v.id, v.seed]))
    for (const x of transfers) {
      expect(x.remixFallback).toBeNull()
      expect(x.seed).toBe(bySeed.get(x.variantId!))
    }
    // What a phone downloads is its variant's file.
    const got = await phones[0]!.download(answers[0]!.token!)
    expect(got.status).toBe(200)
    const mine = transfers.find(
      (x) =>
        x.variantId !== null &&
        got.bytes.equals(
          readFileSync(join(t.dataDir, 'media', 'variants', String(tagId), `${x.variantId}.mp4`)),
        ),
    )
    expect(mine).toBeDefined()
    // A re-tap of the same phone continues its transfer (same link, same variant).
    const again = await phones[0]!.tap(tag.code)
    expect(again.token).toBe(answers[0]!.token)
    // The pool was emptied and fills again by itself.
    const refilling = await waitFor(
      'the refill',
      () => pool(tagId),
      (p) => p.ready >= 3,
      240_000,
    )
    expect(refilling.used).toBe(30)
    expect(refilling.usedToday).toBe(30)
    expect(refilling.target).toBeGreaterThanOrEqual(30)
  }, 300_000)

  it('gives a dry pool’s tap the base video, marks it, and tells staff once', async () => {
    // A new remix tag has nothing rendered yet at its first taps.
    const tag = await owner.invoke('tag-create', { templateId, label: '新开' })
    const a = await new Phone(t.lanUrl).tap(tag.code)
    const b = await new Phone(t.lanUrl).tap(tag.code)
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    const list = (await owner.invoke('transfer-list', { limit: 100 })).filter((x) => x.tagCode === tag.code)
    expect(list.map((x) => [x.remixFallback, x.variantId, x.videoId])).toEqual([
      ['base-video', null, videoIds[0]],
      ['base-video', null, videoIds[0]],
    ])
    await new Promise((r) => setTimeout(r, 200))
    const notes = await owner.invoke('notification-list', {})
    expect(notes.items.filter((n) => n.kind === 'remix-pool-dry' && n.params.tagId === tag.id)).toHaveLength(
      1,
    )
  })
})

describe('bad input is refused with a clear reason', () => {
  it('clips shorter than the template needs', async () => {
    const r = await cli(
      'template',
      'create',
      '--videos',
      videoIds.join(','),
      '--clips',
      '2',
      '--seconds',
      '20',
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('has 3.0 s but each clip needs 11.0 s')
  })

  it('rules that cannot make any variant', async () => {
    const r = await cli(
      'template',
      'create',
      '--videos',
      videoIds.slice(0, 2).join(','),
      '--clips',
      '3',
      '--seconds',
      '3',
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('a variant needs 3 clips but the template has 2')
    const pinned = await cli(
      'template',
      'create',
      '--videos',
      videoIds.slice(0, 2).join(','),
      '--clips',
      '1',
      '--seconds',
      '2',
      '--first',
      String(videoIds[0]),
      '--last',
      String(videoIds[1]),
    )
    expect(pinned.stderr).toContain('2 clips are pinned but a variant has only 1')
  })

  it('an overlay line the font has no glyph for', async () => {
    const r = await cli(
      'template',
      'create',
      '--videos',
      videoIds.join(','),
      '--clips',
      '2',
      '--seconds',
      '2',
      '--lines',
      '开业🦄大吉',
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('the font has no glyph for “🦄” in the line “开业🦄大吉”')
  })

  it('silent music, and a file that is not audio', async () => {
    const silent = join(dir.path, 'silent.m4a')
    ffmpeg(['-f', 'lavfi', '-t', '10', '-i', 'anullsrc=r=48000:cl=stereo', '-c:a', 'aac', silent])
    const r = await cli('music', 'add', silent)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/the music is silent/)
    const text = join(dir.path, 'notes.mp3')
    writeFileSync(text, 'not music at all\n'.repeat(100))
    const n = await cli('music', 'add', text)
    expect(n.code).toBe(1)
    expect(n.stderr).toMatch(/not an audio file|no sound stream/)
  })

  it('deleting a video a template uses', async () => {
    const name = (await owner.invoke('template-list', {})).find((x) => x.id === templateId)!.name
    const refused = await owner.invoke('video-delete', { id: videoIds[2]!, force: true }).catch((e) => e)
    // Named, in the console's words too: the console offered a forced delete and then said "tags deliver it".
    expect(refused).toMatchObject({
      code: 'video-in-use',
      message: `the remix templates “${name}” use this video: take it out of them or delete them first`,
    })
    expect(sayText(refused.details.text, 'zh-CN')).toBe(
      `混剪模板 “${name}” 用到了这个视频：请先从模板中移除它，或删除这些模板`,
    )
    await expect(owner.invoke('template-delete', { id: templateId })).rejects.toMatchObject({
      code: 'template-in-use',
    })
  })

  it('a ffmpeg that dies mid-variant: retried, and its half file never served', async () => {
    // The pools are refilling: the ffmpeg rendering a variant now is killed as it works.
    const root = join(t.dataDir, 'media', 'variants')
    const running = () =>
      readdirSync(root)
        .filter((d) => d !== 'preview')
        .flatMap((d) =>
          existsSync(join(root, d)) ? readdirSync(join(root, d)).map((w) => join(root, d, w)) : [],
        )
        .filter((w) => w.includes('.work-') && existsSync(join(w, 'ffmpeg.pid')))
    // A variant may end between reading its pid and the kill: then the next one is taken.
    const work = (await waitFor(
      'a running variant ffmpeg',
      async () => {
        for (const w of running())
          try {
            process.kill(Number(readFileSync(join(w, 'ffmpeg.pid'), 'utf8')), 'SIGKILL')
            return w
          } catch {
            // Ended or removed meanwhile.
          }
        return null
      },
      (w) => w !== null,
      120_000,
    ))!
    const variantId = Number(work.split('.work-')[1])
    // While it is retried, its tag's folder holds only whole variants.
    expect(
      readdirSync(join(work, '..')).filter((f) => f.endsWith('.mp4') && f.startsWith(`${variantId}.`)),
    ).toEqual([])
    // The killed variant is retried and becomes ready; nothing was renamed into place half-made.
    const db = () => new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
    const done = await waitFor(
      'the retried variant',
      async () => {
        const d = db()
        try {
          return d.prepare('SELECT status, path FROM variants WHERE id = ?').get(variantId) as {
            status: string
            path: string | null
          }
        } finally {
          d.close()
        }
      },
      (v) => v.status === 'ready',
      180_000,
    )
    const file = join(t.dataDir, done.path!)
    expect(probe(file).streams).toHaveLength(2)
    const d = db()
    const job = d
      .prepare(
        "SELECT attempts, status FROM jobs WHERE kind = 'remix-variant' AND json_extract(payload, '$.variantId') = ?",
      )
      .get(variantId) as { attempts: number; status: string }
    d.close()
    expect(job).toMatchObject({ status: 'done' })
    expect(job.attempts).toBeGreaterThanOrEqual(2)
  }, 300_000)
})

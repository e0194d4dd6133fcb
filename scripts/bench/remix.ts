// npm run bench:remix [-- --variants 6 --taps 300 --seconds 15]
// 一碰一个新视频 (issue 19), in one run of the built hub as its own process:
//  1. one 15-second 720p variant rendered through the hub (template-preview: planning, fluent-ffmpeg at the hub's
//     niceness, probe, fsync, rename) vs the same ffmpeg arguments run directly by hand (spawn, no hub). Target ≤ 1.1×.
//  2. variants per minute for that template (the hub rendering one after another). Target ≥ 6.
//  3. tap-page latency p99 (new phones, GET /t/<code> of a plain tag) while variants render vs idle. Target ≤ 2×.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApiClient } from '../../src/shared/api-client'
import { variantInvocation, variantSize } from '../../src/main/core/remix/graph'
import { invocationArgs } from '../../src/main/core/media/ladder-command'
import { planVariant } from '../../src/main/core/remix/plan'
import { TemplateRulesSchema } from '../../src/shared/contract/remix'
import { findCjkFont } from '../../src/main/labels/font'
import { arg, ffmpegVersion, run, startBuiltHub, table, timed } from './common'

const variants = Number(arg('variants', '6'))
const taps = Number(arg('taps', '300'))
const seconds = Number(arg('seconds', '15'))
const work = mkdtempSync(join(tmpdir(), 'tapdrop-bench-remix-'))
const SOURCES = ['testsrc2', 'mandelbrot', 'smptehdbars', 'rgbtestsrc']

const p99 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!

/** Milliseconds of `n` taps of new phones (no cookie), one after another. */
async function tapLatencies(url: string, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint()
    const res = await fetch(url, {
      headers: { 'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)' },
    })
    await res.arrayBuffer()
    out.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return out
}

async function main() {
  console.log(ffmpegVersion())
  console.log(
    `generating ${SOURCES.length} clips of ${Math.ceil(seconds / 2)} s at 1280×720 and 60 s of music…`,
  )
  const clips: string[] = []
  for (const [i, src] of SOURCES.entries()) {
    const out = join(work, `clip-${i}.mp4`)
    await run('ffmpeg', [
      '-hide_banner',
      '-y',
      '-f',
      'lavfi',
      '-t',
      String(Math.ceil(seconds / 2)),
      '-i',
      `${src}=size=1280x720:rate=30`,
      '-f',
      'lavfi',
      '-t',
      String(Math.ceil(seconds / 2)),
      '-i',
      `sine=frequency=${300 + i * 100}`,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-c:a',
      'aac',
      '-shortest',
      out,
    ])
    clips.push(out)
  }
  const music = join(work, 'music.m4a')
  await run('ffmpeg', [
    '-hide_banner',
    '-y',
    '-f',
    'lavfi',
    '-t',
    '60',
    '-i',
    'sine=frequency=440',
    '-c:a',
    'aac',
    music,
  ])

  const data = join(work, 'data')
  mkdirSync(data)
  // No pool of its own (min 0): the bench decides when variants render.
  writeFileSync(
    join(data, 'config.json'),
    JSON.stringify({
      adminPort: 0,
      lanPort: 0,
      lanHost: '127.0.0.1',
      mdns: false,
      tapRateLimitPerMinute: 0,
      quotaNormal: 0,
      maxStreams: 1000,
      remixPoolMin: 0,
      remixRendition: '720p',
    }),
  )
  const hub = await startBuiltHub(data, [], { ...process.env, TAPDROP_NFC: 'false' })
  try {
    const api = createApiClient({ baseUrl: hub.adminUrl, headers: { Authorization: `Bearer ${hub.token}` } })
    const added = JSON.parse(hub.cli(['video', 'add', ...clips, '--wait', '--json'])) as Array<{ id: number }>
    const m = JSON.parse(hub.cli(['music', 'add', music, '--json'])) as { id: number }
    const tpl = await api.invoke('template-create', {
      clips: added.map((v) => ({ videoId: v.id })),
      rules: { clips: 4, seconds, musicId: m.id, lines: ['春季新品 限时优惠', '欢迎光临'] },
    })
    const plainTag = await api.invoke('tag-create', { videoIds: [added[0]!.id] })
    const tapUrl = `${hub.lanUrl.replace('0.0.0.0', '127.0.0.1')}/t/${plainTag.code}`

    // 1. One variant: through the hub vs the same arguments by hand.
    const seed = 20261204
    let hubPath = ''
    const viaHub = await timed(async () => {
      hubPath = (await api.invoke('template-preview', { id: tpl.id, seed })).path
    })
    const font = findCjkFont()!
    const rules = TemplateRulesSchema.parse({
      clips: 4,
      seconds,
      musicId: m.id,
      lines: ['春季新品 限时优惠', '欢迎光临'],
    })
    const renditions = await Promise.all(added.map((v) => api.invoke('video-get', { id: v.id })))
    const files = new Map(
      renditions.map((v) => [v.id, join(data, v.renditions.find((r) => r.label === '720p')!.path)]),
    )
    const plan = planVariant(
      renditions.map((v) => ({ videoId: v.id, inMs: 0, outMs: null, pin: null, durationMs: v.durationMs })),
      rules,
      seed,
      { musicMs: 60_000, lines: rules.lines },
    )
    const text = join(work, 'text.txt')
    writeFileSync(text, plan.text?.line ?? '')
    const name = join(work, 'name.txt')
    writeFileSync(name, 'TapDrop 碰一碰')
    const inv = variantInvocation(
      plan,
      {
        clips: files,
        music: join(data, 'media', 'music', readdirSync(join(data, 'media', 'music'))[0]!),
        clipAudio: rules.clipAudio,
        font: font.path,
        textFile: plan.text ? text : null,
        // The built-in brand's end card, as the hub draws it.
        endCard: {
          seconds: rules.endCardSeconds,
          background: '#1f6feb',
          logo: join(__dirname, '..', '..', 'resources', 'brands', 'tapdrop', 'icon.png'),
          nameFile: name,
        },
      },
      { path: join(work, 'hand.mp4'), label: '720p', ...variantSize('720p', false) },
    )
    const byHand = await timed(
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn('ffmpeg', invocationArgs(inv), { stdio: 'ignore' })
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`))))
        }),
    )
    console.log(`\n1. one ${seconds}-s 720p variant (hub file: ${hubPath})`)
    console.log(
      table([
        ['', 'seconds', 'ratio'],
        ['through the hub (template-preview)', viaHub.toFixed(2), (viaHub / byHand).toFixed(2) + '×'],
        ['same ffmpeg arguments by hand', byHand.toFixed(2), '1.00×'],
      ]),
    )
    console.log(`   target ≤ 1.10×: ${viaHub / byHand <= 1.1 ? 'met' : 'MISSED'}`)

    // 3a. Tap pages while idle (after a warm-up, so the JIT is not what is measured).
    await tapLatencies(tapUrl, 100)
    const idle = await tapLatencies(tapUrl, taps)

    // 2 and 3b. Variants one after another, and tap pages meanwhile.
    let rendered = 0
    const renderAll = timed(async () => {
      for (let i = 0; i < variants; i++) {
        await api.invoke('template-preview', { id: tpl.id, seed: 1000 + i })
        rendered++
      }
    })
    const busy: number[] = []
    // Paced (a tap every 20 ms, a busy store's rush), so the taps measure the hub instead of taking its cores.
    const busyTaps = (async () => {
      while (rendered < variants) {
        busy.push(...(await tapLatencies(tapUrl, 1)))
        await new Promise((r) => setTimeout(r, 20))
      }
    })()
    const total = await renderAll
    await busyTaps
    const perMinute = (variants / total) * 60
    console.log(
      `\n2. ${variants} variants in ${total.toFixed(1)} s: ${perMinute.toFixed(1)} variants/minute (target ≥ 6: ${perMinute >= 6 ? 'met' : 'MISSED'})`,
    )
    const ratio = p99(busy) / p99(idle)
    console.log(`\n3. tap page (new phones), ${idle.length} idle / ${busy.length} while rendering`)
    console.log(
      table([
        ['', 'p50 ms', 'p99 ms'],
        [
          'idle',
          [...idle].sort((a, b) => a - b)[Math.floor(idle.length / 2)]!.toFixed(1),
          p99(idle).toFixed(1),
        ],
        [
          'while rendering',
          [...busy].sort((a, b) => a - b)[Math.floor(busy.length / 2)]!.toFixed(1),
          p99(busy).toFixed(1),
        ],
      ]),
    )
    console.log(`   p99 ratio ${ratio.toFixed(2)}× (target ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'})`)
  } finally {
    await hub.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

/**
 * `npm run bench:live [-- --phones 100 --clients 50 --mib 16 --rate 2]`: the live feed under load. The hub runs as
 * a store runs it (the built app, its own process); `--clients` dashboard sockets (in a separate process, so they
 * do not share a core with the phones) are connected while `--phones` simulated phones tap and download a
 * `--mib` MiB video at `--rate` MiB/s each (store Wi-Fi speeds). Event lag = arrival time at a dashboard client
 * minus the hub's timestamp on the event. Anchor: the same run with one dashboard client. Target: p99 < 500 ms.
 */
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import Database from 'better-sqlite3'
import WebSocket from 'ws'
import { arg, run, startBuiltHub, table } from './common'

const ROOT = join(__dirname, '..', '..')
const phones = Number(arg('phones', '100'))
const clients = Number(arg('clients', '50'))
const mib = Number(arg('mib', '16'))
const rate = Number(arg('rate', '2')) * 1048576
const TARGET_P99_MS = 500

interface LagReport {
  clients: number
  events: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** Child role: holds N dashboard sockets, measures lag of every transfer event until told to stop. */
async function clientsRole(adminUrl: string, token: string, n: number): Promise<void> {
  const lags: number[] = []
  const sockets: WebSocket[] = []
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`${adminUrl.replace('http', 'ws')}/api/events`, {
            headers: { Authorization: `Bearer ${token}` },
          })
          ws.on('message', (data) => {
            const e = JSON.parse(String(data)) as { type: string; at?: unknown }
            if (e.type === 'hello') resolve()
            else if (e.type === 'transfer' && typeof e.at === 'number') lags.push(Date.now() - e.at)
          })
          ws.on('error', reject)
          sockets.push(ws)
        }),
    ),
  )
  console.log('ready')
  for await (const line of createInterface({ input: process.stdin })) if (line === 'stop') break
  for (const ws of sockets) ws.close()
  lags.sort((a, b) => a - b)
  const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0
  const report: LagReport = {
    clients: n,
    events: lags.length,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: lags.at(-1) ?? 0,
  }
  console.log(JSON.stringify(report))
}

/** A phone on store Wi-Fi: taps, then downloads the video at about `rate` bytes/s. */
async function phone(lanUrl: string, code: string, i: number): Promise<number> {
  const ua = `Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1 bench/${i}`
  const page = await fetch(`${lanUrl}/t/${code}`, { headers: { 'User-Agent': ua } })
  const cookie = page.headers.get('set-cookie')?.split(';')[0] ?? ''
  const token = /data-token="([\w-]{24})"/.exec(await page.text())?.[1]
  if (!token) throw new Error(`phone ${i}: no transfer (status ${page.status})`)
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const req = request(`${lanUrl}/m/${token}`, { headers: { 'User-Agent': ua, Cookie: cookie } }, (res) => {
      let got = 0
      res.on('data', (c: Buffer) => {
        got += c.length
        const ahead = got / rate - (Date.now() - started) / 1000
        if (ahead > 0.01) {
          res.pause()
          setTimeout(() => res.resume(), ahead * 1000)
        }
      })
      res.on('end', () => resolve(got))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(120_000, () => req.destroy(new Error('stalled')))
    req.end()
  })
}

async function scenario(
  adminUrl: string,
  lanUrl: string,
  token: string,
  code: string,
  n: number,
): Promise<LagReport> {
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  const child = spawn(process.execPath, [tsx, __filename, '--role', 'clients', adminUrl, token, String(n)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const first = await lines.next()
  if (first.value !== 'ready') throw new Error(`dashboard clients did not start: ${first.value}`)
  const t0 = Date.now()
  const sizes = await Promise.all(Array.from({ length: phones }, (_v, i) => phone(lanUrl, code, i)))
  const seconds = (Date.now() - t0) / 1000
  if (sizes.some((s) => s !== mib << 20)) throw new Error('a phone got an incomplete file')
  child.stdin!.write('stop\n')
  const report = JSON.parse(String((await lines.next()).value)) as LagReport
  child.kill()
  console.log(
    `  ${n} dashboard client(s): ${phones} phones done in ${seconds.toFixed(1)} s, ${report.events} events measured`,
  )
  return report
}

async function main(): Promise<void> {
  if (process.argv.includes('--role')) {
    const [adminUrl, token, n] = process.argv.slice(process.argv.indexOf('--role') + 2)
    return clientsRole(adminUrl!, token!, Number(n))
  }
  const work = mkdtempSync(join(tmpdir(), 'tapdrop-bench-live-'))
  const dataDir = join(work, 'data')
  mkdirSync(dataDir)
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      adminPort: 0,
      lanPort: 0,
      lanHost: '127.0.0.1',
      mdns: false,
      tapRateLimitPerMinute: 0,
      maxStreams: phones,
      quotaNormal: 0,
      logLevel: 'warn',
    }),
  )
  const hub = await startBuiltHub(dataDir, [], { ...process.env, TAPDROP_NFC: 'false' })
  const { cli, token } = hub
  try {
    const clip = join(work, 'clip.mp4')
    await run('ffmpeg', [
      '-hide_banner',
      '-y',
      '-f',
      'lavfi',
      '-t',
      '1',
      '-i',
      'testsrc2=size=1280x720:rate=30',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      clip,
    ])
    const video = JSON.parse(cli(['video', 'add', clip, '--wait', '--json'])) as {
      id: number
      renditions: Array<{ path: string }>
    }
    // The delivered file: `mib` MiB written in place of each rendition (delivery does not look inside).
    const db = new Database(join(dataDir, 'tapdrop.db'))
    for (const r of video.renditions) writeFileSync(join(dataDir, r.path), randomBytes(mib << 20))
    db.prepare('UPDATE renditions SET size_bytes = ? WHERE video_id = ?').run(mib << 20, video.id)
    db.close()
    const code = (
      JSON.parse(cli(['tag', 'create', '--video', String(video.id), '--json'])) as { code: string }
    ).code
    const lanUrl = hub.lanUrl.replace('0.0.0.0', '127.0.0.1')
    console.log(
      `${phones} phones × ${mib} MiB at ${(rate / 1048576).toFixed(1)} MiB/s each; hub pid ${hub.process.pid}`,
    )
    const anchor = await scenario(hub.adminUrl, lanUrl, token, code, 1)
    const loaded = await scenario(hub.adminUrl, lanUrl, token, code, clients)
    console.log(
      '\n' +
        table([
          ['dashboard clients', 'events', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
          ...[anchor, loaded].map((r) => [r.clients, r.events, r.p50, r.p95, r.p99, r.max]),
        ]),
    )
    console.log(
      `\np99 with ${clients} clients: ${loaded.p99} ms (${loaded.p99 < TARGET_P99_MS ? 'within' : 'OVER'} the ${TARGET_P99_MS} ms target); ` +
        `vs one client: ${(loaded.p99 / Math.max(1, anchor.p99)).toFixed(2)}×`,
    )
  } finally {
    await hub.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

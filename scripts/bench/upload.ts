// npm run bench:upload [-- --gib 2 --repeat 2]
// A 2 GiB upload through the admin API of a real hub process (streamed, hashed, fsynced, probed) against `cp` of
// the same file on the same disk followed by `sync` of the copy, in one run. Both end with the bytes on disk: the
// hub fsyncs an upload before it counts as stored, and a copy is not on disk until synced either. Every
// measurement starts with no dirty pages (`sync`), and the order alternates, so neither pays for the other's
// writeback. Prints throughput, the ratio, and the hub's RSS growth. Targets: ≥ 0.7× cp; RSS growth < 100 MB.
//
// The payload is a real 2 GiB video (a high-bitrate H.264 clip stream-copied in a loop), so the timed request is a
// whole accepted upload: streamed, hashed, fsynced, probed, tail-checked and recorded. Between rounds the video is
// deleted through the API (untimed) so the next round uploads new bytes into an empty library.
import { execFileSync } from 'node:child_process'
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { arg, startBuiltHub, table, timed } from './common'

const gib = Number(arg('gib', '2'))
const repeat = Number(arg('repeat', '4'))
const root = join(__dirname, '..', '..')
// Same disk as the hub's data directory: the repository's own folder (not tmpfs).
const work = mkdtempSync(join(root, '.bench-upload-'))
const data = join(work, 'data')
const file = join(work, 'payload.bin')

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : 0
}

function upload(adminUrl: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const size = statSync(file).size
    const req = request(`${adminUrl}/api/videos/upload`, {
      method: 'POST',
      agent: false,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(size),
        'X-Tapdrop-Filename': 'payload.bin',
      },
    })
    req.on('response', (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    createReadStream(file, { highWaterMark: 1 << 20 }).pipe(req)
  })
}

async function api(adminUrl: string, token: string, method: string, args: unknown): Promise<void> {
  const res = await fetch(`${adminUrl}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  })
  if (!res.ok) throw new Error(`${method}: ${res.status} ${await res.text()}`)
}

async function main() {
  console.log(`making a ${gib} GiB video…`)
  const seed = join(work, 'seed.mkv')
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-t',
    '10',
    '-i',
    'testsrc2=size=1920x1080:rate=30',
    '-vf',
    'noise=alls=40:allf=t+u',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '150M',
    '-f',
    'matroska',
    seed,
  ])
  const loops = Math.ceil((gib * 2 ** 30) / statSync(seed).size)
  const list = join(work, 'list.txt')
  writeFileSync(list, Array.from({ length: loops }, () => `file '${seed}'`).join('\n'))
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-c',
    'copy',
    '-f',
    'matroska',
    file,
  ])
  rmSync(seed)
  const bytes = statSync(file).size

  // The hub runs as its own process, like in a store; uploads use the CLI's local token.
  const hub = await startBuiltHub(data, ['--admin-port', '0', '--lan-port', '0', '--lan-host', '127.0.0.1'])
  const token = hub.token
  const cpTarget = join(data, 'tmp', 'cp-copy.bin')

  let bestCp = Infinity
  let bestHub = Infinity
  let worstGrowthKb = 0
  const copy = async () => {
    execFileSync('sync')
    const s = await timed(async () => execFileSync('sh', ['-c', 'cp "$0" "$1" && sync "$1"', file, cpTarget]))
    rmSync(cpTarget)
    execFileSync('sync')
    return s
  }
  for (let i = 0; i < repeat; i++) {
    let cp = i % 2 === 0 ? await copy() : Infinity
    execFileSync('sync')
    const base = rssKb(hub.process.pid!)
    let peak = base
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb(hub.process.pid!))), 50)
    let answer = { status: 0, body: '' }
    const up = await timed(async () => {
      answer = await upload(hub.adminUrl, token)
    })
    clearInterval(sampler)
    if (answer.status !== 201)
      throw new Error(`upload answered ${answer.status}: ${answer.body.slice(0, 300)}`)
    const id = (JSON.parse(answer.body) as { result: { id: number } }).result.id
    await api(hub.adminUrl, token, 'video-delete', { id, force: true })
    bestHub = Math.min(bestHub, up)
    if (i % 2 === 1) cp = await copy()
    bestCp = Math.min(bestCp, cp)
    worstGrowthKb = Math.max(worstGrowthKb, peak - base)
    console.log(
      `  round ${i + 1}: cp ${cp.toFixed(2)} s, upload ${up.toFixed(2)} s, hub RSS +${(worstGrowthKb / 1024).toFixed(1)} MB`,
    )
  }
  const stopped = hub.stop()
  if (process.argv.includes('--phases'))
    console.log(
      execFileSync('grep', ['-h', 'upload handled', ...['logs/hub.1.log'].map((f) => join(data, f))], {
        encoding: 'utf8',
      }),
    )
  const mbps = (s: number) => bytes / s / 1048576
  console.log(`\n${(bytes / 2 ** 30).toFixed(1)} GiB, best of ${repeat}`)
  console.log(
    table([
      ['path', 'seconds', 'MiB/s'],
      ['cp + sync (same disk)', bestCp.toFixed(2), mbps(bestCp).toFixed(0)],
      [
        'hub upload (admin API: streamed, hashed, fsynced, probed)',
        bestHub.toFixed(2),
        mbps(bestHub).toFixed(0),
      ],
    ]),
  )
  const ratio = mbps(bestHub) / mbps(bestCp)
  console.log(
    `\nupload / cp throughput = ${ratio.toFixed(2)}  (target ≥ 0.70)  ${ratio >= 0.7 ? 'OK' : 'MISSED'}`,
  )
  console.log(
    `hub RSS growth = ${(worstGrowthKb / 1024).toFixed(1)} MB  (target < 100 MB)  ${worstGrowthKb / 1024 < 100 ? 'OK' : 'MISSED'}`,
  )
  await stopped
  rmSync(work, { recursive: true, force: true })
}

main().catch((err) => {
  console.error(err)
  rmSync(work, { recursive: true, force: true })
  process.exit(1)
})

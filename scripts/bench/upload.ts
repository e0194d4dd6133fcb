// npm run bench:upload [-- --gib 2 --repeat 2]
// A 2 GiB upload through the admin API of a real hub process (streamed, hashed, fsynced, probed) against `cp` of
// the same file on the same disk followed by `sync` of the copy, in one run. Both end with the bytes on disk: the
// hub fsyncs an upload before it counts as stored, and a copy is not on disk until synced either. Every
// measurement starts with no dirty pages (`sync`) on a disk idle for a second, and the order alternates, so
// neither pays for the other's writeback or trimming. Prints throughput, the ratio, and the hub's RSS growth. Targets: ≥ 0.7× cp; RSS growth < 100 MB.
//
// The payload is a real 2 GiB video (a high-bitrate H.264 clip stream-copied in a loop), so the timed request is a
// whole accepted upload: streamed, hashed, fsynced, probed, tail-checked and recorded. Between rounds the video is
// deleted through the API (untimed) so the next round uploads new bytes into an empty library.
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { arg, median, startBuiltHub, table, timed } from './common'

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

/**
 * The upload itself, sent by curl: a native client like the console's browser (whose network stack is native
 * too), so the figure measures the hub's receiving side, not a JavaScript sender competing for the same 2 cores.
 */
function upload(adminUrl: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      [
        '-sS',
        '-X',
        'POST',
        '-T',
        file,
        // Send at once rather than wait for "100 Continue": a browser does not ask either.
        '-H',
        'Expect:',
        '-H',
        `Authorization: Bearer ${token}`,
        '-H',
        'Content-Type: application/octet-stream',
        '-H',
        'X-Tapdrop-Filename: payload.bin',
        '-w',
        '\n%{http_code}',
        `${adminUrl}/api/videos/upload`,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
      (err, out) => {
        if (err) return reject(err)
        const cut = out.lastIndexOf('\n')
        resolve({ status: Number(out.slice(cut + 1)), body: out.slice(0, cut) })
      },
    )
  })
}

/**
 * Waits until the data disk has had no I/O for a second (at most 60 s), after a sync. Deleting a 2 GiB file on
 * a filesystem mounted with `discard` (this VM's) keeps the disk trimming for seconds after the delete returns;
 * whichever program ran next would pay for it.
 */
async function quietDisk(): Promise<void> {
  execFileSync('sync')
  const dev = statSync(work).dev
  const statFile = `/sys/dev/block/${Math.floor(dev / 256)}:${dev % 256}/stat`
  const read = () => {
    try {
      return readFileSync(statFile, 'utf8')
    } catch {
      return '' // no such file outside Linux block devices: nothing to wait for
    }
  }
  let last = read()
  let quietSince = performance.now()
  const deadline = performance.now() + 60_000
  while (performance.now() < deadline && performance.now() - quietSince < 1000) {
    await new Promise((r) => setTimeout(r, 100))
    const now = read()
    if (now !== last) {
      last = now
      quietSince = performance.now()
    }
  }
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

  let worstGrowthKb = 0
  const copy = async () => {
    await quietDisk()
    const s = await timed(async () => execFileSync('sh', ['-c', 'cp "$0" "$1" && sync "$1"', file, cpTarget]))
    rmSync(cpTarget)
    return s
  }
  const hubUpload = async () => {
    await quietDisk()
    const base = rssKb(hub.process.pid!)
    let peak = base
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb(hub.process.pid!))), 50)
    let answer = { status: 0, body: '' }
    const s = await timed(async () => {
      answer = await upload(hub.adminUrl, token)
    })
    clearInterval(sampler)
    if (answer.status !== 201)
      throw new Error(`upload answered ${answer.status}: ${answer.body.slice(0, 300)}`)
    const id = (JSON.parse(answer.body) as { result: { id: number } }).result.id
    await api(hub.adminUrl, token, 'video-delete', { id, force: true })
    worstGrowthKb = Math.max(worstGrowthKb, peak - base)
    return s
  }
  // Interleaved, alternating which goes first, so a disk that speeds up or slows down over the minutes (this
  // VM's does) weighs on both alike. One untimed upload first warms the hub.
  const cps: number[] = []
  const ups: number[] = []
  console.log(`  upload warm-up: ${(await hubUpload()).toFixed(2)} s`)
  for (let i = 0; i < repeat; i++) {
    if (i % 2 === 0) cps.push(await copy())
    ups.push(await hubUpload())
    if (i % 2 === 1) cps.push(await copy())
    console.log(
      `  round ${i + 1}: cp ${cps[i]!.toFixed(2)} s, upload ${ups[i]!.toFixed(2)} s, hub RSS +${(worstGrowthKb / 1024).toFixed(1)} MB`,
    )
  }
  const bestCp = Math.min(...cps)
  const bestHub = Math.min(...ups)
  const stopped = hub.stop()
  if (process.argv.includes('--phases'))
    console.log(
      execFileSync('grep', ['-h', 'upload handled', ...['logs/hub.1.log'].map((f) => join(data, f))], {
        encoding: 'utf8',
      }),
    )
  const mbps = (s: number) => bytes / s / 1048576
  console.log(`\n${(bytes / 2 ** 30).toFixed(1)} GiB, ${repeat} timed runs each`)
  console.log(
    table([
      ['path', 'best s', 'median s', 'best MiB/s', 'median MiB/s'],
      ...(
        [
          ['cp + sync (same disk)', cps],
          ['hub upload (admin API: streamed, hashed, fsynced, probed)', ups],
        ] as const
      ).map(([name, xs]) => [
        name,
        Math.min(...xs).toFixed(2),
        median(xs).toFixed(2),
        mbps(Math.min(...xs)).toFixed(0),
        mbps(median(xs)).toFixed(0),
      ]),
    ]),
  )
  const ratio = mbps(bestHub) / mbps(bestCp)
  const medianRatio = mbps(median(ups)) / mbps(median(cps))
  console.log(
    `\nupload / cp throughput = ${ratio.toFixed(2)} best, ${medianRatio.toFixed(2)} median  (target ≥ 0.70)  ${ratio >= 0.7 ? 'OK' : 'MISSED'}`,
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

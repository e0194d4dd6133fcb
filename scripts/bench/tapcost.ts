// Scratch (not committed): CPU per tap of the built hub's threads, from /proc, under wrk for --seconds.
import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { arg, run, startBuiltHub } from './common'

const seconds = Number(arg('seconds', '8'))
const cookie = arg('cookie', '')
const CLK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))
function threads(pid: number): Map<string, { name: string; t: number }> {
  const m = new Map()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
    m.set(tid, { name, t: Number(f[11]) + Number(f[12]) })
  }
  return m
}
async function main() {
  const work = mkdtempSync(join(tmpdir(), 'tapcost-'))
  const dataDir = join(work, 'data')
  mkdirSync(dataDir)
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ adminPort: 0, lanPort: 0, lanHost: '127.0.0.1', mdns: false, nfc: false, tapRateLimitPerMinute: 0, maxStreams: 1000, quotaNormal: 100000, logLevel: 'warn' }))
  const hub = await startBuiltHub(dataDir)
  try {
    const clip = join(work, 'clip.mp4')
    await run('ffmpeg', ['-hide_banner', '-y', '-f', 'lavfi', '-t', '1', '-i', 'testsrc2=size=640x360:rate=30', '-c:v', 'libx264', '-preset', 'ultrafast', clip])
    const video = JSON.parse(hub.cli(['video', 'add', clip, '--wait', '--json'])) as { id: number }
    const tag = JSON.parse(hub.cli(['tag', 'create', '--video', String(video.id), '--json'])) as { code: string }
    const url = `${hub.lanUrl}/t/${tag.code}`
    for (let i = 0; i < 2; i++) {
      const pid = hub.process.pid!
      const before = threads(pid)
      const db0 = new Database(join(dataDir, 'tapdrop.db'), { readonly: true })
      const n0 = (db0.prepare('SELECT count(*) n FROM taps').get() as { n: number }).n
      db0.close()
      const script = join(work, 'r.lua')
      writeFileSync(script, `math.randomseed(42)\nrequest = function()\n return wrk.format(nil, nil, { ["Cookie"] = string.format("td_dev=ret%019d", math.random(1, 50000)) })\nend\n`)
      const out: string = await new Promise((res, rej) => execFile('wrk', ['-t', '2', '-c', '64', '-d', `${seconds}s`, ...(cookie ? ['-s', script] : []), url], { encoding: 'utf8' }, (e, o) => (e ? rej(e) : res(o))))
      await new Promise((r) => setTimeout(r, 1500))
      const after = threads(pid)
      const db = new Database(join(dataDir, 'tapdrop.db'), { readonly: true })
      const n = (db.prepare('SELECT count(*) n FROM taps').get() as { n: number }).n - n0
      db.close()
      const per = new Map<string, number>()
      let total = 0
      for (const [tid, a] of after) {
        const d = a.t - (before.get(tid)?.t ?? 0)
        total += d
        const key = tid === String(pid) ? 'main' : a.name
        per.set(key, (per.get(key) ?? 0) + d)
      }
      const us = (ticks: number) => ((ticks / CLK) * 1e6) / n
      console.log(`round ${i}: ${n} taps, ${/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]} req/s; CPU µs per tap: total ${us(total).toFixed(1)}; ` + [...per].filter(([, v]) => v > 0).map(([k, v]) => `${k} ${us(v).toFixed(1)}`).join(', '))
    }
  } finally {
    await hub.stop()
    rmSync(work, { recursive: true, force: true })
  }
}
main().catch((e) => { console.error(e); process.exit(1) })

// npm run bench:soak [-- --cycles 4 --taps 60000 --connections 64 --settle 150]
// Memory over repeated floods: the built hub as its own process, flooded with `--taps` cookie-less taps (every
// tap a new phone, a recorded tap and a transfer; no per-address limit), then left alone until every
// transfer it created has ended (waited too long in line → expired, or admitted and never downloaded → cut off)
// and `--settle` more seconds have passed (the live views keep what ended in the last two minutes). RSS is read
// from /proc at the end of each quiet period. A hub that holds nothing per tap once its transfer has ended (the
// per-phone counts it keeps for the day level off at their bound, 100,000 phones) shows
// the same RSS after every cycle from the second on (the first grows the heap to the flood's working size).
// Anchor: the same hub idle, before the first flood.
import { Agent, request } from 'node:http'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { arg, run, startBuiltHub, table } from './common'

const cycles = Number(arg('cycles', '4'))
const taps = Number(arg('taps', '60000'))
const connections = Number(arg('connections', '64'))
const settle = Number(arg('settle', '150'))
/** RSS after a cycle may exceed the second's by this much and still count as flat (allocator noise). */
const FLAT_TOLERANCE = 0.1

const work = mkdtempSync(join(tmpdir(), 'tapdrop-bench-soak-'))

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/**
 * `taps` requests over `connections` keep-alive connections, no cookie kept (every tap a new phone). A client of
 * our own rather than wrk: a flood of an exact size, whatever the machine's speed.
 */
async function flood(url: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  let left = taps
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(url, { agent }, (res) => {
        res.resume()
        res.on('end', resolve)
      })
      req.on('error', reject)
      req.end()
    })
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (left-- > 0) await one()
    }),
  )
  agent.destroy()
}

/** Taps a second over the transfers created after `afterId`, from their own time stamps. */
function rateSince(dbFile: string, afterId: number): { rate: number; lastId: number } {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  const r = db
    .prepare(
      'SELECT count(*) AS n, min(created_at) AS a, max(created_at) AS b, max(id) AS top FROM transfers WHERE id > ?',
    )
    .get(afterId) as { n: number; a: number; b: number; top: number }
  db.close()
  return { rate: r.b > r.a ? (r.n * 1000) / (r.b - r.a) : 0, lastId: r.top ?? afterId }
}

/** Waits until no transfer is waiting, admitted or downloading any more (bounded by `limitSeconds`). */
async function untilEnded(dbFile: string, limitSeconds: number): Promise<{ open: number; total: number }> {
  const deadline = Date.now() + limitSeconds * 1000
  for (;;) {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true })
    const r = db
      .prepare(
        "SELECT (SELECT count(*) FROM transfers WHERE status IN ('pending','queued','active')) AS open, (SELECT count(*) FROM transfers) AS total",
      )
      .get() as { open: number; total: number }
    db.close()
    if (r.open === 0 || Date.now() > deadline) return r
    await new Promise((res) => setTimeout(res, 2000))
  }
}

async function main() {
  const dataDir = join(work, 'data')
  mkdirSync(dataDir)
  // As a store runs it, except no per-address tap limit (the flood comes from one address) and the shortest wait in line, so a
  // cycle ends sooner; slots (8) and everything else as shipped.
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      adminPort: 0,
      lanPort: 0,
      lanHost: '127.0.0.1',
      mdns: false,
      nfc: false,
      tapRateLimitPerMinute: 0,
      queueMaxWaitSeconds: 10,
      logLevel: 'warn',
    }),
  )
  const hub = await startBuiltHub(dataDir)
  const pid = hub.process.pid!
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
      'testsrc2=size=640x360:rate=30',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      clip,
    ])
    const video = JSON.parse(hub.cli(['video', 'add', clip, '--wait', '--json'])) as { id: number }
    const tag = JSON.parse(hub.cli(['tag', 'create', '--video', String(video.id), '--json'])) as {
      code: string
    }
    const url = `${hub.lanUrl}/t/${tag.code}`
    await fetch(url) // warm: the page cache and the first transfer
    await new Promise((r) => setTimeout(r, 3000))
    const rows: Array<Array<string | number>> = [
      ['after', 'taps/s', 'transfers so far', 'still open', 'RSS MiB'],
    ]
    const idle = rssMiB(pid)
    rows.push(['start (idle)', '—', '—', '—', idle.toFixed(0)])
    const rss: number[] = []
    let lastId = 0
    for (let c = 1; c <= cycles; c++) {
      await flood(url)
      const state = await untilEnded(join(dataDir, 'tapdrop.db'), 600)
      const { rate, lastId: top } = rateSince(join(dataDir, 'tapdrop.db'), lastId)
      lastId = top
      await new Promise((r) => setTimeout(r, settle * 1000))
      rss.push(rssMiB(pid))
      rows.push([`cycle ${c}`, rate.toFixed(0), state.total, state.open, rss[c - 1]!.toFixed(0)])
      console.log(table(rows.slice(-1)))
    }
    console.log(
      `\n${cycles} floods of ${taps} taps (${connections} connections, no cookie: each tap a new phone), each left until every transfer ended + ${settle} s`,
    )
    console.log(table(rows))
    if (rss.length >= 3) {
      // Flat means no growth: a later cycle may end lower (the heap shrinks once V8 sees it is not needed).
      const base = rss[1]!
      const growth = Math.max(...rss.slice(2).map((x) => (x - base) / base))
      console.log(
        `\nRSS from the second cycle on: ${rss
          .slice(1)
          .map((x) => x.toFixed(0))
          .join(
            ' → ',
          )} MiB; largest growth over the second ${(growth * 100).toFixed(1)}% (target ≤ ${FLAT_TOLERANCE * 100}%: ${growth <= FLAT_TOLERANCE ? 'OK' : 'MISSED'}); idle hub ${idle.toFixed(0)} MiB`,
      )
    }
  } finally {
    await hub.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

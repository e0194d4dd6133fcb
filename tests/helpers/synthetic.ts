import type { Database } from 'better-sqlite3'

/** A small deterministic PRNG, so synthetic histories are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const UAS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 12; M2012K11AC) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4313 MMWEBSDK/20220805 Mobile Safari/537.36 MicroMessenger/8.0.27.2220(0x28001B37) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN',
]

/** A 12-character tag code like the hub's own (`s042t0000007`), so every lookup treats it as real. */
function codeOf(seed: number, i: number): string {
  return `s${String(seed).padStart(3, '0')}t${String(i).padStart(7, '0')}`
}

export interface SyntheticOptions {
  transfers: number
  /** Spread over this many days back from `now` (today included). */
  days: number
  now: number
  tags?: number
  videos?: number
  seed?: number
  /** Extra taps refused for quota, as a share of transfers (taps without transfers). */
  refusedShare?: number
}

/**
 * Fills a hub database with a synthetic history: videos and tags with Chinese names, then taps and transfers
 * spread evenly over `days`, written directly with SQL in large transactions (the real write path is measured
 * elsewhere). Returns the ids it made.
 */
export function insertSynthetic(db: Database, o: SyntheticOptions): { tagIds: number[]; videoIds: number[] } {
  const rnd = prng(o.seed ?? 42)
  const nTags = o.tags ?? 40
  const nVideos = o.videos ?? 12
  const start = o.now - o.days * 86_400_000 + 1
  const videoIds: number[] = []
  const tagIds: number[] = []
  db.transaction(() => {
    const v =
      db.prepare(`INSERT INTO videos (title, original_name, source_path, size_bytes, sha256, duration_ms, width, height,
      container, video_codec, status, uploader_name, created_at, updated_at)
      VALUES (?, 'x.mp4', 'media/x', 1000, ?, 10000, 1280, 720, 'mp4', 'h264', 'ready', '店长', ?, ?)`)
    for (let i = 0; i < nVideos; i++)
      videoIds.push(
        Number(v.run(`合成视频 ${i + 1} 号`, `sha-${o.seed ?? 42}-${i}`, start, start).lastInsertRowid),
      )
    const g = db.prepare(`INSERT INTO tags (code, label, tier, strategy, base_url, created_at, updated_at)
      VALUES (?, ?, ?, 'fixed', 'http://192.168.1.20:8080', ?, ?)`)
    for (let i = 0; i < nTags; i++)
      tagIds.push(
        Number(
          g.run(codeOf(o.seed ?? 42, i), `货架 ${i + 1}`, i % 5 === 0 ? 'vip' : 'normal', start, start)
            .lastInsertRowid,
        ),
      )
  })()
  const tap = db.prepare(
    'INSERT INTO taps (tag_id, tag_code, device_id, ip, user_agent, at, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const tr =
    db.prepare(`INSERT INTO transfers (token, tap_id, tag_id, tag_code, video_id, rendition, device_id, tier, ip, user_agent,
      bytes_total, bytes_sent, wire_bytes, requests, status, error, created_at, admitted_at, started_at, finished_at, updated_at)
      VALUES (?, ?, ?, ?, ?, '720p', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const lastTap = db.prepare('UPDATE tags SET last_tap_at = max(coalesce(last_tap_at, 0), ?) WHERE id = ?')
  const step = (o.now - start) / o.transfers
  const refused = o.refusedShare ?? 0.05
  const latest = new Map<number, number>()
  const BATCH = 50_000
  for (let done = 0; done < o.transfers; done += BATCH) {
    db.transaction(() => {
      for (let i = done; i < Math.min(o.transfers, done + BATCH); i++) {
        const at = Math.floor(start + i * step)
        const ti = Math.floor(rnd() * nTags)
        const tagId = tagIds[ti]!
        const code = codeOf(o.seed ?? 42, ti)
        const ua = UAS[i % UAS.length]!
        const device = `dev${Math.floor(rnd() * 1e9).toString(36)}`
        const ip = `192.168.1.${(i % 200) + 2}`
        latest.set(tagId, at)
        // Some phones come back after their quota is used up: an extra, refused tap (no transfer).
        if (rnd() < refused) tap.run(tagId, code, `${device}q`, ip, ua, at, 'quota')
        const tapId = Number(tap.run(tagId, code, device, ip, ua, at, 'delivered').lastInsertRowid)
        const r = rnd()
        const status =
          r < 0.85
            ? 'completed'
            : r < 0.91
              ? 'aborted'
              : r < 0.93
                ? 'failed'
                : r < 0.94
                  ? 'expired'
                  : 'pending'
        const size = 2_000_000 + Math.floor(rnd() * 30_000_000)
        const sent = status === 'completed' ? size : status === 'aborted' ? Math.floor(size * rnd()) : 0
        const error =
          status === 'failed'
            ? 'the rendition file is missing'
            : status === 'expired'
              ? 'waited too long in line'
              : null
        const end = status === 'pending' ? null : at + 4000
        tr.run(
          `tok${o.seed ?? 42}-${i.toString(36)}`,
          tapId,
          tagId,
          code,
          videoIds[Math.floor(rnd() ** 2 * nVideos)]!,
          device,
          ti % 5 === 0 ? 'vip' : 'normal',
          ip,
          ua,
          size,
          sent,
          sent,
          status === 'completed' ? 2 : 1,
          status,
          error,
          at,
          at,
          status === 'pending' ? null : at + 200,
          end,
          end ?? at,
        )
      }
    })()
  }
  db.transaction(() => {
    for (const [tagId, at] of latest) lastTap.run(at, tagId)
  })()
  return { tagIds, videoIds }
}

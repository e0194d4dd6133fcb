import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import { Phone, PHONE_UA } from '../helpers/phone'
import { clip } from '../helpers/corpus'

const PHONES = 200
let t: TestHub
let code: string
let vipCode: string
let file: Buffer
beforeAll(async () => {
  const src = clip('load-clip.mp4', 2, '854x480')
  t = await startTestHub()
  const owner = await setupOwner(t)
  const v = await readyVideo(t, src, 'load')
  file = readFileSync(join(t.dataDir, v.renditions[0]!.path))
  code = (await owner.invoke('tag-create', { videoIds: [v.id] })).code
  vipCode = (await owner.invoke('tag-create', { videoIds: [v.id], tier: 'vip' })).code
}, 300_000)
afterAll(() => t?.stop())

describe('load (bounded, loopback)', () => {
  it(
    `${PHONES} phones tap and download at once: every tap and transfer recorded, no 5xx, memory bounded`,
    { timeout: 180_000 },
    async () => {
      const rssBefore = process.memoryUsage().rss
      let peakRss = rssBefore
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
      const statuses: number[] = []
      const started = Date.now()
      // Everyone taps at once first (a crowd arriving), then everyone downloads: most must wait in line.
      const phones = Array.from(
        { length: PHONES },
        (_, i) => new Phone(t.lanUrl, i % 2 ? PHONE_UA.android : PHONE_UA.iphone),
      )
      const taps = await Promise.all(phones.map((phone, i) => phone.tap(i % 10 === 0 ? vipCode : code)))
      const results = await Promise.all(
        phones.map(async (phone, i) => {
          const tap = taps[i]!
          statuses.push(tap.status)
          if (!tap.token) return { ok: false, queued: false }
          const queued = tap.position > 0
          if (queued && (await phone.waitForTurn(tap.token, 120_000)) !== 'admitted')
            return { ok: false, queued }
          const media = await phone.download(tap.token)
          statuses.push(media.status)
          return { ok: media.status === 200 && media.bytes.equals(file), queued }
        }),
      )
      clearInterval(sampler)
      const seconds = (Date.now() - started) / 1000
      expect(statuses.filter((s) => s >= 500)).toEqual([])
      expect(results.every((r) => r.ok)).toBe(true)
      // The last bytes can reach a phone a moment before the hub hears back from the thread that sent them.
      for (let i = 0; i < 40 && t.hub.services.delivery.status().active > 0; i++)
        await new Promise((r) => setTimeout(r, 50))
      t.hub.services.delivery.flush()
      const db = new Database(join(t.dataDir, 'tapdrop.db'), { readonly: true })
      const tapRows = db
        .prepare("SELECT count(*) AS n FROM taps WHERE outcome IN ('delivered', 'queued')")
        .get() as { n: number }
      const transfers = db
        .prepare(
          'SELECT status, count(*) AS n, sum(bytes_sent = bytes_total) AS exact FROM transfers GROUP BY status',
        )
        .all()
      db.close()
      expect(tapRows.n).toBe(PHONES)
      expect(transfers).toEqual([{ status: 'completed', n: PHONES, exact: PHONES }])
      const growthMb = (peakRss - rssBefore) / 1048576
      console.log(
        `load: ${PHONES} phones, ${results.filter((r) => r.queued).length} waited in line (8 slots), ${seconds.toFixed(1)} s, ` +
          `${((PHONES * file.length) / 1048576 / seconds).toFixed(0)} MiB/s, RSS growth ${growthMb.toFixed(0)} MB (test process incl. the hub)`,
      )
      expect(results.filter((r) => r.queued).length).toBeGreaterThan(PHONES / 2)
      expect(growthMb).toBeLessThan(300)
    },
  )
})

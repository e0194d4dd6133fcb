import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { silentLogger } from '../../src/main/core/logger'
import { loadConfig } from '../../src/main/core/config/load'
import { ConfigStore } from '../../src/main/core/config/store'
import { EventBus } from '../../src/main/core/events/bus'
import { DeliveryService } from '../../src/main/core/delivery/service'
import type { VideoStorage } from '../../src/main/core/videos/storage'
import Database from 'better-sqlite3'
import { PHONE_UA } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'

// Memory a hub keeps per tap once the tap's transfer has ended: none. A flood of cookie-less taps (each a new
// phone) on a real database and the real writer thread, then the clock moves on until every transfer has ended
// and left the live views; what the delivery side holds must be back to nothing.
let dir: ReturnType<typeof tempDir>
let repos: Repos
let now: number
let delivery: DeliveryService
const CODE = 'MemMemMemMem'

beforeEach(() => {
  dir = tempDir()
  const file = join(dir.path, 'tapdrop.db')
  repos = createRepos(
    openDatabase(file, { backupsDir: join(dir.path, 'backups'), logger: silentLogger() }).db,
  )
  repos.db.exec(`
    INSERT INTO videos (id, title, original_name, source_path, size_bytes, sha256, duration_ms, width, height, container,
                        video_codec, status, uploader_name, created_at, updated_at)
      VALUES (1, 'v', 'v.mp4', 'media/v', 1000, 'sha-v', 1000, 1280, 720, 'mp4', 'h264', 'ready', 'x', 0, 0);
    INSERT INTO renditions (video_id, label, width, height, path, size_bytes) VALUES (1, '720p', 1280, 720, 'media/v', 1000);
    INSERT INTO tags (id, code, label, tier, strategy, base_url, created_at, updated_at)
      VALUES (1, '${CODE}', 'door', 'normal', 'fixed', 'http://192.168.1.20:8080', 0, 0);
    INSERT INTO tag_videos (tag_id, video_id, position) VALUES (1, 1, 0);
    INSERT INTO tags (id, code, label, tier, strategy, base_url, created_at, updated_at)
      VALUES (2, 'MemMemMemMe2', 'shelf', 'normal', 'fixed', 'http://192.168.1.20:8080', 0, 0),
             (3, 'MemMemMemMe3', 'till', 'normal', 'fixed', 'http://192.168.1.20:8080', 0, 0);
    INSERT INTO tag_videos (tag_id, video_id, position) VALUES (2, 1, 0), (3, 1, 0);
  `)
  now = Date.now()
  delivery = open()
})
afterEach(async () => {
  await delivery.stop()
  closeDatabase(repos.db)
  dir.cleanup()
})

/** The delivery side on this database, with a clock the test moves. */
function open(config: object = {}, recordsMaxKeys?: number): DeliveryService {
  const configFile = join(dir.path, 'config.json')
  writeFileSync(configFile, JSON.stringify({ tapRateLimitPerMinute: 0, queueMaxWaitSeconds: 10, ...config }))
  const d = new DeliveryService({
    repos,
    config: new ConfigStore(loadConfig({ file: configFile, env: {} })),
    events: new EventBus(),
    storage: {} as VideoStorage, // the tap path never reads a file
    logger: silentLogger(),
    now: () => now,
    ...(recordsMaxKeys ? { recordsMaxKeys } : {}),
  })
  d.start()
  return d
}

function tapAs(deviceId: string | null, code = CODE) {
  return delivery.tap({ code, deviceId, ip: '127.0.0.1', userAgent: PHONE_UA.android })
}

describe('memory per tap', () => {
  it('holds no transfer of a flood once every one has ended and left the live views', async () => {
    for (let i = 0; i < 3000; i++) {
      const r = delivery.tap({ code: CODE, deviceId: null, ip: '127.0.0.1', userAgent: PHONE_UA.android })
      expect(r.kind).toBe('deliver')
    }
    delivery.flush()
    // Those in line wait at most 10 s; those admitted and never downloaded lose their slot after 30 s.
    now += 31_000
    delivery.admission.sweep()
    delivery.flush()
    expect(
      repos.db.prepare("SELECT count(*) AS n FROM transfers WHERE status IN ('queued', 'pending')").get(),
    ).toEqual({ n: 0 })
    // The live views show what ended in the last two minutes; after that, nothing needs to stay.
    now += 3 * 60_000
    // Memory is swept on a timer of its own (a few seconds of real time).
    const deadline = Date.now() + 15_000
    while (delivery.records.memory.transfers > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200))
    expect(delivery.records.memory.transfers).toBe(0)
    expect(delivery.liveTransfers()).toEqual([])
    // Each transfer is still there for whoever asks by its token.
    const last = repos.db.prepare('SELECT token FROM transfers ORDER BY id DESC LIMIT 1').get() as {
      token: string
    }
    expect(delivery.records.byToken(last.token)?.record.status).toBe('expired')
  })

  it('keeps what a cut download left unconfirmed until its phone comes back for the rest, minutes later', () => {
    const r = tapAs(null)
    if (r.kind !== 'deliver') throw new Error(r.reason)
    const t = r.transfer
    // A response on the stream path cut at byte 900 of 1000, with bytes 900–999 handed to the network unconfirmed.
    delivery.streamStarted(t, now, 0)
    delivery.sent(t, 0, 900)
    delivery.streamEnded(t, true, { at: now, start: 0, end: 999, bytes: 900 }, { from: 900, to: 1000 })
    expect(t.record.status).toBe('aborted')
    delivery.flush()
    now += 3 * 60_000
    delivery.records.sweep()
    // The phone asks for the rest from byte 950: it holds 900–949 from the cut response.
    const back = delivery.records.byToken(t.record.token)!
    delivery.streamStarted(back, now, 950)
    delivery.sent(back, 950, 50)
    expect(back.record.status).toBe('completed')
    expect(back.record.bytesSent).toBe(1000)
  })

  it('counts a phone let go of once, while the writer thread has committed its batch but not said so', async () => {
    await delivery.stop()
    delivery = open({ quotaNormal: 3, maxStreams: 1000 }, 4)
    const phone = 'PPPPPPPPPPPPPPPPPPPPPP'
    expect(tapAs(phone)).toMatchObject({ kind: 'deliver', outcome: 'delivered' })
    delivery.flush()
    const flood = () => {
      for (let i = 0; i < 6; i++) expect(tapAs(null).kind).toBe('deliver')
    }
    flood() // the phone is let go of (at most 4 held)
    const file = join(dir.path, 'tapdrop.db')
    const lock = new Database(file)
    lock.pragma('busy_timeout = 5000')
    lock.exec('BEGIN IMMEDIATE')
    let second: number
    try {
      const r = tapAs(phone, 'MemMemMemMe2') // its second video: restored from SQLite, this transfer included
      if (r.kind !== 'deliver') throw new Error(r.reason)
      second = r.transfer.record.id
      // The batch with it goes to the thread, which waits for the lock.
      await new Promise((res) => setTimeout(res, 300))
      flood() // let go of again
    } finally {
      lock.exec('COMMIT')
      lock.close()
    }
    // Without a turn of the event loop: the thread commits, its reply waits on the port.
    const saved = () =>
      repos.db.prepare('SELECT count(*) AS n FROM transfers WHERE id = ?').get(second) as { n: number }
    const pause = new Int32Array(new SharedArrayBuffer(4))
    const deadline = Date.now() + 10_000
    while (saved().n === 0 && Date.now() < deadline) Atomics.wait(pause, 0, 0, 5)
    expect(saved().n).toBe(1)
    // Restored again: two used (in SQLite, and one of them also among those not confirmed yet), so a third is given.
    expect(tapAs(phone, 'MemMemMemMe3')).toMatchObject({ kind: 'deliver', outcome: 'delivered' })
    expect(delivery.records.usedToday(phone, 'normal')).toBe(3)
  })
})

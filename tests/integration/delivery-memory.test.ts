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
  `)
  const configFile = join(dir.path, 'config.json')
  writeFileSync(configFile, JSON.stringify({ tapRateLimitPerMinute: 0, queueMaxWaitSeconds: 10 }))
  now = Date.now()
  delivery = new DeliveryService({
    repos,
    config: new ConfigStore(loadConfig({ file: configFile, env: {} })),
    events: new EventBus(),
    storage: {} as VideoStorage, // the tap path never reads a file
    logger: silentLogger(),
    now: () => now,
  })
  delivery.start()
})
afterEach(() => {
  delivery.stop()
  closeDatabase(repos.db)
  dir.cleanup()
})

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
})

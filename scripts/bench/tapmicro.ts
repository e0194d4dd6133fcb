// Scratch (not committed): main-thread time of DeliveryService.tap() alone, new phones, real DB + writer thread.
import { join } from 'node:path'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { openDatabase, closeDatabase } from '../../src/main/db/open'
import { createRepos } from '../../src/main/db/repos'
import { silentLogger } from '../../src/main/core/logger'
import { loadConfig } from '../../src/main/core/config/load'
import { ConfigStore } from '../../src/main/core/config/store'
import { EventBus } from '../../src/main/core/events/bus'
import { DeliveryService } from '../../src/main/core/delivery/service'
import { arg } from './common'

const N = Number(arg('n', '60000'))
const cookie = arg('cookie', '')
async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'tapmicro-'))
  const repos = createRepos(openDatabase(join(dir, 'tapdrop.db'), { backupsDir: join(dir, 'b'), logger: silentLogger() }).db)
  repos.db.exec(`
    INSERT INTO videos (id, title, original_name, source_path, size_bytes, sha256, duration_ms, width, height, container, video_codec, status, uploader_name, created_at, updated_at)
      VALUES (1, 'v', 'v.mp4', 'media/v', 1000, 'sha-v', 1000, 1280, 720, 'mp4', 'h264', 'ready', 'x', 0, 0);
    INSERT INTO renditions (video_id, label, width, height, path, size_bytes) VALUES (1, '720p', 1280, 720, 'media/v', 1000);
    INSERT INTO tags (id, code, label, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'MemMemMemMem', 'door', 'normal', 'fixed', 'http://x', 0, 0);
    INSERT INTO tag_videos (tag_id, video_id, position) VALUES (1, 1, 0);`)
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ tapRateLimitPerMinute: 0, maxStreams: 1000, quotaNormal: 100000 }))
  const d = new DeliveryService({ repos, config: new ConfigStore(loadConfig({ file: join(dir, 'config.json'), env: {} })), events: new EventBus(), storage: {} as never, logger: silentLogger() })
  d.start()
  const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1'
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint()
    let busy = 0n
    for (let i = 0; i < N; i++) {
      const a = process.hrtime.bigint()
      d.tap({ code: 'MemMemMemMem', deviceId: cookie ? `ret${String(i % 50000).padStart(19, '0')}` : null, ip: '127.0.0.1', userAgent: ua })
      busy += process.hrtime.bigint() - a
      if (i % 64 === 63) await new Promise((r) => setImmediate(r))
    }
    const wall = Number(process.hrtime.bigint() - t0) / 1e3
    console.log(`round ${round}: tap() ${(Number(busy) / 1e3 / N).toFixed(1)} µs each (in the calls), ${(wall / N).toFixed(1)} µs per tap with batches (wall)`)
  }
  d.stop()
  closeDatabase(repos.db)
  rmSync(dir, { recursive: true, force: true })
}
main()

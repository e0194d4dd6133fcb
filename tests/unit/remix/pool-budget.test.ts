import { closeSync, existsSync, mkdirSync, openSync, ftruncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/main/core/config/load'
import { ConfigStore } from '../../../src/main/core/config/store'
import { silentLogger } from '../../../src/main/core/logger'
import { VariantPools } from '../../../src/main/core/remix/pool'
import type { JobQueue } from '../../../src/main/core/jobs/queue'
import type { VideoStorage } from '../../../src/main/core/videos/storage'
import { closeDatabase, openDatabase } from '../../../src/main/db/open'
import { createRepos, type Repos } from '../../../src/main/db/repos'
import { TemplateRulesSchema } from '../../../src/shared/contract/remix'
import { insertSynthetic } from '../../helpers/synthetic'
import { tempDir } from '../../helpers/tmp'

/**
 * The remix disk budget takes the oldest used variants first, but never one a phone got in the last hour: the
 * customer may still be playing, saving or resuming it (the budget used to delete it, and the phone's next range
 * request found no file).
 */
const NOW = new Date(2026, 11, 5, 15, 0).getTime()
const MB = 1024 * 1024
let dir: ReturnType<typeof tempDir>
let repos: Repos

beforeEach(() => {
  dir = tempDir('tapdrop-pool-budget-')
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'b'), logger: silentLogger() })
      .db,
  )
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

/** A tag with a one-clip template, two variants used a day ago (5 MB each) and one ten minutes ago (60 MB). */
function poolOverBudget(settings: Record<string, unknown> = {}) {
  const { videoIds, tagIds } = insertSynthetic(repos.db, {
    transfers: 0,
    days: 1,
    now: NOW,
    tags: 1,
    videos: 1,
  })
  const tagId = tagIds[0]!
  const templateId = repos.remix.insertTemplate({
    name: '春季混剪',
    rules: TemplateRulesSchema.parse({ clips: 1, seconds: 2 }),
    clips: [{ videoId: videoIds[0]!, pin: null, inMs: 0, outMs: null }],
    createdBy: null,
    now: NOW,
  })
  repos.db.prepare('UPDATE tags SET template_id = ? WHERE id = ?').run(templateId, tagId)
  mkdirSync(join(dir.path, 'media', 'variants', String(tagId)), { recursive: true })
  // Two used a day ago (5 MB each) and one a phone got ten minutes ago (60 MB): 70 MB against a 50 MB budget.
  const variant = (sizeMb: number, usedAt: number) => {
    const id = repos.remix.insertVariant({ templateId, tagId, seed: sizeMb, now: NOW - 86_400_000 })
    const rel = `media/variants/${tagId}/${id}.mp4`
    const fd = openSync(join(dir.path, rel), 'w')
    ftruncateSync(fd, sizeMb * MB)
    closeSync(fd)
    repos.remix.setVariantReady(id, {
      path: rel,
      sizeBytes: sizeMb * MB,
      durationMs: 1000,
      now: NOW - 86_400_000,
    })
    repos.remix.setVariantsUsed([{ id, count: 1, at: usedAt }])
    return { id, file: join(dir.path, rel) }
  }
  const old1 = variant(5, NOW - 25 * 3_600_000)
  const old2 = variant(5, NOW - 24.5 * 3_600_000)
  const recent = variant(60, NOW - 10 * 60_000)

  const file = join(dir.path, 'config.json')
  writeFileSync(file, JSON.stringify({ remixDiskMegabytes: 50, remixUsedKeepHours: 48, ...settings }))
  const config = new ConfigStore(loadConfig({ file, env: {} }))
  const pools = new VariantPools({
    repos,
    config,
    storage: {
      abs: (rel: string) => join(dir.path, rel),
      freeBytes: () => 1e12,
    } as unknown as VideoStorage,
    queue: {} as JobQueue,
    logger: silentLogger(),
    dir: join(dir.path, 'media', 'variants'),
    onDry: () => {},
    now: () => NOW,
  })
  return { pools, config, tagId, old1, old2, recent }
}

describe('the remix disk budget', () => {
  it('deletes the oldest used variants, not one given out in the last hour', () => {
    const { pools, old1, old2, recent } = poolOverBudget()
    pools.start()
    pools.stop()
    pools.cleanup()

    expect([existsSync(old1.file), existsSync(old2.file)]).toEqual([false, false])
    expect(existsSync(recent.file)).toBe(true)
    expect(repos.remix.variant(recent.id)?.status).toBe('used')
    expect(pools.file(recent.id)).toMatchObject({ sizeBytes: 60 * MB })
  })

  it('says a pool is over budget while it wants variants, and no longer once it is full', () => {
    const { pools, config, tagId } = poolOverBudget({ remixPoolMin: 2, remixPoolMax: 2 })
    pools.start()
    const problem = () => pools.status(repos.tags.withTemplate()).find((p) => p.tagId === tagId)?.problem
    pools.refill()
    expect(problem()?.key).toBe('poolBudget')
    // Taps slowed down (or the owner lowered the pool): the pool wants nothing, so nothing is in its way.
    config.update({ remixPoolMin: 0 })
    pools.refill()
    expect(problem()).toBeNull()
    pools.stop()
  })
})

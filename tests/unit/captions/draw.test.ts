import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../../src/main/db/open'
import { createRepos, type Repos } from '../../../src/main/db/repos'
import { AuditService } from '../../../src/main/core/audit/service'
import { EventBus } from '../../../src/main/core/events/bus'
import { silentLogger } from '../../../src/main/core/logger'
import { CaptionsService } from '../../../src/main/core/captions/service'
import type { CallContext } from '../../../src/main/core/auth/actor'
import type { HubEvent } from '../../../src/shared/events'
import type { CaptionStrategy } from '../../../src/shared/contract/publish'
import { tempDir } from '../../helpers/tmp'

// The caption library against a real SQLite file: what a tap draws, by each strategy, and that drawing writes
// nothing to SQLite (the uses are saved in batches).

let dir: ReturnType<typeof tempDir>
let repos: Repos
let events: HubEvent[]
let captions: CaptionsService
let storeName: string | null = '国贸店'
let random: () => number
const now = new Date(2026, 4, 3, 10).getTime()
const local: CallContext = { actor: { kind: 'local', role: 'admin' }, ip: null, userAgent: null }

function service(): CaptionsService {
  const bus = new EventBus()
  bus.subscribe((e) => events.push(e))
  return new CaptionsService({
    repos,
    audit: new AuditService(repos.audit, () => now),
    events: bus,
    logger: silentLogger(),
    storeName: () => storeName,
    language: () => 'zh-CN',
    now: () => now,
    random: () => random(),
  })
}

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'b'), logger: silentLogger() })
      .db,
  )
  events = []
  random = Math.random
  storeName = '国贸店'
  captions = service()
})
afterEach(() => {
  captions.stop()
  closeDatabase(repos.db)
  dir.cleanup()
})

function video(title = 'v'): number {
  return repos.videos.insert({
    title,
    description: '',
    originalName: `${title}.mp4`,
    sourcePath: `sources/${title}.mp4`,
    sizeBytes: 1,
    sha256: title,
    durationMs: 1,
    width: 2,
    height: 2,
    rotation: 0,
    container: 'mp4',
    videoCodec: 'h264',
    audioCodec: null,
    pixFmt: null,
    frameRate: null,
    bitRate: null,
    uploadedBy: null,
    uploaderName: 't',
    now,
  })
}

function tag(videoIds: number[], captionStrategy: CaptionStrategy, label = '收银台'): number {
  const id = repos.tags.insert({
    code: `code${videoIds.join('')}${captionStrategy}${label}`.replace(/[^A-Za-z0-9]/g, 'x').slice(0, 24),
    label,
    tier: 'normal',
    strategy: 'rotate',
    dailyCap: null,
    baseUrl: 'http://h:8080',
    platforms: ['douyin'],
    captionStrategy,
    createdBy: null,
    now,
  })
  repos.tags.setVideos(id, videoIds)
  return id
}

function write(owner: { videoId?: number; tagId?: number }, texts: string[]): number[] {
  return texts.map(
    (text) =>
      captions.create(local, {
        videoId: owner.videoId ?? null,
        tagId: owner.tagId ?? null,
        text,
        hashtags: [],
        mentions: [],
        poi: null,
      }).id,
  )
}

const draws = (tagId: number, videoId: number | null, n: number) =>
  Array.from({ length: n }, () => captions.drawFor(tagId, videoId)!.captionId)

describe('a tap draws one caption by its tag’s strategy', () => {
  it('rotate: two phones tapping one after the other get different captions, round and round', () => {
    const v = video()
    const t = tag([v], 'rotate')
    const ids = write({ tagId: t }, ['一', '二', '三'])
    const [first, second] = draws(t, v, 2)
    expect(first).not.toBe(second)
    expect([first, second, ...draws(t, v, 4)]).toEqual([...ids, ...ids])
  })

  it('rotate: goes on after the caption used last when the hub starts again', () => {
    const v = video()
    const t = tag([v], 'rotate')
    const ids = write({ videoId: v }, ['一', '二', '三'])
    expect(draws(t, v, 2)).toEqual([ids[0], ids[1]])
    captions.stop()
    captions = service()
    expect(draws(t, v, 2)).toEqual([ids[2], ids[0]])
  })

  it('least-used: a caption is never drawn again before every other was drawn as often', () => {
    const v = video()
    const t = tag([v], 'least-used')
    const ids = write({ tagId: t }, ['一', '二', '三', '四'])
    const seen = new Map<number, number>()
    for (const id of draws(t, v, 40)) {
      seen.set(id, (seen.get(id) ?? 0) + 1)
      const counts = ids.map((x) => seen.get(x) ?? 0)
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
    }
    expect(ids.map((x) => seen.get(x))).toEqual([10, 10, 10, 10])
  })

  it('least-used: counts survive a restart, and a caption added later is drawn until it has caught up', () => {
    const v = video()
    const t = tag([v], 'least-used')
    const [a] = write({ tagId: t }, ['一', '二'])
    draws(t, v, 4)
    captions.stop()
    captions = service()
    const [c] = write({ tagId: t }, ['三'])
    expect(draws(t, v, 3)).toEqual([c, c, a])
    expect(captions.list(local, { tagId: t }).map((x) => x.uses)).toEqual([3, 2, 2])
  })

  it('random: never the same caption twice in a row while there is another', () => {
    const v = video()
    const t = tag([v], 'random')
    write({ tagId: t }, ['一', '二'])
    random = () => 0
    const got = draws(t, v, 6)
    for (let i = 1; i < got.length; i++) expect(got[i]).not.toBe(got[i - 1])
  })

  it('draws from the tag’s own captions (also those for the video delivered), else from the video’s', () => {
    const v1 = video('v1')
    const v2 = video('v2')
    const t = tag([v1, v2], 'rotate')
    const other = tag([v1], 'rotate', '门口')
    const [ofVideo] = write({ videoId: v1 }, ['视频的'])
    const [ofTag] = write({ tagId: t }, ['标签的'])
    const forV2 = captions.create(local, {
      tagId: t,
      videoId: v2,
      text: '标签给 v2 的',
      hashtags: [],
      mentions: [],
      poi: null,
    }).id
    expect(captions.drawFor(other, v1)!.captionId).toBe(ofVideo)
    expect(new Set(draws(t, v1, 4))).toEqual(new Set([ofTag]))
    expect(new Set(draws(t, v2, 4))).toEqual(new Set([ofTag, forV2]))
    expect(captions.drawFor(tag([v2], 'rotate', '无'), v2)).toBeNull()
  })

  it('a tag whose videos rotate still gives consecutive phones different captions', () => {
    const v1 = video('v1')
    const v2 = video('v2')
    const t = tag([v1, v2], 'rotate')
    const ids = write({ tagId: t }, ['一', '二'])
    expect([
      captions.drawFor(t, v1)!.captionId,
      captions.drawFor(t, v2)!.captionId,
      captions.drawFor(t, v1)!.captionId,
      captions.drawFor(t, v2)!.captionId,
    ]).toEqual([...ids, ...ids])
  })

  it('fills the store, the date and the tag’s placement, and shows the same caption again without a use', () => {
    const v = video()
    const t = tag([v], 'rotate', '3号桌')
    captions.create(local, {
      videoId: v,
      tagId: null,
      text: '{日期}在{门店}{标签位置}',
      hashtags: ['{store}'],
      mentions: ['小王'],
      poi: '{门店}',
    })
    const drawn = captions.drawFor(t, v)!
    expect(drawn).toEqual({
      captionId: drawn.captionId,
      text: '5月3日在国贸店3号桌',
      hashtags: ['国贸店'],
      mentions: ['小王'],
      poi: '国贸店',
      emptyVariables: [],
    })
    expect(captions.shown(drawn.captionId, t)).toEqual(drawn)
    expect(captions.list(local, { videoId: v })[0]!.uses).toBe(1)
  })

  it('writes nothing to SQLite while drawing; the uses arrive with the next save', () => {
    const v = video()
    const t = tag([v], 'least-used')
    write({ tagId: t }, ['一', '二'])
    captions.drawFor(t, v)
    captions.stop()
    const changes = () => (repos.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n
    const before = changes()
    draws(t, v, 100)
    expect(changes()).toBe(before)
    // A list read already counts them.
    expect(captions.list(local, { tagId: t }).map((c) => c.uses)).toEqual([51, 50])
    const stored = () =>
      repos.db.prepare('SELECT uses FROM captions ORDER BY id').all() as Array<{ uses: number }>
    expect(stored()).toEqual([{ uses: 1 }, { uses: 0 }])
    captions.stop()
    expect(stored()).toEqual([{ uses: 51 }, { uses: 50 }])
  })

  it('an edit is seen by the next tap, and uses not saved yet are kept through it', () => {
    const v = video()
    const t = tag([v], 'least-used')
    const [a] = write({ tagId: t }, ['一'])
    draws(t, v, 3)
    captions.update(local, { id: a!, text: '改过', hashtags: [], mentions: [], poi: null })
    expect(captions.drawFor(t, v)!.text).toBe('改过')
    captions.stop()
    expect(repos.captions.findById(a!)!.uses).toBe(4)
    expect(events.filter((e) => e.type === 'captions-changed')).toHaveLength(2)
  })

  it('without a store name, never draws a caption that names {门店}: the others, or none', () => {
    const v = video()
    const t = tag([v], 'rotate')
    const [named] = write({ tagId: t }, ['在{门店}{标签位置}拍到了好东西', '今天的好东西'])
    // A store that has not set its name (a chain store given headquarters' captions).
    storeName = null
    const drawn = Array.from({ length: 6 }, () => captions.drawFor(t, v)!.text)
    expect(drawn).toEqual(Array(6).fill('今天的好东西'))
    captions.delete(local, named! + 1)
    expect(captions.drawFor(t, v)).toBeNull()
    storeName = '国贸店'
    expect(captions.drawFor(t, v)!.text).toBe('在国贸店收银台拍到了好东西')
  })
})

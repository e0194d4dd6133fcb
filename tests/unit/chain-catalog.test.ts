import { describe, expect, it } from 'vitest'
import {
  activeOn,
  labelMatches,
  parseCatalog,
  targetsStore,
  videosFor,
  type Catalog,
} from '../../src/main/core/chain/catalog'
import { ChainBindings } from '../../src/main/core/chain/sync/bindings'
import { withoutVideo, withVideo } from '../../src/main/core/chain/hq/publish-job'
import { isObjectStoreError } from '../../src/main/core/chain/object-store'
import type { VideoRecord } from '../../src/main/db/repos/videos'

const sha = (c: string) => c.repeat(64)
const ref = (c: string) => ({ key: `meta/${sha(c)}.json`, sha256: sha(c), size: 10 })
const A = 'v-aaaaaaaaaaaaaaaaaaaa'
const B = 'v-bbbbbbbbbbbbbbbbbbbb'

function catalog(): Catalog {
  return {
    v: 1,
    version: 4,
    publishedAt: '2026-12-01T00:00:00.000Z',
    publishedBy: 'HQ (alice)',
    videos: [
      { id: A, title: 'A', meta: ref('a'), bytes: 100, stores: ['*'], publishedAt: 'x' },
      { id: B, title: 'B', meta: ref('b'), bytes: 100, stores: ['@east'], publishedAt: 'x' },
    ],
    bindings: [
      {
        id: 'b-00000001',
        label: '收银台',
        videos: [B],
        strategy: 'fixed',
        stores: ['sh-01'],
        from: '2026-12-01',
        to: '2026-12-31',
        createdAt: '2026-11-01T00:00:00Z',
      },
    ],
    groups: { east: ['sh-02'] },
    retired: [],
  }
}

describe('the catalog', () => {
  it('names stores by id, by group and all at once', () => {
    const c = catalog()
    expect(targetsStore(['*'], 'x', c.groups)).toBe(true)
    expect(targetsStore(['@east'], 'sh-02', c.groups)).toBe(true)
    expect(targetsStore(['@east'], 'sh-01', c.groups)).toBe(false)
    expect(targetsStore(['sh-01'], 'sh-01', c.groups)).toBe(true)
    // A store gets what is published to it and what its bindings play.
    expect(videosFor(c, 'sh-01').map((v) => v.id)).toEqual([A, B])
    expect(videosFor(c, 'sh-02').map((v) => v.id)).toEqual([A, B])
    expect(videosFor(c, 'sh-03').map((v) => v.id)).toEqual([A])
  })

  it('is refused with its reason when it does not parse or binds a video it does not hold', () => {
    const bad = (body: string) => {
      try {
        parseCatalog(Buffer.from(body), 'catalog/x.json')
      } catch (err) {
        expect(isObjectStoreError(err, 'invalid')).toBe(true)
        return (err as Error).message
      }
      throw new Error('accepted')
    }
    expect(bad('{not json')).toMatch(/catalog\/x\.json is not JSON/)
    expect(bad(JSON.stringify({ ...catalog(), version: 'four' }))).toMatch(/version/)
    const c = catalog()
    c.bindings[0]!.videos = ['v-cccccccccccccccccccc']
    expect(bad(JSON.stringify(c))).toMatch(/plays v-c+, which the catalog does not hold/)
    expect(parseCatalog(Buffer.from(JSON.stringify(catalog())), 'k').version).toBe(4)
  })

  it('binds a label to the tags so labelled and those a batch numbered from it', () => {
    expect(labelMatches('收银台', '收银台')).toBe(true)
    expect(labelMatches('收银台', ' 收银台 ')).toBe(true)
    expect(labelMatches('门口', '门口-01')).toBe(true)
    expect(labelMatches('门口', '门口-东')).toBe(false)
    expect(labelMatches('门口', '门口二')).toBe(false)
    expect(labelMatches('收银台', '3号桌')).toBe(false)
    expect(activeOn({ from: '2026-12-01', to: '2026-12-31' }, '2026-12-31')).toBe(true)
    expect(activeOn({ from: '2026-12-01', to: '2026-12-31' }, '2027-01-01')).toBe(false)
    expect(activeOn({ from: null, to: null }, '2027-01-01')).toBe(true)
  })

  it('plays a binding on its days only, the newest when two name a tag, and nothing for other stores', () => {
    const c = catalog()
    c.bindings.push({
      ...c.bindings[0]!,
      id: 'b-00000002',
      videos: [A],
      from: '2026-12-24',
      to: '2026-12-25',
      createdAt: '2026-11-02T00:00:00Z',
    })
    const table = new ChainBindings()
    table.load(
      c,
      'sh-01',
      new Map([
        [A, 11],
        [B, 12],
      ]),
    )
    const at = (d: string) => new Date(`${d}T12:00:00`).getTime()
    expect(table.poolFor({ label: '收银台' }, at('2026-11-30'))).toBeNull()
    expect(table.poolFor({ label: '收银台' }, at('2026-12-01'))).toMatchObject({
      videoIds: [12],
      strategy: 'fixed',
    })
    expect(table.poolFor({ label: '收银台' }, at('2026-12-24'))).toMatchObject({ videoIds: [11] })
    expect(table.poolFor({ label: '门口' }, at('2026-12-24'))).toBeNull()
    expect(table.poolFor({ label: '收银台' }, at('2027-01-01'))).toBeNull()
    const other = new ChainBindings()
    other.load(
      c,
      'sh-02',
      new Map([
        [A, 11],
        [B, 12],
      ]),
    )
    expect(other.poolFor({ label: '收银台' }, at('2026-12-01'))).toBeNull()
  })

  it('at headquarters: publishing again changes nothing, a label adds a binding once, unpublishing takes its bindings', () => {
    const c = catalog()
    const video = { title: 'A', sha256: 'a'.repeat(64) } as VideoRecord
    const payload = { videoId: 1, chainId: A, stores: ['*'], by: 'x' }
    expect(withVideo(structuredClone(c), { video, meta: ref('a'), bytes: 100, payload, at: 'y' })).toBeNull()
    const bound = withVideo(structuredClone(c), {
      video,
      meta: ref('a'),
      bytes: 100,
      payload: { ...payload, label: '门口', from: '2026-12-01', to: '2026-12-02' },
      at: 'y',
    })!
    expect(bound.bindings.map((b) => b.label)).toEqual(['收银台', '门口'])
    expect(
      withVideo(structuredClone(bound), {
        video,
        meta: ref('a'),
        bytes: 100,
        payload: { ...payload, label: '门口', from: '2026-12-01', to: '2026-12-02' },
        at: 'z',
      }),
    ).toBeNull()
    const without = withoutVideo(structuredClone(bound), B, '2026-12-05T00:00:00Z')!
    expect(without.videos.map((v) => v.id)).toEqual([A])
    expect(without.bindings.map((b) => b.label)).toEqual(['门口'])
    expect(without.retired).toEqual([{ id: B, meta: ref('b'), at: '2026-12-05T00:00:00Z' }])
    expect(withoutVideo(structuredClone(without), B, 'later')).toBeNull()
    // Published again within the grace period: its files are wanted again.
    const back = withVideo(structuredClone(without), {
      video: { title: 'B', sha256: 'b'.repeat(64) } as VideoRecord,
      meta: ref('b'),
      bytes: 100,
      payload: { ...payload, chainId: B },
      at: 'w',
    })!
    expect(back.retired).toEqual([])
  })
})

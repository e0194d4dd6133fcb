import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'
import { chainRepo } from '../../../../src/main/db/repos/chain'
import { videosRepo } from '../../../../src/main/db/repos/videos'

describe('migration 10: chain sync', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }

  it('is number 10, after the two numbers the funnel and store actions hold', () => {
    expect(MIGRATIONS.slice(0, 10).map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(MIGRATIONS[9]!.name).toBe('chain sync')
  })

  it('keeps the store’s own videos as they were (local) and refuses an origin it does not know', () => {
    const db = upTo(9)
    db.exec(`
      INSERT INTO videos (id, title, original_name, source_path, size_bytes, sha256, duration_ms, width, height,
                          container, video_codec, status, uploader_name, created_at, updated_at)
      VALUES (1, 'own', 'own.mp4', 'media/sources/a.mp4', 10, 'aa', 1000, 1280, 720, 'mp4', 'h264', 'ready', 'x', 1, 1)`)
    MIGRATIONS[9]!.up(db)
    const v = videosRepo(db).findById(1)!
    expect(v).toMatchObject({ origin: 'local', chainId: null, chainMeta: null, chainLeavingAt: null })
    expect(() => db.exec(`UPDATE videos SET origin = 'cloud'`)).toThrow(/CHECK constraint failed/)
  })

  it('records a chain video once per chain id, and one row of sync state that starts empty', () => {
    const db = upTo(10)
    const videos = videosRepo(db)
    const chain = {
      chainId: 'v-0123456789abcdef0123',
      chainMeta: 'f'.repeat(64),
      title: '双十二',
      description: '',
      sourceSha256: 'a'.repeat(64),
      durationMs: 5000,
      width: 1280,
      height: 720,
      posterPath: 'media/chain/p.jpg',
      thumbPath: 'media/chain/t.jpg',
      renditions: [
        {
          label: '720p',
          width: 1280,
          height: 720,
          path: 'media/chain/r.mp4',
          sizeBytes: 100,
          bitRate: null,
          durationMs: 5000,
        },
      ],
    }
    const id = videos.insertChain(chain, 'HQ', 5)
    expect(videos.findById(id)).toMatchObject({
      origin: 'chain',
      status: 'ready',
      chainId: chain.chainId,
      sha256: `chain:${'a'.repeat(64)}`,
      sizeBytes: 100,
    })
    expect(videos.renditions(id)).toHaveLength(1)
    expect(() => videos.insertChain(chain, 'HQ', 6)).toThrow(/UNIQUE/)
    const repo = chainRepo(db)
    expect(repo.state()).toEqual({
      appliedVersion: null,
      appliedCatalog: null,
      appliedEtag: null,
      appliedAt: null,
      lastSyncAt: null,
      lastAttemptAt: null,
      error: null,
      failures: 0,
    })
    repo.setFailed({ code: 'chain-unreachable', message: 'down', now: 7 })
    repo.setFailed({ code: 'chain-unreachable', message: 'down', now: 8 })
    expect(repo.state()).toMatchObject({ failures: 2, error: { code: 'chain-unreachable', at: 8 } })
    repo.setApplied({ version: 3, catalog: '{}', etag: '"e"', now: 9 })
    expect(repo.state()).toMatchObject({ appliedVersion: 3, lastSyncAt: 9, failures: 0, error: null })
    expect(() => db.exec('INSERT INTO chain_state (id) VALUES (2)')).toThrow(/CHECK constraint failed/)
  })
})

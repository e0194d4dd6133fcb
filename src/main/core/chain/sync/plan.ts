import { createHash } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Repos } from '../../../db/repos'
import type { VideoRecord } from '../../../db/repos/videos'
import type { VideoStorage } from '../../videos/storage'
import {
  parseMeta,
  videosFor,
  type Catalog,
  type CatalogVideo,
  type FileRef,
  type VideoMeta,
} from '../catalog'
import { ObjectStoreError, isObjectStoreError, type ObjectStore } from '../object-store'

/** One video the catalog has for this store: its row here (if any) and its metadata when it must be (re)recorded. */
export interface PlannedVideo {
  entry: CatalogVideo
  row: VideoRecord | undefined
  /** Null: recorded here already from the same metadata, with its files in place. */
  meta: VideoMeta | null
}

export interface SyncPlan {
  items: PlannedVideo[]
  /** Chain videos recorded here, by chain id (those the catalog dropped included). */
  rows: Map<string, VideoRecord>
  /** Files the new metadata names that are not here yet (each once). */
  missing: FileRef[]
}

/** Where a bucket object lives at a store: media/chain/<sha256>.<ext>, content-addressed like the bucket. */
export function localPath(dir: string, f: FileRef): string {
  const ext = /\.(mp4|jpg)$/.exec(f.key)?.[1] ?? 'bin'
  return join(dir, `${f.sha256}.${ext}`)
}

export const filesOfMeta = (m: VideoMeta): FileRef[] => [
  ...m.renditions.map((r) => r.file),
  m.poster,
  m.thumb,
]

/**
 * What a catalog asks of this store: each video for it, fetching the metadata of those new or changed (one small
 * GET each, cached by SHA-256: a metadata object never changes), and the files that are not here yet.
 */
export async function planSync(o: {
  store: ObjectStore
  catalog: Catalog
  storeId: string
  repos: Repos
  storage: VideoStorage
  dir: string
  metaCache: Map<string, unknown>
  signal?: AbortSignal
}): Promise<SyncPlan> {
  const rows = new Map(
    o.repos.videos
      .chainVideos()
      .filter((v) => v.chainId !== null)
      .map((v) => [v.chainId!, v] as [string, VideoRecord]),
  )
  const items: PlannedVideo[] = []
  const wanted = new Map<string, FileRef>()
  for (const entry of videosFor(o.catalog, o.storeId)) {
    const row = rows.get(entry.id)
    if (row && row.chainMeta === entry.meta.sha256 && filesInPlace(o.repos, o.storage, row)) {
      items.push({ entry, row, meta: null })
      continue
    }
    const meta = await fetchMeta(o.store, o.catalog, entry, o.metaCache, o.signal)
    for (const f of filesOfMeta(meta)) wanted.set(f.sha256, f)
    items.push({ entry, row, meta })
  }
  const missing = [...wanted.values()].filter((f) => !present(o.repos, o.storage, o.dir, f))
  return { items, rows, missing }
}

function filesInPlace(repos: Repos, storage: VideoStorage, row: VideoRecord): boolean {
  const paths = [...repos.videos.renditions(row.id).map((r) => r.path), row.posterPath, row.thumbPath]
  return paths.every((p) => p !== null && existsSync(storage.abs(p)))
}

/**
 * Whether a file is here, complete: a file at its final name was renamed there only after its size and SHA-256
 * matched (download.ts), so one without its row (a crash between the rename and the row) is recorded now.
 */
function present(repos: Repos, storage: VideoStorage, dir: string, f: FileRef): boolean {
  const path = localPath(dir, f)
  let size: number
  try {
    size = statSync(path).size
  } catch {
    return false
  }
  if (size !== f.size) return false
  if (!repos.chain.file(f.sha256))
    repos.chain.addFile({
      sha256: f.sha256,
      key: f.key,
      path: storage.rel(path),
      sizeBytes: f.size,
      addedAt: Date.now(),
    })
  return true
}

async function fetchMeta(
  store: ObjectStore,
  catalog: Catalog,
  entry: CatalogVideo,
  cache: Map<string, unknown>,
  signal?: AbortSignal,
): Promise<VideoMeta> {
  const cached = cache.get(entry.meta.sha256) as VideoMeta | undefined
  if (cached) return cached
  let got
  try {
    got = await store.get(entry.meta.key, { maxBytes: 1024 * 1024, signal })
  } catch (err) {
    if (isObjectStoreError(err, 'not-found'))
      throw new ObjectStoreError(
        'not-found',
        `catalog version ${catalog.version} names ${entry.meta.key} (the video “${entry.title}”), which is not in the bucket; the last good catalog stays applied`,
        { op: 'sync', key: entry.meta.key },
      )
    throw err
  }
  if (got.status !== 'ok') throw new Error('unreachable: no If-None-Match was sent')
  const sha = createHash('sha256').update(got.body).digest('hex')
  if (sha !== entry.meta.sha256 || got.body.length !== entry.meta.size)
    throw new ObjectStoreError(
      'checksum',
      `${entry.meta.key} is not the metadata catalog version ${catalog.version} names (its SHA-256 differs): damaged or replaced; the last good catalog stays applied`,
      { op: 'sync', key: entry.meta.key },
    )
  const meta = parseMeta(got.body, entry.meta.key)
  if (meta.id !== entry.id)
    throw new ObjectStoreError('invalid', `${entry.meta.key} describes ${meta.id}, not ${entry.id}`, {
      op: 'sync',
      key: entry.meta.key,
    })
  if (cache.size > 10_000) cache.clear()
  cache.set(entry.meta.sha256, meta)
  return meta
}

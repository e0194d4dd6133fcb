import { rmSync, statSync } from 'node:fs'
import type { Repos } from '../../../db/repos'
import { HubError } from '../../errors'
import type { VideoStorage } from '../../videos/storage'
import type { Catalog, FileRef } from '../catalog'
import { downloadToFile, partPath } from '../download'
import type { FileHasher } from '../file-hasher'
import { ObjectStoreError, isObjectStoreError, type ObjectStore } from '../object-store'
import { localPath } from './plan'

export interface FetchProgress {
  files: number
  filesDone: number
  bytes: number
  bytesDone: number
  /** Bytes received from the object store by this run (a resumed file counts only what was still missing). */
  fetchedBytes: number
  /** Bytes that were here already in partial files from an interrupted run. */
  resumedBytes: number
}

const MB = 1024 * 1024
const REPORT_EVERY_BYTES = MB
const mb = (n: number) => Math.ceil(n / MB)

function partSize(dest: string): number {
  try {
    return statSync(partPath(dest)).size
  } catch {
    return 0
  }
}

/**
 * Fetches the files a catalog needs into the store's chain folder, `concurrency` at once behind one shared
 * bandwidth limit. Refused before a byte: a disk without room for them and the reserve the hub keeps
 * (minFreeDiskMegabytes). Each file appears only whole and checked (download.ts); one that arrives damaged is not
 * kept, and the same damaged copy is not fetched again (only after its ETag changes). The first failure stops the
 * others (their partial files stay, for the next try to continue).
 */
export async function fetchFiles(o: {
  store: ObjectStore
  catalog: Catalog
  files: FileRef[]
  dir: string
  storage: VideoStorage
  repos: Repos
  reserveBytes: number
  throttle: (bytes: number) => Promise<void> | null
  /** A bandwidth limit applies now: the downloads go through Node, where `throttle` can pace them. */
  limited: () => boolean
  damaged: Map<string, string>
  concurrency: number
  /** Who hashes each file to check it (the sync's HashPool: off the event loop). */
  hasher: FileHasher
  now: () => number
  signal: AbortSignal
  onProgress: (p: FetchProgress) => void
}): Promise<void> {
  const total = o.files.reduce((n, f) => n + f.size, 0)
  const already = o.files.reduce((n, f) => n + partSize(localPath(o.dir, f)), 0)
  const free = o.storage.freeBytes()
  if (free - (total - already) < o.reserveBytes)
    throw new HubError(
      'chain-disk-full',
      `catalog version ${o.catalog.version} needs ${mb(total - already)} MB more on this PC; ${mb(free)} MB are free and ${mb(o.reserveBytes)} MB are kept for the hub (minFreeDiskMegabytes): free some space`,
      { neededBytes: total - already, freeBytes: free, reserveBytes: o.reserveBytes },
    )
  const progress: FetchProgress = {
    files: o.files.length,
    filesDone: 0,
    bytes: total,
    bytesDone: 0,
    fetchedBytes: 0,
    resumedBytes: 0,
  }
  // Bytes received per file in flight; progress is told per MiB and per file done, not per network chunk.
  const inflight = new Map<string, number>()
  let completedBytes = 0
  let told = 0
  const report = (force: boolean) => {
    let sum = completedBytes
    for (const n of inflight.values()) sum += n
    progress.bytesDone = sum
    if (!force && sum - told < REPORT_EVERY_BYTES) return
    told = sum
    o.onProgress({ ...progress })
  }
  const stop = new AbortController()
  const signal = AbortSignal.any([o.signal, stop.signal])
  const queue = [...o.files]
  let failure: unknown = null
  const worker = async () => {
    while (queue.length && failure === null) {
      const f = queue.shift()!
      try {
        await fetchOne(o, f, signal, (received) => {
          inflight.set(f.sha256, received)
          report(false)
        }).then((r) => {
          inflight.delete(f.sha256)
          completedBytes += f.size
          progress.filesDone++
          progress.fetchedBytes += r.fetched
          progress.resumedBytes += r.resumedFrom
          report(true)
        })
      } catch (err) {
        inflight.delete(f.sha256)
        if (failure === null) failure = err
        stop.abort(err)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, o.files.length)) }, worker))
  if (failure !== null) throw failure
}

async function fetchOne(
  o: Parameters<typeof fetchFiles>[0],
  f: FileRef,
  signal: AbortSignal,
  onBytes: (received: number) => void,
): Promise<{ fetched: number; resumedFrom: number }> {
  const dest = localPath(o.dir, f)
  const v = o.catalog.version
  const bad = o.damaged.get(f.key)
  if (bad !== undefined) {
    const info = await o.store.head(f.key, signal)
    if (info && info.etag === bad)
      throw new ObjectStoreError(
        'checksum',
        `${f.key} in the bucket is still the damaged copy refused before (catalog version ${v}); headquarters must publish the video again. The last good catalog stays applied`,
        { op: 'sync', key: f.key },
      )
    o.damaged.delete(f.key)
  }
  try {
    const r = await downloadToFile(o.store, f.key, dest, {
      sha256: f.sha256,
      blake3: f.blake3,
      throttle: o.throttle,
      direct: !o.limited(),
      hasher: o.hasher,
      onProgress: (received) => onBytes(received),
      signal,
    })
    o.repos.chain.addFile({
      sha256: f.sha256,
      key: f.key,
      path: o.storage.rel(dest),
      sizeBytes: r.size,
      addedAt: o.now(),
    })
    return { fetched: r.fetched, resumedFrom: r.resumedFrom }
  } catch (err) {
    if (isObjectStoreError(err, 'checksum')) {
      const info = await o.store.head(f.key).catch(() => null)
      if (info) o.damaged.set(f.key, info.etag)
      throw new ObjectStoreError(
        'checksum',
        `${f.key} (named by catalog version ${v}) arrived damaged: its bytes do not match the checksum the catalog names. It was not kept; the last good catalog stays applied`,
        { op: 'sync', key: f.key },
      )
    }
    if (isObjectStoreError(err, 'not-found'))
      throw new ObjectStoreError(
        'not-found',
        `catalog version ${v} names ${f.key}, which is not in the bucket; the last good catalog stays applied`,
        { op: 'sync', key: f.key },
      )
    if ((err as { code?: unknown }).code === 'ENOSPC') {
      // The room the partial file took is the hub's to keep serving with; the next try starts this file over.
      rmSync(partPath(dest), { force: true })
      rmSync(`${partPath(dest)}.json`, { force: true })
      throw new HubError(
        'chain-disk-full',
        `the disk filled up while ${f.key} was downloaded (catalog version ${v}); its partial file was removed: free some space`,
      )
    }
    throw err
  }
}

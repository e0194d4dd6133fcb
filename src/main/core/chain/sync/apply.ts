import type { Repos } from '../../../db/repos'
import type { ChainVideo } from '../../../db/repos/videos'
import { inWriteTransaction } from '../../../db/immediate'
import type { VideoStorage } from '../../videos/storage'
import type { Catalog, VideoMeta } from '../catalog'
import { localPath, type SyncPlan } from './plan'

export interface ApplyResult {
  added: number
  updated: number
  leaving: number
  changedVideos: number[]
  captionsChanged: boolean
}

/**
 * Applies a catalog whose files are all here, in one transaction: new chain videos are recorded (ready, with their
 * renditions and captions), changed ones updated, those the catalog no longer holds marked as leaving (they go after
 * the grace period), and the catalog itself becomes the last good one (bindings are read from it). A kill -9 before
 * the commit leaves the previous catalog applied; after it, this one.
 */
export function applyPlan(o: {
  repos: Repos
  catalog: Catalog
  plan: SyncPlan
  etag: string
  dir: string
  storage: VideoStorage
  now: number
}): ApplyResult {
  const { repos, plan, now } = o
  const result: ApplyResult = { added: 0, updated: 0, leaving: 0, changedVideos: [], captionsChanged: false }
  inWriteTransaction(repos.db, () => {
    for (const item of plan.items) {
      if (item.meta === null) {
        if (item.row && item.row.chainLeavingAt !== null) {
          repos.videos.setChainLeaving(item.row.id, null, now)
          result.changedVideos.push(item.row.id)
        }
        continue
      }
      const video = chainVideo(item.meta, item.entry.meta.sha256, o.dir, o.storage)
      let id: number
      if (item.row) {
        repos.videos.updateChain(item.row.id, video, now)
        id = item.row.id
        result.updated++
      } else {
        id = repos.videos.insertChain(video, o.catalog.publishedBy || 'headquarters', now)
        result.added++
      }
      if (replaceCaptions(repos, id, item.meta.captions, now)) result.captionsChanged = true
      result.changedVideos.push(id)
    }
    const wanted = new Set(plan.items.map((i) => i.entry.id))
    for (const [chainId, row] of plan.rows)
      if (!wanted.has(chainId) && row.chainLeavingAt === null) {
        repos.videos.setChainLeaving(row.id, now, now)
        result.leaving++
        result.changedVideos.push(row.id)
      }
    repos.chain.setApplied({
      version: o.catalog.version,
      catalog: JSON.stringify(o.catalog),
      etag: o.etag,
      now,
    })
  })
  return result
}

function chainVideo(meta: VideoMeta, metaSha: string, dir: string, storage: VideoStorage): ChainVideo {
  const rel = (f: VideoMeta['poster']) => storage.rel(localPath(dir, f))
  return {
    chainId: meta.id,
    chainMeta: metaSha,
    title: meta.title,
    description: meta.description,
    sourceSha256: meta.sourceSha256,
    durationMs: meta.durationMs,
    width: meta.width,
    height: meta.height,
    posterPath: rel(meta.poster),
    thumbPath: rel(meta.thumb),
    renditions: meta.renditions.map((r) => ({
      label: r.label,
      width: r.width,
      height: r.height,
      path: rel(r.file),
      sizeBytes: r.file.size,
      bitRate: r.bitRate,
      durationMs: r.durationMs,
    })),
  }
}

/**
 * A chain video's own captions are headquarters': replaced when the metadata brings others (their use counts start
 * again then), left alone when they are the same. The store's captions for its tags stay its own.
 */
function replaceCaptions(
  repos: Repos,
  videoId: number,
  captions: VideoMeta['captions'],
  now: number,
): boolean {
  const existing = repos.captions.list({ videoId })
  const same =
    existing.length === captions.length &&
    existing.every((e, i) => {
      const c = captions[i]!
      return (
        e.text === c.text &&
        e.poi === c.poi &&
        JSON.stringify(e.hashtags) === JSON.stringify(c.hashtags) &&
        JSON.stringify(e.mentions) === JSON.stringify(c.mentions)
      )
    })
  if (same) return false
  for (const e of existing) repos.captions.delete(e.id)
  for (const c of captions) repos.captions.insert({ videoId, tagId: null, ...c, createdBy: null, now })
  return true
}

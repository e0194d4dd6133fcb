import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import type { Logger } from 'pino'
import { z } from 'zod'
import {
  ChainDateSchema,
  ChainLabelSchema,
  ChainTargetsSchema,
  ChainVideoIdSchema,
} from '../../../../shared/contract/chain'
import type { Repos } from '../../../db/repos'
import type { VideoRecord } from '../../../db/repos/videos'
import type { JobContext, JobKind, JobOutcome, JobQueue } from '../../jobs/queue'
import type { VideoStorage } from '../../videos/storage'
import { namingDigests } from '../checksum'
import { defaultStrategy, type Catalog, type FileRef, type VideoMeta } from '../catalog'
import { editCatalog } from '../catalog-io'
import { contentTypeOf, mediaKey, metaKey } from '../keys'
import type { ObjectStore } from '../object-store'

// Publishing at headquarters, as persistent jobs of their own queue (they survive a restart and wait out an object
// store that is away): upload what the bucket lacks, then a new catalog version naming it.

export const CHAIN_PUBLISH_JOB = 'chain-publish'
export const CHAIN_UNPUBLISH_JOB = 'chain-unpublish'
export const CHAIN_JOB_KINDS = [CHAIN_PUBLISH_JOB, CHAIN_UNPUBLISH_JOB] as const

/** A publish waits out an object store that is away: 10 s, 40 s, 160 s … (jobRetryBaseSeconds, ×4), 6 tries. */
const MAX_ATTEMPTS = 6

export const PublishPayload = z.object({
  videoId: z.number().int().positive(),
  chainId: ChainVideoIdSchema,
  stores: ChainTargetsSchema,
  label: ChainLabelSchema.optional(),
  from: ChainDateSchema.optional(),
  to: ChainDateSchema.optional(),
  by: z.string(),
})
export type PublishPayload = z.infer<typeof PublishPayload>

export const UnpublishPayload = z.object({
  chainId: ChainVideoIdSchema,
  videoId: z.number().int().positive().nullable(),
  title: z.string(),
  by: z.string(),
})
export type UnpublishPayload = z.infer<typeof UnpublishPayload>

/** A video's id in the chain: the start of its source's SHA-256, so the same file is the same video everywhere. */
export const chainIdOf = (sourceSha256: string): string => `v-${sourceSha256.slice(0, 20)}`

export function enqueuePublish(queue: JobQueue, p: PublishPayload, sizeBytes: number): number {
  return queue.enqueue({
    kind: CHAIN_PUBLISH_JOB,
    videoId: p.videoId,
    payload: p,
    priority: 50,
    sizeKey: sizeBytes,
    maxAttempts: MAX_ATTEMPTS,
  })
}

export function enqueueUnpublish(queue: JobQueue, p: UnpublishPayload): number {
  return queue.enqueue({
    kind: CHAIN_UNPUBLISH_JOB,
    videoId: p.videoId,
    payload: p,
    // Taking a video off goes before putting others on: its bindings leave the stores first.
    priority: 60,
    sizeKey: 0,
    maxAttempts: MAX_ATTEMPTS,
  })
}

export interface PublishJobDeps {
  store: () => Promise<ObjectStore>
  repos: Repos
  storage: VideoStorage
  logger: Logger
  /** A new catalog version was written (the HQ view keeps it, the console is told). */
  onCatalog: (catalog: Catalog, jobId: number) => void
  onState: () => void
  now?: () => number
}

/** The file's SHA-256 (its key in the bucket) and, where our addon is here, its BLAKE3 (what stores check), in one read. */
async function digestsOfFile(
  path: string,
  onBytes: (n: number) => void,
  signal: AbortSignal,
): Promise<{ sha256: string; blake3?: string }> {
  const h = namingDigests()
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (signal.aborted) throw new Error('aborted')
    h.update(chunk as Buffer)
    onBytes((chunk as Buffer).length)
  }
  return h.names()
}

/**
 * Every failure is worth another try later: the object store away, keys or a bucket staff are fixing, a race lost
 * five times in a row. After the last try the job stays failed with its reason (publish again to start over).
 */
function outcomeOf(err: unknown): JobOutcome {
  return { kind: 'retry', error: (err as Error)?.message ?? String(err) }
}

export function publishJob(d: PublishJobDeps): JobKind {
  return {
    run: (ctx) => publish(d, ctx).catch(outcomeOf),
    onState: () => d.onState(),
    onProgress: () => d.onState(),
  }
}

export function unpublishJob(d: PublishJobDeps): JobKind {
  return {
    run: (ctx) => unpublish(d, ctx).catch(outcomeOf),
    onState: () => d.onState(),
  }
}

interface LocalFile {
  path: string
  size: number
  ext: 'mp4' | 'jpg'
}

async function publish(d: PublishJobDeps, ctx: JobContext): Promise<JobOutcome> {
  const p = PublishPayload.parse(ctx.job.payload)
  const v = d.repos.videos.findById(p.videoId)
  if (!v) return { kind: 'failed', error: 'the video was deleted' }
  if (v.status !== 'ready')
    return { kind: 'failed', error: 'the video is not ready (it is still being transcoded, or failed)' }
  const renditions = d.repos.videos.renditions(v.id)
  if (!v.posterPath || !v.thumbPath || renditions.length === 0)
    return { kind: 'failed', error: 'the video has no renditions to publish' }
  const local = (rel: string, ext: 'mp4' | 'jpg'): LocalFile => {
    const path = d.storage.abs(rel)
    return { path, size: statSync(path).size, ext }
  }
  const files = {
    renditions: renditions.map((r) => ({ r, f: local(r.path, 'mp4') })),
    poster: local(v.posterPath, 'jpg'),
    thumb: local(v.thumbPath, 'jpg'),
  }
  const all = [...files.renditions.map((x) => x.f), files.poster, files.thumb]
  const total = all.reduce((n, f) => n + f.size, 0)
  // Hashing is the first half of the bar, sending (or finding it there already) the second.
  let done = 0
  const started = Date.now()
  const tick = (n: number) => {
    done += n
    const fraction = Math.min(1, done / (2 * total || 1))
    const elapsed = (Date.now() - started) / 1000
    ctx.progress({
      fraction,
      speed: null,
      etaSeconds: fraction > 0.02 ? Math.round((elapsed / fraction) * (1 - fraction)) : null,
    })
  }

  const store = await d.store()
  const refs = new Map<LocalFile, FileRef>()
  for (const f of all) {
    const names = await digestsOfFile(f.path, tick, ctx.signal)
    refs.set(f, { key: mediaKey(names.sha256, f.ext), ...names, size: f.size })
  }
  let uploaded = 0
  let skipped = 0
  for (const f of all) {
    const ref = refs.get(f)!
    const there = await store.head(ref.key, ctx.signal)
    // Only an object this hub's kind wrote (its SHA-256 recorded, and the same) counts as there: anything else
    // under the key (damaged, or written by another tool) is replaced.
    if (there && there.size === ref.size && there.sha256 === ref.sha256) {
      skipped++
      tick(f.size)
      continue
    }
    let sent = 0
    await store.putFile(ref.key, f.path, {
      sha256: ref.sha256,
      contentType: contentTypeOf(ref.key),
      signal: ctx.signal,
      onProgress: (s) => {
        tick(s - sent)
        sent = s
      },
    })
    tick(f.size - sent)
    uploaded++
  }

  const meta: VideoMeta = {
    v: 1,
    id: p.chainId,
    title: v.title,
    description: v.description,
    sourceSha256: v.sha256,
    durationMs: v.durationMs,
    width: v.width,
    height: v.height,
    renditions: files.renditions.map(({ r, f }) => ({
      label: r.label,
      width: r.width,
      height: r.height,
      bitRate: r.bitRate,
      durationMs: r.durationMs,
      file: refs.get(f)!,
    })),
    poster: refs.get(files.poster)!,
    thumb: refs.get(files.thumb)!,
    captions: d.repos.captions.list({ videoId: v.id }).map((c) => ({
      text: c.text,
      hashtags: c.hashtags,
      mentions: c.mentions,
      poi: c.poi,
    })),
  }
  const metaBody = JSON.stringify(meta)
  const metaSha = createHash('sha256').update(metaBody).digest('hex')
  const metaRef: FileRef = { key: metaKey(metaSha), sha256: metaSha, size: Buffer.byteLength(metaBody) }
  if (!(await store.head(metaRef.key, ctx.signal)))
    await store.put(metaRef.key, metaBody, { contentType: 'application/json', signal: ctx.signal })

  const now = d.now ?? Date.now
  const edit = await editCatalog(
    store,
    (c) =>
      withVideo(c, { video: v, meta: metaRef, bytes: total, payload: p, at: new Date(now()).toISOString() }),
    { by: p.by, signal: ctx.signal, now },
  )
  d.logger.info(
    {
      videoId: v.id,
      chainId: p.chainId,
      version: edit.catalog.version,
      uploaded,
      skipped,
      raced: edit.raced,
      stores: p.stores,
      label: p.label ?? null,
    },
    edit.changed ? 'published to the chain' : 'already published as asked',
  )
  d.onCatalog(edit.catalog, ctx.job.id)
  return { kind: 'done' }
}

/**
 * The catalog with this video in it (added, or its metadata and stores replaced), and with a binding of it to the
 * placement label when one was asked for (unless the same binding is there). Null: nothing to change.
 */
export function withVideo(
  c: Catalog,
  x: { video: VideoRecord; meta: FileRef; bytes: number; payload: PublishPayload; at: string },
): Catalog | null {
  const p = x.payload
  const entry = {
    id: p.chainId,
    title: x.video.title,
    meta: x.meta,
    bytes: x.bytes,
    stores: [...new Set(p.stores)],
    publishedAt: x.at,
  }
  const existing = c.videos.find((e) => e.id === p.chainId)
  const same =
    existing &&
    existing.meta.sha256 === entry.meta.sha256 &&
    existing.title === entry.title &&
    JSON.stringify([...existing.stores].sort()) === JSON.stringify([...entry.stores].sort())
  let changed = !same
  if (existing && !same) Object.assign(existing, entry)
  if (!existing) c.videos.push(entry)
  // Published again: its files are wanted once more.
  if (c.retired.some((r) => r.id === p.chainId)) {
    c.retired = c.retired.filter((r) => r.id !== p.chainId)
    changed = true
  }
  if (p.label !== undefined) {
    const from = p.from ?? null
    const to = p.to ?? null
    const bound = c.bindings.some(
      (b) =>
        b.label === p.label &&
        b.videos.length === 1 &&
        b.videos[0] === p.chainId &&
        b.from === from &&
        b.to === to &&
        JSON.stringify([...b.stores].sort()) === JSON.stringify([...entry.stores].sort()),
    )
    if (!bound) {
      c.bindings.push({
        id: newBindingId(),
        label: p.label,
        videos: [p.chainId],
        strategy: defaultStrategy(1),
        stores: entry.stores,
        from,
        to,
        createdAt: x.at,
      })
      changed = true
    }
  }
  return changed ? c : null
}

export const newBindingId = (): string => `b-${randomBytes(5).toString('hex')}`

async function unpublish(d: PublishJobDeps, ctx: JobContext): Promise<JobOutcome> {
  const p = UnpublishPayload.parse(ctx.job.payload)
  const now = d.now ?? Date.now
  ctx.progress({ fraction: 0.1, speed: null, etaSeconds: null })
  const store = await d.store()
  const edit = await editCatalog(store, (c) => withoutVideo(c, p.chainId, new Date(now()).toISOString()), {
    by: p.by,
    signal: ctx.signal,
    now,
  })
  d.logger.info(
    { chainId: p.chainId, version: edit.catalog.version, raced: edit.raced },
    edit.changed ? 'unpublished from the chain' : 'was not in the catalog',
  )
  d.onCatalog(edit.catalog, ctx.job.id)
  return { kind: 'done' }
}

/**
 * The catalog without this video: its bindings go at once (a binding of several videos keeps the others), its files
 * are listed as retired and deleted from the bucket after the grace period. Null: it was not there.
 */
export function withoutVideo(c: Catalog, chainId: string, at: string): Catalog | null {
  const entry = c.videos.find((v) => v.id === chainId)
  if (!entry) return null
  c.videos = c.videos.filter((v) => v.id !== chainId)
  c.bindings = c.bindings
    .map((b) => ({ ...b, videos: b.videos.filter((id) => id !== chainId) }))
    .filter((b) => b.videos.length > 0)
  c.retired = [...c.retired.filter((r) => r.id !== chainId), { id: chainId, meta: entry.meta, at }]
  return c
}

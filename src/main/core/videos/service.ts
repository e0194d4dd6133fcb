import { statSync } from 'node:fs'
import { inWriteTransaction } from '../../db/immediate'
import { rm } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Logger } from 'pino'
import { z } from 'zod'
import type { Repos } from '../../db/repos'
import type { VideoRecord } from '../../db/repos/videos'
import type { ImportResult, Video } from '../../../shared/contract/videos'
import { REFUSAL_TEXT, type RefusalReason } from '../../../shared/video-refusals'
import { actorName, actorUserId, requireRole, type CallContext } from '../auth/actor'
import type { AuditService } from '../audit/service'
import type { ConfigStore } from '../config/store'
import type { EventBus } from '../events/bus'
import { HubError, refusal } from '../errors'
import { fsyncFile } from '../fsutil/atomic'
import type { JobQueue } from '../jobs/queue'
import type { MediaBinaries } from '../media/binaries'
import { probeFile, ProbeError, tailCoverage, type ProbeInfo } from '../media/probe'
import { isTruncated, refusalFor } from '../media/validate'
import { copyIntoTemp, LimitExceededError, type VideoStorage } from './storage'
import { enqueueTranscode, TRANSCODE_PRIORITY as PRIORITY } from './transcode-job'
import { hubText } from '../../../shared/contract/texts'

export class RefusedError extends HubError {
  constructor(
    readonly reason: RefusalReason,
    detail?: string,
  ) {
    super('video-refused', REFUSAL_TEXT[reason].en + (detail ? ` (${detail})` : ''), {
      reason,
      messageZh: REFUSAL_TEXT[reason]['zh-CN'],
    })
  }
}

export interface VideoServiceDeps {
  repos: Repos
  storage: VideoStorage
  config: ConfigStore
  audit: AuditService
  events: EventBus
  logger: Logger
  media: () => MediaBinaries
  /** Runs the transcodes (./transcode-job.ts is the job itself). */
  queue: JobQueue
  /** How many tags deliver a video (the tags feature fills this in). */
  tagsUsing: (videoId: number) => number
  /** Remix templates that cut clips from a video: it cannot be deleted from under them, even by force. */
  templatesUsing?: (videoId: number) => Array<{ id: number; name: string }>
  /**
   * At headquarters: whether the chain's catalog carries the video. Deleting it would leave the stores a catalog
   * entry nobody can unpublish by the video's id.
   */
  publishedToStores?: (videoId: number) => Promise<boolean>
  now?: () => number
}

/**
 * The video library: checks what arrives (by probing, not by name), stores it under hub-made names, queues the
 * ladder transcode, and answers the console and CLI. Viewers only look; staff upload and edit their own videos;
 * admins everything.
 */
export class VideoService {
  private readonly now: () => number

  constructor(private readonly d: VideoServiceDeps) {
    this.now = d.now ?? Date.now
  }

  // ── checks before a single byte is stored ──────────────────────────────────────────────────────────────

  limits(ctx: CallContext): { maxBytes: number; uploadsLeftToday: number | null; canUpload: boolean } {
    requireRole(ctx, 'viewer')
    const canUpload = ctx.actor.kind === 'local' || (ctx.actor.kind === 'user' && ctx.actor.role !== 'viewer')
    return { maxBytes: this.maxBytes(), uploadsLeftToday: canUpload ? this.uploadsLeft(ctx) : 0, canUpload }
  }

  maxBytes(): number {
    return this.d.config.values.uploadMaxMegabytes * 1024 * 1024
  }

  private uploadsLeft(ctx: CallContext): number | null {
    if (ctx.actor.kind !== 'user') return null
    const limit =
      ctx.actor.role === 'admin'
        ? this.d.config.values.uploadsPerDayAdmin
        : this.d.config.values.uploadsPerDayStaff
    if (limit === 0) return null
    const midnight = new Date(this.now())
    midnight.setHours(0, 0, 0, 0)
    return Math.max(0, limit - this.d.repos.videos.uploadsSince(ctx.actor.userId, midnight.getTime()))
  }

  /** Role, daily quota, size limit, free disk: refused before the upload is read. */
  assertCanUpload(ctx: CallContext, declaredBytes: number | null): void {
    requireRole(ctx, 'staff')
    if (this.uploadsLeft(ctx) === 0) throw new RefusedError('quota-exceeded')
    if (declaredBytes !== null && declaredBytes > this.maxBytes())
      throw new RefusedError('too-large', `limit ${this.d.config.values.uploadMaxMegabytes} MB`)
    const reserve = this.d.config.values.minFreeDiskMegabytes * 1024 * 1024
    if (declaredBytes !== null && this.d.storage.freeBytes() - declaredBytes < reserve)
      throw new RefusedError('disk-full')
    if (!this.d.media().ffprobe || !this.d.media().ffmpeg) throw new RefusedError('no-ffmpeg')
  }

  // ── ingest ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Import by path (CLI and desktop app): the local credential only, since it reads any file on this PC. */
  async importPath(ctx: CallContext, input: { path: string; title?: string }): Promise<ImportResult> {
    if (ctx.actor.kind !== 'local')
      throw new HubError(
        'forbidden',
        'importing by path needs the local credential (the tapdrop CLI on this PC)',
      )
    const name = basename(input.path)
    try {
      this.assertCanUpload(ctx, null)
      let size: number
      try {
        const st = statSync(input.path)
        if (!st.isFile()) throw new Error('not a file')
        size = st.size
      } catch {
        throw new RefusedError('unreadable', input.path)
      }
      this.assertCanUpload(ctx, size)
      const temp = this.d.storage.newTempPath()
      try {
        const { bytes, sha256 } = await copyIntoTemp(input.path, temp, this.maxBytes())
        return await this.ingest(ctx, {
          tempPath: temp,
          originalName: name,
          title: input.title,
          sizeBytes: bytes,
          sha256,
        })
      } catch (err) {
        await rm(temp, { force: true })
        if (err instanceof LimitExceededError) throw new RefusedError('too-large')
        throw err
      }
    } catch (err) {
      if (err instanceof RefusedError) return this.refused(name, err)
      throw err
    }
  }

  refused(originalName: string, err: RefusedError): ImportResult {
    return {
      originalName,
      status: 'refused',
      id: null,
      duplicate: false,
      error: err.message,
      reason: err.reason,
      video: null,
    }
  }

  /**
   * Takes a complete temp file (ours) and either stores it as a video with a queued transcode, recognises it as
   * one we have, or refuses it; a refused or duplicate file is deleted, so nothing of it stays.
   */
  async ingest(
    ctx: CallContext,
    f: { tempPath: string; originalName: string; title?: string; sizeBytes: number; sha256: string },
  ): Promise<ImportResult> {
    // The last unflushed bytes go to disk while ffprobe reads the file. A stored file needs that flush to have
    // succeeded; for a refused one only that it ended before the file goes.
    let flushed: Promise<void> = Promise.resolve()
    // Asynchronous: unlinking a multi-GB file takes a second on some disks, and phones must not wait for it.
    const drop = async () => {
      await flushed.catch(() => undefined)
      await rm(f.tempPath, { force: true })
    }
    try {
      if (f.sizeBytes === 0) throw new RefusedError('empty')
      flushed = fsyncFile(f.tempPath)
      flushed.catch(() => undefined) // awaited below, or by drop(): never an unhandled rejection meanwhile
      const info = await this.check(f.tempPath)
      const existing = this.d.repos.videos.findBySha(f.sha256)
      if (existing) {
        await drop()
        return {
          originalName: f.originalName,
          status: existing.status,
          id: existing.id,
          duplicate: true,
          error: existing.error,
          reason: null,
          video: this.toVideo(existing),
        }
      }
      await flushed // the bytes are on disk before a row points at them
      const source = this.d.storage.adoptSource(
        f.tempPath,
        this.d.storage.newSourceName(f.sha256, info.container),
      )
      const title = f.title?.trim() || f.originalName.replace(/\.[^.]+$/, '').slice(0, 120) || 'video'
      const priority =
        ctx.actor.kind === 'user' && ctx.actor.role === 'staff' ? PRIORITY.staff : PRIORITY.admin
      const id = inWriteTransaction(this.d.repos.db, () => {
        const videoId = this.d.repos.videos.insert({
          title,
          description: '',
          originalName: f.originalName.slice(0, 255),
          sourcePath: source,
          sizeBytes: f.sizeBytes,
          sha256: f.sha256,
          durationMs: info.durationMs,
          width: info.video!.displayWidth,
          height: info.video!.displayHeight,
          rotation: info.video!.rotation,
          container: info.container,
          videoCodec: info.video!.codec,
          audioCodec: info.audio?.codec ?? null,
          pixFmt: info.video!.pixFmt,
          frameRate: info.video!.fps,
          bitRate: info.bitRate,
          uploadedBy: actorUserId(ctx.actor),
          uploaderName: actorName(ctx.actor),
          now: this.now(),
        })
        // The job goes with the row: a video is never stored without its transcode, nor queued without its video.
        enqueueTranscode(this.d.queue, { videoId, priority, sizeBytes: f.sizeBytes })
        this.d.audit.record(ctx, 'video.upload', `video:${videoId}`, {
          title,
          originalName: f.originalName,
          bytes: f.sizeBytes,
        })
        return videoId
      })
      this.d.logger.info(
        { videoId: id, bytes: f.sizeBytes, container: info.container, codec: info.video!.codec },
        'video stored; transcode queued',
      )
      // No videos-changed here: the queued job's first state, announced after the commit, says it (transcode-job.ts).
      const video = this.d.repos.videos.findById(id)!
      return {
        originalName: f.originalName,
        status: video.status,
        id,
        duplicate: false,
        error: null,
        reason: null,
        video: this.toVideo(video),
      }
    } catch (err) {
      await drop()
      if (err instanceof RefusedError) {
        this.d.logger.info({ name: f.originalName, reason: err.reason }, 'upload refused')
        return this.refused(f.originalName, err)
      }
      throw err
    }
  }

  /** Is it really a video we can take? Probe the container and streams, then check the file is whole. */
  private async check(file: string): Promise<ProbeInfo> {
    const ffprobe = this.d.media().ffprobe
    if (!ffprobe) throw new RefusedError('no-ffmpeg')
    let info: ProbeInfo
    try {
      info = await probeFile(ffprobe.path, file)
    } catch (err) {
      if (err instanceof ProbeError || err instanceof z.ZodError) throw new RefusedError('not-video')
      throw err
    }
    const reason = refusalFor(info)
    if (reason) throw new RefusedError(reason)
    if (isTruncated(info, await tailCoverage(ffprobe.path, file, info))) throw new RefusedError('truncated')
    return info
  }

  // ── reading and editing ─────────────────────────────────────────────────────────────────────────────────

  list(ctx: CallContext): Video[] {
    requireRole(ctx, 'viewer')
    return this.d.repos.videos.list().map((v) => this.toVideo(v))
  }

  get(ctx: CallContext, id: number): Video {
    requireRole(ctx, 'viewer')
    return this.toVideo(this.mustFind(id))
  }

  update(ctx: CallContext, input: { id: number; title?: string; description?: string }): Video {
    const v = this.mustFind(input.id)
    this.requireOwnerOrAdmin(ctx, v)
    const title = input.title ?? v.title
    const description = input.description ?? v.description
    inWriteTransaction(this.d.repos.db, () => {
      this.d.repos.videos.setText(v.id, title, description, this.now())
      this.d.audit.record(ctx, 'video.update', `video:${v.id}`, { title })
    })
    this.d.events.emit({ type: 'videos-changed', videoId: v.id })
    return this.get(ctx, v.id)
  }

  async delete(ctx: CallContext, input: { id: number; force: boolean }): Promise<void> {
    const v = this.mustFind(input.id)
    this.requireOwnerOrAdmin(ctx, v)
    const templates = this.d.templatesUsing?.(v.id) ?? []
    if (templates.length)
      throw refusal(
        'video-in-use',
        hubText('videoInTemplates', { names: templates.map((x) => `“${x.name || `#${x.id}`}”`).join(', ') }),
        { templates: templates.map((x) => x.id) },
      )
    if (await this.d.publishedToStores?.(v.id))
      throw refusal('video-in-use', hubText('videoPublished', { id: v.id }), { published: true })
    const tags = this.d.tagsUsing(v.id)
    if (tags > 0 && !input.force) throw refusal('video-in-use', hubText('videoOnTags', { n: tags }), { tags })
    const job = this.d.repos.jobs.latestForVideo(v.id)
    if (job && (job.status === 'running' || job.status === 'queued')) await this.d.queue.cancelAndWait(job.id)
    // Rows first (one transaction), files after: a crash in between leaves only files, which start-up removes.
    inWriteTransaction(this.d.repos.db, () => {
      this.d.repos.videos.delete(v.id)
      this.d.audit.record(ctx, 'video.delete', `video:${v.id}`, { title: v.title, tags })
    })
    await this.d.storage.removeVideoFiles(v.id, v.sourcePath)
    this.d.logger.info({ videoId: v.id }, 'video deleted')
    this.d.events.emit({ type: 'videos-changed', videoId: v.id })
  }

  retry(ctx: CallContext, id: number): Video {
    const v = this.mustFind(id)
    this.requireOwnerOrAdmin(ctx, v)
    const job = this.d.repos.jobs.latestForVideo(v.id)
    if (v.status !== 'failed' || !job || (job.status !== 'failed' && job.status !== 'cancelled'))
      throw refusal('conflict', hubText('retryOnlyFailed'))
    inWriteTransaction(this.d.repos.db, () => {
      this.d.repos.videos.setStatus(v.id, 'queued', null, this.now())
      this.d.audit.record(ctx, 'video.retry', `video:${v.id}`)
    })
    this.d.queue.retry(job.id)
    this.d.events.emit({ type: 'videos-changed', videoId: v.id })
    return this.get(ctx, id)
  }

  /** Staff may move any waiting transcode to the front. */
  raise(ctx: CallContext, id: number): Video {
    requireRole(ctx, 'staff')
    const v = this.mustFind(id)
    const job = this.d.repos.jobs.latestForVideo(v.id)
    if (!job || job.status !== 'queued') throw refusal('conflict', hubText('raiseOnlyWaiting'))
    this.d.queue.setPriority(job.id, PRIORITY.raised)
    this.d.audit.record(ctx, 'video.raise', `video:${v.id}`)
    this.d.events.emit({ type: 'videos-changed', videoId: v.id })
    return this.get(ctx, id)
  }

  async cancel(ctx: CallContext, id: number): Promise<Video> {
    const v = this.mustFind(id)
    this.requireOwnerOrAdmin(ctx, v)
    const job = this.d.repos.jobs.latestForVideo(v.id)
    if (!job || (job.status !== 'queued' && job.status !== 'running'))
      throw refusal('conflict', hubText('nothingToCancel'))
    await this.d.queue.cancelAndWait(job.id)
    this.d.audit.record(ctx, 'video.cancel', `video:${v.id}`)
    return this.get(ctx, id)
  }

  /** The absolute path of one of a video's files, by its public name (poster.jpg, thumb.jpg, 720p.mp4 …). */
  mediaFile(videoId: number, file: string): string | null {
    const v = this.d.repos.videos.findById(videoId)
    if (!v) return null
    if (file === 'poster.jpg') return v.posterPath ? this.d.storage.abs(v.posterPath) : null
    if (file === 'thumb.jpg') return v.thumbPath ? this.d.storage.abs(v.thumbPath) : null
    const label = /^(\d{2,4}p)\.mp4$/.exec(file)?.[1]
    const r = label ? this.d.repos.videos.renditions(videoId).find((x) => x.label === label) : undefined
    return r ? this.d.storage.abs(r.path) : null
  }

  private mustFind(id: number): VideoRecord {
    const v = this.d.repos.videos.findById(id)
    if (!v) throw new HubError('video-not-found', `no video with id ${id}`)
    return v
  }

  private requireOwnerOrAdmin(ctx: CallContext, v: VideoRecord): void {
    requireRole(ctx, 'staff')
    if (v.origin === 'chain')
      throw new HubError(
        'chain-read-only',
        `“${v.title}” came from headquarters: it is read-only at this store (headquarters edits or unpublishes it)`,
        { videoId: v.id },
      )
    if (ctx.actor.kind === 'user' && ctx.actor.role === 'staff' && v.uploadedBy !== ctx.actor.userId)
      throw new HubError('forbidden', 'staff can change only the videos they uploaded')
  }

  toVideo(v: VideoRecord): Video {
    const job = this.d.repos.jobs.latestForVideo(v.id)
    const progress = job && job.status === 'running' ? this.d.queue.progressOf(job.id) : null
    const stamp = `?v=${v.updatedAt}`
    return {
      id: v.id,
      title: v.title,
      description: v.description,
      originalName: v.originalName,
      sizeBytes: v.sizeBytes,
      sha256: v.sha256,
      durationMs: v.durationMs,
      width: v.width,
      height: v.height,
      rotation: v.rotation,
      container: v.container,
      videoCodec: v.videoCodec,
      audioCodec: v.audioCodec,
      frameRate: v.frameRate,
      bitRate: v.bitRate,
      status: v.status,
      error: v.error,
      uploader: v.uploaderName,
      uploaderId: v.uploadedBy,
      createdAt: new Date(v.createdAt).toISOString(),
      updatedAt: new Date(v.updatedAt).toISOString(),
      posterUrl: v.posterPath ? `/media/videos/${v.id}/poster.jpg${stamp}` : null,
      thumbUrl: v.thumbPath ? `/media/videos/${v.id}/thumb.jpg${stamp}` : null,
      renditions: this.d.repos.videos.renditions(v.id).map((r) => ({
        label: r.label,
        width: r.width,
        height: r.height,
        path: r.path,
        sizeBytes: r.sizeBytes,
        bitRate: r.bitRate,
        url: `/media/videos/${v.id}/${r.label}.mp4`,
      })),
      job: job
        ? {
            id: job.id,
            status: job.status,
            attempts: job.attempts,
            maxAttempts: job.maxAttempts,
            priority: job.priority,
            raised: job.priority >= PRIORITY.raised,
            error: job.error,
            nextRunAt: job.status === 'queued' ? new Date(job.nextRunAt).toISOString() : null,
            progress: progress
              ? {
                  percent: Math.round(progress.fraction * 1000) / 10,
                  speed: progress.speed,
                  etaSeconds: progress.etaSeconds,
                }
              : null,
          }
        : null,
      tagsUsing: this.d.tagsUsing(v.id),
      origin: v.origin,
      chainLeavesAt:
        v.chainLeavingAt === null
          ? null
          : new Date(v.chainLeavingAt + this.d.config.values.chainGraceHours * 3_600_000).toISOString(),
    }
  }
}

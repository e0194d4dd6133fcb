import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { Logger } from 'pino'
import { z } from 'zod'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import type { JobRecord } from '../../db/repos/jobs'
import type { VideoRecord } from '../../db/repos/videos'
import type { ConfigStore } from '../config/store'
import type { EventBus } from '../events/bus'
import { syncDir } from '../fsutil/atomic'
import type { JobContext, JobKind, JobOutcome, JobProgress, JobQueue } from '../jobs/queue'
import type { MediaBinaries } from '../media/binaries'
import { FfmpegError, runCommand } from '../media/ffmpeg'
import { FFMPEG_PID_FILE } from '../media/orphans'
import { ladderCommand } from '../media/ladder-command'
import { planLadder } from '../media/ladder'
import { probeFile, ProbeError } from '../media/probe'
import type { VideoStorage } from './storage'

// The transcode job, whole: how it is queued, what it does, and what each of its states means for its video.

export const TRANSCODE_JOB = 'transcode'
const TranscodePayload = z.object({ videoId: z.number().int().positive() })

/** Raised jobs jump the queue; otherwise admins' uploads go before staff's, and smaller files first. */
export const TRANSCODE_PRIORITY = { raised: 100, admin: 30, staff: 20 } as const

/** Queues a stored video's transcode; the ingest calls it inside the transaction that stores the video. */
export function enqueueTranscode(
  queue: JobQueue,
  v: { videoId: number; priority: number; sizeBytes: number },
): number {
  return queue.enqueue({
    kind: TRANSCODE_JOB,
    videoId: v.videoId,
    payload: { videoId: v.videoId } satisfies z.input<typeof TranscodePayload>,
    priority: v.priority,
    sizeKey: v.sizeBytes,
    maxAttempts: 3,
  })
}

export interface TranscodeDeps {
  repos: Repos
  storage: VideoStorage
  config: ConfigStore
  events: EventBus
  logger: Logger
  media: () => MediaBinaries
  /** A transcode gave up (its last try failed): staff are told. */
  onFailed: (video: VideoRecord, error: string | null) => void
  now?: () => number
}

export function transcodeJob(d: TranscodeDeps): JobKind {
  const now = d.now ?? Date.now
  return {
    run: (ctx) => transcode(d, now, ctx),
    onState: (job) => {
      followJob(d, now, job)
      if (job.status === 'failed' && job.videoId !== null) {
        const v = d.repos.videos.findById(job.videoId)
        if (v) d.onFailed(v, job.error)
      }
    },
    onProgress: (job, p) => progress(d, job, p),
  }
}

/** Keeps the video's status in step with its job. */
function followJob(d: TranscodeDeps, now: () => number, job: JobRecord): void {
  if (job.videoId === null) return
  const v = d.repos.videos.findById(job.videoId)
  if (!v) return
  const next =
    job.status === 'running'
      ? { status: 'processing' as const, error: null }
      : job.status === 'queued'
        ? { status: 'queued' as const, error: job.error }
        : job.status === 'failed'
          ? { status: 'failed' as const, error: job.error }
          : job.status === 'cancelled'
            ? { status: 'failed' as const, error: 'cancelled' }
            : null
  if (!next || (v.status === 'ready' && job.status === 'done')) {
    d.events.emit({ type: 'videos-changed', videoId: v.id })
    return
  }
  if (v.status !== next.status || v.error !== next.error)
    d.repos.videos.setStatus(v.id, next.status, next.error, now())
  d.events.emit({ type: 'videos-changed', videoId: v.id })
}

function progress(d: TranscodeDeps, job: JobRecord, p: JobProgress): void {
  if (job.videoId === null) return
  d.events.emit({
    type: 'video-progress',
    videoId: job.videoId,
    jobId: job.id,
    percent: Math.round(p.fraction * 1000) / 10,
    speed: p.speed,
    etaSeconds: p.etaSeconds,
  })
}

/**
 * Decodes the source once and writes every rendition, the poster and the thumbnail into a work folder; only
 * when all are complete are they renamed into place and recorded, in one transaction. An interrupted run
 * leaves only the work folder, which the next run (or start-up) removes.
 */
async function transcode(d: TranscodeDeps, now: () => number, ctx: JobContext): Promise<JobOutcome> {
  const { videoId } = TranscodePayload.parse(ctx.job.payload)
  const v = d.repos.videos.findById(videoId)
  if (!v) return { kind: 'failed', error: 'the video was deleted' }
  const bins = d.media()
  if (!bins.ffmpeg || !bins.ffprobe) return { kind: 'retry', error: 'ffmpeg/ffprobe not found on this PC' }
  const source = d.storage.abs(v.sourcePath)
  if (!existsSync(source)) return { kind: 'failed', error: 'the source file is missing from the data folder' }
  const dir = d.storage.videoDir(v.id)
  const work = d.storage.workDir(v.id, ctx.job.id)
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  try {
    const info = await probeFile(bins.ffprobe.path, source)
    const plan = planLadder(info)
    const { command, outputs } = ladderCommand(bins.ffmpeg.path, source, plan, work)
    d.logger.info(
      { videoId: v.id, jobId: ctx.job.id, renditions: plan.renditions.map((r) => r.label), fps: plan.fps },
      'transcoding',
    )
    await runCommand(command, {
      durationSeconds: plan.durationSeconds,
      signal: ctx.signal,
      onProgress: ctx.progress,
      stallMs: d.config.values.transcodeStallSeconds * 1000,
      pidFile: join(work, FFMPEG_PID_FILE),
    })
    const made: Array<{
      label: string
      width: number
      height: number
      file: string
      sizeBytes: number
      bitRate: number | null
      durationMs: number
    }> = []
    for (const r of plan.renditions) {
      const path = join(work, r.file)
      const rinfo = await probeFile(bins.ffprobe.path, path)
      if (!rinfo.video || statSync(path).size === 0) throw new Error(`rendition ${r.label} came out empty`)
      made.push({
        label: r.label,
        width: rinfo.video.displayWidth,
        height: rinfo.video.displayHeight,
        file: r.file,
        sizeBytes: statSync(path).size,
        bitRate: rinfo.bitRate,
        durationMs: rinfo.durationMs,
      })
    }
    for (const img of [outputs.poster, outputs.thumbnail])
      if (!existsSync(img) || statSync(img).size === 0) throw new Error(`${basename(img)} was not written`)
    for (const name of [...made.map((m) => m.file), 'poster.jpg', 'thumb.jpg'])
      renameSync(join(work, name), join(dir, name))
    syncDir(dir)
    inWriteTransaction(d.repos.db, () => {
      d.repos.videos.replaceRenditions(
        v.id,
        made.map((m) => ({
          label: m.label,
          width: m.width,
          height: m.height,
          path: d.storage.rel(join(dir, m.file)),
          sizeBytes: m.sizeBytes,
          bitRate: m.bitRate,
          durationMs: m.durationMs,
        })),
      )
      d.repos.videos.setImages(
        v.id,
        d.storage.rel(join(dir, 'poster.jpg')),
        d.storage.rel(join(dir, 'thumb.jpg')),
        now(),
      )
      d.repos.videos.setStatus(v.id, 'ready', null, now())
    })
    d.logger.info({ videoId: v.id, jobId: ctx.job.id }, 'video ready')
    return { kind: 'done' }
  } catch (err) {
    if (err instanceof FfmpegError) {
      const reason = err.stalled
        ? err.message
        : err.exitCode !== null
          ? `ffmpeg exited with code ${err.exitCode}: ${err.stderrTail}`
          : `ffmpeg could not run: ${err.message}`
      return { kind: 'retry', error: reason.slice(0, 2000) }
    }
    if (err instanceof ProbeError)
      return { kind: 'retry', error: `the source file cannot be read: ${err.message}` }
    return { kind: 'retry', error: (err as Error).message }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { z } from 'zod'
import type { Repos } from '../../db/repos'
import type { JobContext, JobKind, JobOutcome, JobQueue } from '../jobs/queue'
import type { MediaBinaries } from '../media/binaries'
import { FfmpegError } from '../media/ffmpeg'
import type { ConfigStore } from '../config/store'
import type { VideoStorage } from '../videos/storage'
import type { Brand } from '../brand/brand'
import { variantSize } from './graph'
import { missingGlyphs, type OverlayFont } from './glyphs'
import { templateInputs, type TemplateInputs } from './inputs'
import { planVariant, type VariantPlan } from './plan'
import { renderVariant, type RenderRequest } from './render'
import type { VariantPools } from './pool'
import { drawableFontFile } from './font-face'
import { english } from '../../../shared/contract/texts'

// The variant job, whole: how it is queued, what it does, and what its states mean for the pool.

export const VARIANT_JOB = 'remix-variant'
const VariantPayload = z.object({ variantId: z.number().int().positive() })

/** Below every transcode (20 and up): a pool fills in the time uploads leave. */
export const VARIANT_PRIORITY = 0

export function enqueueVariant(queue: JobQueue, variantId: number): number {
  return queue.enqueue({
    kind: VARIANT_JOB,
    videoId: null,
    payload: { variantId } satisfies z.input<typeof VariantPayload>,
    priority: VARIANT_PRIORITY,
    sizeKey: 0,
    maxAttempts: 3,
  })
}

/** What rendering needs besides the template: the binaries, a CJK font, the brand's end card. */
export interface RenderKit {
  repos: Repos
  storage: VideoStorage
  config: ConfigStore
  media: () => MediaBinaries
  font: () => OverlayFont | null
  /** Where a collection's face is copied out for drawtext (font-face.ts). */
  fontCacheDir: string
  brand: () => Brand
  logger: Logger
}

/** The render of one plan with everything it needs; `lines` already checked against the font. */
export function renderRequest(
  kit: RenderKit,
  inputs: TemplateInputs,
  plan: VariantPlan,
  out: { path: string; workDir: string },
  font: OverlayFont,
): Omit<RenderRequest, 'signal' | 'onProgress'> {
  const bins = kit.media()
  const c = kit.config.values
  const brand = kit.brand()
  const cardSeconds = inputs.template.rules.endCardSeconds
  const name = brand.productName[c.language] ?? brand.shortName
  // An SVG logo is the brand's master; the end card takes a raster (the PNG icon) to stay independent of librsvg.
  const logo = brand.logoPath && /\.(png|jpe?g)$/i.test(brand.logoPath) ? brand.logoPath : brand.iconPath
  return {
    plan,
    sources: {
      clips: new Map([...inputs.files].map(([id, rel]) => [id, kit.storage.abs(rel)])),
      music: inputs.music ? kit.storage.abs(inputs.music.path) : null,
      clipAudio: inputs.template.rules.clipAudio,
      font: drawableFontFile(font, kit.fontCacheDir, kit.logger),
      endCard:
        cardSeconds > 0
          ? {
              seconds: cardSeconds,
              background: brand.colors.primary,
              logo,
              name: missingGlyphs(font, name).length === 0 ? name : null,
            }
          : null,
    },
    output: {
      path: out.path,
      label: c.remixRendition,
      ...variantSize(c.remixRendition, inputs.portrait),
    },
    workDir: out.workDir,
    ffmpeg: bins.ffmpeg!.path,
    ffprobe: bins.ffprobe!.path,
    niceness: c.remixNiceness,
    stallMs: c.transcodeStallSeconds * 1000,
  }
}

/** Overlay lines the font can draw (a caption with an emoji the font lacks is left out, not drawn as boxes). */
export function drawableLines(font: OverlayFont, lines: string[]): string[] {
  return lines.filter((l) => missingGlyphs(font, l).length === 0)
}

export interface VariantJobDeps extends RenderKit {
  pools: () => VariantPools
  /** A variant failed for good: staff are told (once in a while per tag). */
  onFailed: (tagId: number | null, error: string) => void
}

export function variantJob(d: VariantJobDeps): JobKind {
  return {
    run: (ctx) => render(d, ctx),
    onState: (job) => {
      if (job.status !== 'failed' && job.status !== 'cancelled') return
      const p = VariantPayload.safeParse(job.payload)
      if (!p.success) return
      const v = d.repos.remix.variant(p.data.variantId)
      d.repos.remix.setVariantFailed(p.data.variantId, job.error ?? job.status)
      d.pools().failed(p.data.variantId, job.error ?? '')
      if (v && job.status === 'failed') d.onFailed(v.tagId, job.error ?? 'failed')
    },
    onProgress: (job, p) => {
      const parsed = VariantPayload.safeParse(job.payload)
      if (parsed.success) d.pools().setProgress(parsed.data.variantId, p.fraction)
    },
  }
}

async function render(d: VariantJobDeps, ctx: JobContext): Promise<JobOutcome> {
  const { variantId } = VariantPayload.parse(ctx.job.payload)
  const v = d.repos.remix.variant(variantId)
  // Deleted with its tag or template, or rendered before a crash: nothing to do.
  if (!v || v.status !== 'rendering') return { kind: 'done' }
  const bins = d.media()
  if (!bins.ffmpeg || !bins.ffprobe) return { kind: 'retry', error: 'ffmpeg/ffprobe not found on this PC' }
  const font = d.font()
  if (!font)
    return {
      kind: 'failed',
      error: 'no font with Chinese glyphs on this PC (Debian: apt-get install fonts-noto-cjk)',
    }
  const c = d.config.values
  const inputs = templateInputs(d.repos, v.templateId, v.tagId, c.remixRendition)
  if ('problem' in inputs) return { kind: 'failed', error: english(inputs.problem) }
  const lines = drawableLines(font, inputs.lines)
  let plan: VariantPlan
  try {
    plan = planVariant(inputs.clips, inputs.template.rules, v.seed, {
      musicMs: inputs.music?.durationMs ?? null,
      lines,
    })
  } catch (err) {
    return { kind: 'failed', error: (err as Error).message }
  }
  if (d.storage.freeBytes() < c.minFreeDiskMegabytes * 1048576)
    return { kind: 'retry', error: 'the disk is nearly full (below minFreeDiskMegabytes): not rendering' }
  const dir = join(d.storage.abs('media/variants'), String(v.tagId ?? 'none'))
  const path = join(dir, `${v.id}.mp4`)
  try {
    const result = await renderVariant({
      ...renderRequest(d, inputs, plan, { path, workDir: join(dir, `.work-${v.id}`) }, font),
      signal: ctx.signal,
      onProgress: ctx.progress,
    })
    const recorded = d.repos.remix.setVariantReady(v.id, {
      path: d.storage.rel(path),
      sizeBytes: result.sizeBytes,
      durationMs: result.durationMs,
      now: Date.now(),
    })
    if (!recorded || !d.pools().wanted(v.id)) {
      rmSync(path, { force: true })
      if (recorded) d.repos.remix.setVariantDeleted(v.id)
      return { kind: 'done' }
    }
    d.pools().rendered(v.id, { path, sizeBytes: result.sizeBytes })
    d.logger.info({ variantId: v.id, tagId: v.tagId, seed: v.seed, bytes: result.sizeBytes }, 'variant ready')
    return { kind: 'done' }
  } catch (err) {
    if (err instanceof FfmpegError) {
      const reason = err.stalled
        ? err.message
        : err.exitCode !== null
          ? `ffmpeg exited with code ${err.exitCode}: ${err.stderrTail}`
          : `ffmpeg could not run: ${err.message}`
      const full = /No space left on device|ENOSPC/i.test(reason)
      return {
        kind: 'retry',
        error: (full ? 'the disk filled up while rendering: ' : '') + reason.slice(0, 2000),
      }
    }
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOSPC') return { kind: 'retry', error: 'the disk filled up while rendering' }
    return { kind: 'retry', error: e.message }
  }
}

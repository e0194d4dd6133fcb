import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { inWriteTransaction } from '../../db/immediate'
import type { MusicRecord, TemplateRecord, VariantRecord } from '../../db/repos/remix'
import {
  TemplateRulesSchema,
  type Music,
  type PoolStatus,
  type Template,
  type TemplateClip,
  type TemplateRules,
  type Variant,
} from '../../../shared/contract/remix'
import { actorUserId, requireRole, type CallContext } from '../auth/actor'
import type { AuditService } from '../audit/service'
import { HubError } from '../errors'
import type { EventBus } from '../events/bus'
import { missingGlyphs } from './glyphs'
import { baseVideoOf, templateInputs } from './inputs'
import { importMusic } from './music'
import { planVariant, templateProblems, usedClips } from './plan'
import type { VariantPools } from './pool'
import { newSeed } from './prng'
import { prunePreviews } from './previews'
import { renderVariant } from './render'
import { drawableLines, renderRequest, type RenderKit } from './variant-job'
import { english, hubText, type HubText } from '../../../shared/contract/texts'

export interface RemixDeps extends RenderKit {
  audit: AuditService
  events: EventBus
  pools: VariantPools
  logger: Logger
  now?: () => number
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** A template that cannot make a variant: every reason, in English (`problems`) and for the console (`texts`). */
function impossible(problems: HubText[]): HubError {
  const words = problems.map(english)
  return new HubError('remix-impossible', words.join('; '), { problems: words, texts: problems })
}

/**
 * Remix templates and the music library for staff, the preview render, and the pools as the console and CLI see
 * them. Creating a template checks everything a variant will need, so a template that cannot make one is refused
 * with its reasons instead of failing job after job.
 */

export class RemixService {
  private readonly now: () => number

  constructor(private readonly d: RemixDeps) {
    this.now = d.now ?? Date.now
  }

  list(ctx: CallContext): Template[] {
    requireRole(ctx, 'viewer')
    return this.d.repos.remix.templates().map((t) => this.view(t))
  }

  get(ctx: CallContext, id: number): Template {
    requireRole(ctx, 'viewer')
    return this.view(this.mustFind(id))
  }

  create(
    ctx: CallContext,
    input: { name: string; clips: TemplateClip[]; rules?: Partial<TemplateRules> },
  ): Template {
    requireRole(ctx, 'staff')
    const titles: string[] = []
    const clips = input.clips.map((c) => {
      const v = this.d.repos.videos.findById(c.videoId)
      if (!v) throw new HubError('video-not-found', `no video with id ${c.videoId}`)
      titles.push(v.title)
      return { ...c, durationMs: v.durationMs }
    })
    const given = input.rules ?? {}
    const rules = TemplateRulesSchema.parse({
      ...given,
      clips: given.clips ?? Math.min(clips.length, 4),
      seconds: given.seconds ?? 15,
    })
    const problems = templateProblems(clips, rules)
    if (rules.musicId !== null && !this.d.repos.remix.music(rules.musicId))
      problems.push(hubText('noMusic', { id: rules.musicId }))
    const font = this.d.font()
    if (!font && (rules.lines.length > 0 || rules.endCardSeconds > 0)) problems.push(hubText('noFont'))
    if (font)
      for (const line of rules.lines) {
        const missing = missingGlyphs(font, line)
        if (missing.length)
          problems.push(hubText('noGlyph', { chars: missing.map((m) => `“${m}”`).join(' '), line }))
      }
    if (problems.length) throw impossible(problems)
    const name = input.name || `${titles[0] ?? ''} ×${rules.clips}`.trim()
    const id = inWriteTransaction(this.d.repos.db, () => {
      const templateId = this.d.repos.remix.insertTemplate({
        name,
        rules,
        clips: input.clips,
        createdBy: actorUserId(ctx.actor),
        now: this.now(),
      })
      this.d.audit.record(ctx, 'template.create', `template:${templateId}`, {
        name,
        videos: input.clips.map((c) => c.videoId),
        clips: rules.clips,
        seconds: rules.seconds,
        musicId: rules.musicId,
      })
      return templateId
    })
    this.d.logger.info({ templateId: id }, 'remix template created')
    return this.view(this.mustFind(id))
  }

  delete(ctx: CallContext, id: number): void {
    requireRole(ctx, 'staff')
    const t = this.mustFind(id)
    const tags = this.d.repos.remix.tagsUsingTemplate(t.id)
    if (tags.length)
      throw new HubError('template-in-use', `tag(s) ${tags.join(', ')} deliver variants of this template`, {
        tags,
      })
    inWriteTransaction(this.d.repos.db, () => {
      this.d.repos.remix.deleteTemplate(t.id)
      this.d.audit.record(ctx, 'template.delete', `template:${t.id}`, { name: t.name })
    })
  }

  /** Renders one variant now, outside any pool (the console plays it; the CLI prints where it is). */
  async preview(
    ctx: CallContext,
    input: { id: number; seed?: number },
  ): Promise<{ seed: number; clips: Variant['clips']; path: string; durationMs: number; sizeBytes: number }> {
    requireRole(ctx, 'staff')
    const t = this.mustFind(input.id)
    const font = this.d.font()
    if (!font) throw new HubError('remix-impossible', 'no font with Chinese glyphs on this PC')
    const bins = this.d.media()
    if (!bins.ffmpeg || !bins.ffprobe)
      throw new HubError('unavailable', 'ffmpeg/ffprobe not found on this PC')
    const inputs = templateInputs(this.d.repos, t.id, null, this.d.config.values.remixRendition)
    if ('problem' in inputs) throw impossible([inputs.problem])
    const seed = input.seed ?? newSeed()
    const plan = planVariant(inputs.clips, t.rules, seed, {
      musicMs: inputs.music?.durationMs ?? null,
      lines: drawableLines(font, inputs.lines),
    })
    const dir = join(this.d.storage.abs('media/variants'), 'preview')
    prunePreviews(dir, this.now())
    const path = join(dir, `${t.id}-${seed}.mp4`)
    const result = await renderVariant(
      renderRequest(this.d, inputs, plan, { path, workDir: join(dir, `.work-${t.id}-${seed}`) }, font),
    )
    return {
      seed,
      clips: usedClips(plan),
      path: this.d.storage.rel(path),
      durationMs: result.durationMs,
      sizeBytes: result.sizeBytes,
    }
  }

  async importMusic(ctx: CallContext, input: { path: string; title?: string }): Promise<Music> {
    requireRole(ctx, 'staff')
    if (ctx.actor.kind !== 'local')
      throw new HubError('forbidden', 'importing by path is for the CLI and the desktop app on this PC')
    const bins = this.d.media()
    if (!bins.ffmpeg || !bins.ffprobe)
      throw new HubError('unavailable', 'ffmpeg/ffprobe not found on this PC')
    const made = await importMusic({
      ffmpeg: bins.ffmpeg.path,
      ffprobe: bins.ffprobe.path,
      source: input.path,
      musicDir: this.d.storage.abs('media/music'),
    })
    const known = this.d.repos.remix.musicBySha(made.sha256)
    if (known) return this.musicView(known)
    const title = input.title || (input.path.split(/[\\/]/).pop() ?? 'music').replace(/\.[^.]+$/, '')
    const id = inWriteTransaction(this.d.repos.db, () => {
      const musicId = this.d.repos.remix.insertMusic({
        title,
        originalName: input.path.split(/[\\/]/).pop() ?? '',
        path: this.d.storage.rel(made.file),
        sha256: made.sha256,
        durationMs: made.durationMs,
        sourceLufs: made.sourceLufs,
        createdAt: this.now(),
      })
      this.d.audit.record(ctx, 'music.import', `music:${musicId}`, { title, lufs: made.sourceLufs })
      return musicId
    })
    return this.musicView(this.d.repos.remix.music(id)!)
  }

  musicList(ctx: CallContext): Music[] {
    requireRole(ctx, 'viewer')
    return this.d.repos.remix.allMusic().map((m) => this.musicView(m))
  }

  poolStatus(ctx: CallContext, input: { tagId?: number }): PoolStatus[] {
    requireRole(ctx, 'viewer')
    const tags =
      input.tagId === undefined
        ? this.d.repos.tags.withTemplate()
        : [this.d.repos.tags.findById(input.tagId)].filter((t) => t !== null)
    if (input.tagId !== undefined && tags.length === 0)
      throw new HubError('not-found', `no tag with id ${input.tagId}`)
    if (input.tagId !== undefined && tags[0]!.templateId === null)
      throw new HubError('bad-request', `tag ${input.tagId} is not a remix tag (it has no template)`)
    return this.d.pools.status(tags)
  }

  variants(ctx: CallContext, input: { tagId: number; limit: number }): Variant[] {
    requireRole(ctx, 'viewer')
    return this.d.repos.remix.variantsOfTag(input.tagId, input.limit).map((v) => this.variantView(v))
  }

  /** A preview file by its name (`<template>-<seed>.mp4`, as `preview` made it), for the console's player. */
  previewFile(name: string): string | null {
    if (!/^\d+-\d+\.mp4$/.test(name)) return null
    const path = join(this.d.storage.abs('media/variants'), 'preview', name)
    return existsSync(path) ? path : null
  }

  /** Checks a template a tag is given (tags call this). */
  assertTemplate(id: number): TemplateRecord {
    return this.mustFind(id)
  }

  private mustFind(id: number): TemplateRecord {
    const t = this.d.repos.remix.template(id)
    if (!t) throw new HubError('not-found', `no remix template with id ${id}`)
    return t
  }

  private view(t: TemplateRecord): Template {
    return {
      id: t.id,
      name: t.name,
      clips: t.clips.map((c) => ({
        ...c,
        title: this.d.repos.videos.findById(c.videoId)?.title ?? `#${c.videoId}`,
      })),
      rules: t.rules,
      baseVideoId: baseVideoOf(t),
      tagIds: this.d.repos.remix.tagsUsingTemplate(t.id),
      createdAt: new Date(t.createdAt).toISOString(),
      updatedAt: new Date(t.updatedAt).toISOString(),
    }
  }

  private musicView(m: MusicRecord): Music {
    return {
      id: m.id,
      title: m.title,
      durationMs: m.durationMs,
      sourceLufs: m.sourceLufs,
      createdAt: new Date(m.createdAt).toISOString(),
    }
  }

  private variantView(v: VariantRecord): Variant {
    const onDisk = v.path ? this.d.storage.abs(v.path) : null
    return {
      id: v.id,
      templateId: v.templateId,
      tagId: v.tagId,
      seed: v.seed,
      status: onDisk && !existsSync(onDisk) ? 'deleted' : v.status,
      clips: v.clips,
      durationMs: v.durationMs,
      sizeBytes: onDisk && existsSync(onDisk) ? statSync(onDisk).size : v.sizeBytes,
      uses: v.uses,
      error: v.error,
      createdAt: new Date(v.createdAt).toISOString(),
      readyAt: iso(v.readyAt),
      usedAt: iso(v.usedAt),
    }
  }
}

import type { Logger } from 'pino'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import type { CaptionRecord } from '../../db/repos/captions'
import type { Caption } from '../../../shared/contract/captions'
import type { Language } from '../../../shared/languages'
import type { CaptionStrategy } from '../../../shared/contract/publish'
import type { CaptionContent } from '../../../shared/captions/rules'
import { fillCaption, type FilledCaption } from '../../../shared/captions/render'
import { captionDate, variablesUsed } from '../../../shared/captions/variables'
import { actorUserId, requireRole, type CallContext } from '../auth/actor'
import type { AuditService } from '../audit/service'
import type { EventBus } from '../events/bus'
import { HubError, refusal } from '../errors'
import { pickCaption } from './draw'
import { CaptionLibrary, type HeldCaption, type TagDrawInfo } from './library'
import { hubText } from '../../../shared/contract/texts'

/** Captions one video or one tag may have (a tag draws from its set on every tap). */
export const MAX_CAPTIONS_PER_OWNER = 100

/** A caption for one tap: its id (to record on the transfer) and its parts with the variables filled. */
export interface DrawnCaption extends FilledCaption {
  captionId: number
}

/**
 * When a draw happens (default: now). `{日期}` is always in the hub's language, on every page and in every link, as
 * the caption is the store's text: there is no per-phone language here.
 */
export interface DrawContext {
  now?: number
}

export interface CaptionsDeps {
  repos: Repos
  audit: AuditService
  events: EventBus
  logger: Logger
  /** The store's name for `{门店}` (Settings → Publishing), and the hub's language for `{日期}`. */
  storeName: () => string | null
  /**
   * Whether `{门店}` needs this hub's store name (not at headquarters: each store fills in its own). Default yes.
   */
  fillsStoreName?: () => boolean
  language: () => Language
  now?: () => number
  random?: () => number
  /** How often uses counted on the tap path are saved (default 2 s). */
  saveEveryMs?: number
}

/**
 * The caption library: staff write captions for a video, a tag, or a tag with one of its videos; viewers read them.
 * Each tap draws one (`drawFor`) from memory by the tag's strategy, without touching SQLite.
 */
export class CaptionsService {
  private readonly now: () => number
  private readonly library: CaptionLibrary

  constructor(private readonly d: CaptionsDeps) {
    this.now = d.now ?? Date.now
    this.library = new CaptionLibrary({
      repos: d.repos,
      logger: d.logger,
      random: d.random ?? Math.random,
      saveEveryMs: d.saveEveryMs ?? 2000,
    })
  }

  start(): void {
    this.library.start()
  }

  /** Saves the uses not saved yet (before the database closes). */
  stop(): void {
    this.library.stop()
  }

  /** A tag or video changed (its label, strategy, or captions that went with it): read again at the next tap. */
  invalidate(): void {
    this.library.invalidate()
  }

  // ── the tap path ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * The caption a tap of `tagId` delivering `videoId` gets, by the tag's strategy, from the tag's captions (else
   * the video's), with `{门店}`, `{日期}` and `{标签位置}` filled; null when there is none. Counts a use (in
   * memory; saved in batches). Call it once per new transfer, after the tap was accepted.
   */
  drawFor(tagId: number, videoId: number | null, context: DrawContext = {}): DrawnCaption | null {
    const tag = this.library.tag(tagId)
    if (!tag) return null
    const set = this.library.setFor(tagId, videoId)
    // Without a store name, a caption that names {门店} would reach the customer as "在的3号桌…" (one from
    // headquarters at a store that has not set its name): the others are drawn from, or none.
    const list = this.d.storeName() ? set.list : set.list.filter((x) => !namesStore(x.record))
    const pick = pickCaption(tag.captionStrategy, list, set.memory)
    if (!pick) return null
    const c = list[pick.index]!
    set.memory.cursor = pick.cursor
    set.memory.previous = c.id
    const now = context.now ?? this.now()
    this.library.used(c, now)
    return this.filled(c, tag, now)
  }

  /**
   * The caption a transfer already got, again (a re-tap or a reload of the page shows the same words), without
   * counting a use; null when it was deleted since.
   */
  shown(captionId: number, tagId: number, context: DrawContext = {}): DrawnCaption | null {
    const c = this.library.caption(captionId)
    const tag = this.library.tag(tagId)
    if (!c || !tag) return null
    return this.filled(c, tag, context.now ?? this.now())
  }

  /**
   * The caption the next tap would show, for the console's preview of a tag's page with its unsaved settings: from
   * the tag's captions (else the video's; a tag not saved yet has only the video's) by `strategy`, filled in for
   * `label`. Counts no use and moves no turn. `random` shows the one the draw would give for 0, so the preview
   * stays put while the form changes.
   */
  sample(
    q: { tagId: number | null; videoId: number | null; label: string; strategy: CaptionStrategy },
    context: DrawContext = {},
  ): DrawnCaption | null {
    const set =
      q.tagId !== null && this.library.tag(q.tagId)
        ? this.library.setFor(q.tagId, q.videoId)
        : { list: q.videoId === null ? [] : this.library.ofVideoOnly(q.videoId), memory: null }
    const memory = {
      cursor: set.memory?.cursor ?? null,
      previous: set.memory?.previous ?? null,
      random: () => 0,
    }
    const pick = pickCaption(q.strategy, set.list, memory)
    if (!pick) return null
    const tag = { label: q.label, captionStrategy: q.strategy }
    return this.filled(set.list[pick.index]!, tag, context.now ?? this.now())
  }

  private filled(c: HeldCaption, tag: TagDrawInfo, now: number): DrawnCaption {
    const r = c.record
    return {
      captionId: c.id,
      ...fillCaption(r, {
        store: this.d.storeName() ?? '',
        date: captionDate(now, this.d.language()),
        placement: tag.label,
      }),
    }
  }

  // ── the console and the CLI ────────────────────────────────────────────────────────────────────────────

  list(ctx: CallContext, filter: { videoId?: number; tagId?: number }): Caption[] {
    requireRole(ctx, 'viewer')
    return this.d.repos.captions.list(filter).map((r) => this.view(r))
  }

  create(
    ctx: CallContext,
    input: CaptionContent & { videoId: number | null; tagId: number | null },
  ): Caption {
    requireRole(ctx, 'staff')
    this.assertOwner(input.videoId, input.tagId)
    this.assertNotChain(input.videoId, input.tagId)
    this.assertStoreNamed(input)
    const id = inWriteTransaction(this.d.repos.db, () => {
      if (this.d.repos.captions.countFor(input.videoId, input.tagId) >= MAX_CAPTIONS_PER_OWNER)
        throw refusal('conflict', hubText('captionsMax', { max: MAX_CAPTIONS_PER_OWNER }))
      const captionId = this.d.repos.captions.insert({
        ...input,
        createdBy: actorUserId(ctx.actor),
        now: this.now(),
      })
      this.d.audit.record(ctx, 'caption.create', `caption:${captionId}`, {
        videoId: input.videoId,
        tagId: input.tagId,
        text: input.text,
      })
      return captionId
    })
    this.d.logger.info({ captionId: id, videoId: input.videoId, tagId: input.tagId }, 'caption created')
    this.changed()
    return this.view(this.mustFind(id))
  }

  update(ctx: CallContext, input: CaptionContent & { id: number }): Caption {
    requireRole(ctx, 'staff')
    const before = this.mustFind(input.id)
    this.assertNotChain(before.videoId, before.tagId)
    this.assertStoreNamed(input)
    inWriteTransaction(this.d.repos.db, () => {
      this.d.repos.captions.update({ ...input, now: this.now() })
      this.d.audit.record(ctx, 'caption.update', `caption:${before.id}`, {
        from: before.text,
        to: input.text,
        hashtags: input.hashtags,
        mentions: input.mentions,
        poi: input.poi,
      })
    })
    this.changed()
    return this.view(this.mustFind(before.id))
  }

  /**
   * A caption naming `{门店}` while the store has no name would reach customers as "在的3号桌拍到了…" and be
   * posted so: refused until the store is named (Settings → Publishing).
   */
  private assertStoreNamed(c: CaptionContent): void {
    if (this.d.storeName() || !(this.d.fillsStoreName?.() ?? true)) return
    if (namesStore(c)) throw refusal('conflict', hubText('captionNeedsStoreName'))
  }

  /** Whether a caption of this hub fills in the store's name (then the name must not be emptied). */
  storeNameInUse(): boolean {
    return (this.d.fillsStoreName?.() ?? true) && this.d.repos.captions.list().some(namesStore)
  }

  delete(ctx: CallContext, id: number): void {
    requireRole(ctx, 'staff')
    const c = this.mustFind(id)
    this.assertNotChain(c.videoId, c.tagId)
    inWriteTransaction(this.d.repos.db, () => {
      this.d.repos.captions.delete(c.id)
      this.d.audit.record(ctx, 'caption.delete', `caption:${c.id}`, {
        videoId: c.videoId,
        tagId: c.tagId,
        text: c.text,
      })
    })
    this.changed()
  }

  private changed(): void {
    this.library.invalidate()
    this.d.events.emit({ type: 'captions-changed' })
  }

  /** A chain video's own captions are headquarters' (a store adds its own on its tags). */
  private assertNotChain(videoId: number | null, tagId: number | null): void {
    if (videoId === null || tagId !== null) return
    if (this.d.repos.videos.findById(videoId)?.origin === 'chain')
      throw new HubError(
        'chain-read-only',
        'this video came from headquarters: its captions are edited there (add captions for it on a tag instead)',
      )
  }

  private assertOwner(videoId: number | null, tagId: number | null): void {
    if (videoId !== null && !this.d.repos.videos.findById(videoId))
      throw new HubError('video-not-found', `no video with id ${videoId}`)
    if (tagId === null) return
    const tag = this.d.repos.tags.findById(tagId)
    if (!tag) throw new HubError('not-found', `no tag with id ${tagId}`)
    if (videoId !== null && !tag.videoIds.includes(videoId))
      throw refusal('conflict', hubText('tagNotVideo', { tagId, videoId }))
  }

  private mustFind(id: number): CaptionRecord {
    const c = this.d.repos.captions.findById(id)
    if (!c) throw new HubError('not-found', `no caption with id ${id}`)
    return c
  }

  /** A caption as the API shows it, its uses including those counted since the last save. */
  private view(r: CaptionRecord): Caption {
    const u = this.library.unsaved(r.id)
    const lastUsedAt = u ? Math.max(u.lastUsedAt, r.lastUsedAt ?? 0) : r.lastUsedAt
    return {
      id: r.id,
      videoId: r.videoId,
      tagId: r.tagId,
      text: r.text,
      hashtags: r.hashtags,
      mentions: r.mentions,
      poi: r.poi,
      uses: r.uses + (u?.uses ?? 0),
      lastUsedAt: lastUsedAt === null ? null : new Date(lastUsedAt).toISOString(),
      createdAt: new Date(r.createdAt).toISOString(),
      updatedAt: new Date(r.updatedAt).toISOString(),
    }
  }
}

/** Whether a caption names `{门店}` (in its text, hashtags, mentions or location). */
function namesStore(c: CaptionContent): boolean {
  return [c.text, ...c.hashtags, ...c.mentions, c.poi ?? ''].some((p) => variablesUsed(p).has('store'))
}

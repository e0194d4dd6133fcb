import type { Logger } from 'pino'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import type { TagRecord } from '../../db/repos/tags'
import type { Strategy, Tag, Tier } from '../../../shared/contract/tags'
import {
  DEFAULT_CAPTION_STRATEGY,
  DEFAULT_TAG_PLATFORMS,
  type CaptionStrategy,
  type Platform,
} from '../../../shared/contract/publish'
import type { StoreAction } from '../../../shared/contract/store-actions'
import { actorUserId, requireRole, type CallContext } from '../auth/actor'
import type { AuditService } from '../audit/service'
import type { EventBus } from '../events/bus'
import { HubError } from '../errors'
import { lanAddresses, originFor } from '../network/addresses'
import { TAG_CODE, newTagCode, tagUrl } from './codes'
import { startOfDay } from '../time/days'
import { baseVideoOf } from '../remix/inputs'

export interface TagsDeps {
  repos: Repos
  audit: AuditService
  events: EventBus
  logger: Logger
  /** The base URL new tags get (Settings). */
  publicUrl: () => string
  /** Origins phones can reach this hub at right now (for the "issued for another address" warning). */
  reachableOrigins: () => Set<string>
  /** At a chain store: the videos HQ's campaign plays on a tag of this label today, else null (the chain's sync). */
  campaignFor?: (tag: { label: string }, now: number) => { videoIds: number[] } | null
  now?: () => number
}

/** Tags and what they deliver. Staff create and edit them (they place them in the store); admins may delete. */
export class TagsService {
  private readonly now: () => number
  private readonly listeners = new Set<() => void>()

  constructor(private readonly d: TagsDeps) {
    this.now = d.now ?? Date.now
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private changed(deletedId?: number): void {
    for (const l of this.listeners) l()
    this.d.events.emit(
      deletedId === undefined ? { type: 'tags-changed' } : { type: 'tags-changed', deletedId },
    )
  }

  list(ctx: CallContext): Tag[] {
    requireRole(ctx, 'viewer')
    const stats = this.d.repos.delivery.tagTapStats(startOfDay(this.now()))
    const titles = this.videoTitles()
    const reachable = this.d.reachableOrigins()
    const captions = this.d.repos.captions.countPerTag()
    return this.d.repos.tags.list().map((t) => this.toTag(t, titles, reachable, stats, captions))
  }

  get(ctx: CallContext, id: number): Tag {
    requireRole(ctx, 'viewer')
    return this.view(this.mustFind(id))
  }

  create(
    ctx: CallContext,
    input: {
      videoIds?: number[]
      templateId?: number | null
      strategy?: Strategy
      label: string
      tier: Tier
      dailyCap: number | null
      platforms?: Platform[]
      captionStrategy?: CaptionStrategy
      storeActions?: StoreAction[]
    },
  ): Tag {
    requireRole(ctx, 'staff')
    const templateId = input.templateId ?? null
    const videoIds = input.videoIds ?? (templateId === null ? null : [this.templateBase(templateId)])
    if (!videoIds) throw new HubError('bad-request', 'a tag delivers videos or a remix template: give one')
    if (templateId !== null) this.templateBase(templateId)
    this.assertVideos(videoIds)
    const strategy = input.strategy ?? (videoIds.length > 1 ? 'rotate' : 'fixed')
    const id = inWriteTransaction(this.d.repos.db, () => {
      // 72 random bits make a clash practically impossible; the unique index would catch one anyway.
      let code = newTagCode()
      while (this.d.repos.tags.findByCode(code)) code = newTagCode()
      const tagId = this.d.repos.tags.insert({
        code,
        label: input.label,
        tier: input.tier,
        strategy,
        dailyCap: input.dailyCap,
        baseUrl: this.d.publicUrl(),
        platforms: input.platforms ?? DEFAULT_TAG_PLATFORMS,
        captionStrategy: input.captionStrategy ?? DEFAULT_CAPTION_STRATEGY,
        storeActions: input.storeActions ?? [],
        templateId,
        createdBy: actorUserId(ctx.actor),
        now: this.now(),
      })
      this.d.repos.tags.setVideos(tagId, videoIds)
      this.d.audit.record(ctx, 'tag.create', `tag:${tagId}`, {
        code,
        label: input.label,
        videos: videoIds,
        ...(templateId !== null ? { templateId } : {}),
        tier: input.tier,
        ...(input.platforms ? { platforms: input.platforms } : {}),
        ...(input.captionStrategy ? { captionStrategy: input.captionStrategy } : {}),
        ...(input.storeActions ? { storeActions: input.storeActions } : {}),
      })
      return tagId
    })
    this.d.logger.info({ tagId: id }, 'tag created')
    this.changed()
    return this.view(this.mustFind(id))
  }

  update(
    ctx: CallContext,
    input: {
      id: number
      videoIds?: number[]
      strategy?: Strategy
      label?: string
      tier?: Tier
      enabled?: boolean
      dailyCap?: number | null
      platforms?: Platform[]
      captionStrategy?: CaptionStrategy
      storeActions?: StoreAction[]
      templateId?: number | null
    },
  ): Tag {
    requireRole(ctx, 'staff')
    const t = this.mustFind(input.id)
    // A new template brings its base video (what a dry pool falls back to) unless videos are given too.
    const videoIds =
      input.videoIds ??
      (input.templateId !== undefined && input.templateId !== null
        ? [this.templateBase(input.templateId)]
        : undefined)
    if (videoIds) this.assertVideos(videoIds)
    inWriteTransaction(this.d.repos.db, () => {
      this.d.repos.tags.update({
        id: t.id,
        label: input.label ?? t.label,
        tier: input.tier ?? t.tier,
        enabled: input.enabled ?? t.enabled,
        strategy: input.strategy ?? t.strategy,
        dailyCap: input.dailyCap === undefined ? t.dailyCap : input.dailyCap,
        platforms: input.platforms ?? t.platforms,
        captionStrategy: input.captionStrategy ?? t.captionStrategy,
        storeActions: input.storeActions ?? t.storeActions,
        templateId: input.templateId === undefined ? t.templateId : input.templateId,
        now: this.now(),
      })
      // Rebinding changes nothing on the tag itself: the binding lives here.
      if (videoIds) this.d.repos.tags.setVideos(t.id, videoIds)
      const { id: _id, ...changes } = input
      this.d.audit.record(ctx, 'tag.update', `tag:${t.id}`, { code: t.code, ...changes })
    })
    this.changed()
    return this.view(this.mustFind(t.id))
  }

  delete(ctx: CallContext, id: number): void {
    requireRole(ctx, 'admin')
    const t = this.mustFind(id)
    inWriteTransaction(this.d.repos.db, () => {
      this.d.repos.tags.delete(t.id)
      this.d.audit.record(ctx, 'tag.delete', `tag:${t.id}`, { code: t.code, label: t.label })
    })
    this.changed(t.id)
  }

  /** A code no tag has yet (for a tag being programmed: its record is only written once the chip is verified). */
  freshCode(): string {
    let code = newTagCode()
    while (this.d.repos.tags.findByCode(code)) code = newTagCode()
    return code
  }

  /** The URL a new tag gets now. */
  newTagUrl(code: string): string {
    return tagUrl(this.d.publicUrl(), code)
  }

  find(id: number): TagRecord {
    return this.mustFind(id)
  }

  /** Checks a pool of videos before anything is written to a chip. */
  checkVideos(ids: number[]): void {
    this.assertVideos(ids)
  }

  /**
   * What a URL read from a chip is to this hub: one of its tags, its address with a code it does not know (a deleted
   * tag, or a write that was cut before it was recorded), or someone else's.
   */
  identifyUrl(url: string): { kind: 'known'; tag: TagRecord } | { kind: 'this-hub' } | { kind: 'foreign' } {
    const m = /^(https?:\/\/[^/]+)\/t\/([^/?#]+)$/.exec(url)
    if (!m) return { kind: 'foreign' }
    const [, origin, code] = m as unknown as [string, string, string]
    const t = TAG_CODE.test(code) ? this.d.repos.tags.findByCode(code) : null
    if (t && t.baseUrl === origin) return { kind: 'known', tag: t }
    const ours = this.d.reachableOrigins()
    for (const b of this.d.repos.tags.baseUrls()) ours.add(b.baseUrl)
    return ours.has(origin) ? { kind: 'this-hub' } : { kind: 'foreign' }
  }

  findByUid(uid: string): TagRecord | null {
    return this.d.repos.tags.findByUid(uid)
  }

  /**
   * Records a verified chip: a new tag record (with the code written on it) or an existing one, the chip's UID and
   * model, who and when, in one transaction with its audit entry.
   */
  recordProgrammed(
    ctx: CallContext,
    p: {
      tagId?: number
      create?: {
        code: string
        videoIds: number[]
        strategy?: Strategy
        label: string
        tier: Tier
        dailyCap: number | null
      }
      uid: string | null
      chip: string
      url: string
      password: boolean
      locked: boolean
      reader: string
    },
  ): Tag {
    requireRole(ctx, 'staff')
    const now = this.now()
    const id = inWriteTransaction(this.d.repos.db, () => {
      let tagId = p.tagId
      if (p.create) {
        const c = p.create
        tagId = this.d.repos.tags.insert({
          code: c.code,
          label: c.label,
          tier: c.tier,
          strategy: c.strategy ?? (c.videoIds.length > 1 ? 'rotate' : 'fixed'),
          dailyCap: c.dailyCap,
          baseUrl: p.url.slice(0, p.url.lastIndexOf('/t/')),
          platforms: DEFAULT_TAG_PLATFORMS,
          captionStrategy: DEFAULT_CAPTION_STRATEGY,
          storeActions: [],
          createdBy: actorUserId(ctx.actor),
          now,
        })
        this.d.repos.tags.setVideos(tagId, c.videoIds)
        this.d.audit.record(ctx, 'tag.create', `tag:${tagId}`, {
          code: c.code,
          label: c.label,
          videos: c.videoIds,
          tier: c.tier,
        })
      }
      this.d.repos.tags.setHardware({
        id: tagId!,
        uid: p.uid,
        chip: p.chip,
        at: now,
        by: actorUserId(ctx.actor),
      })
      this.d.audit.record(ctx, 'tag.program', `tag:${tagId}`, {
        uid: p.uid,
        chip: p.chip,
        url: p.url,
        reader: p.reader,
        password: p.password,
        locked: p.locked,
      })
      return tagId!
    })
    this.d.logger.info({ tagId: id, uid: p.uid, chip: p.chip }, 'tag programmed')
    this.changed()
    return this.view(this.mustFind(id))
  }

  view(t: TagRecord): Tag {
    return this.toTag(
      t,
      this.videoTitles(),
      this.d.reachableOrigins(),
      this.d.repos.delivery.tagTapStats(startOfDay(this.now())),
      new Map([[t.id, this.d.repos.captions.countOfTag(t.id)]]),
    )
  }

  /** A remix template's base video; not-found for no such template. */
  private templateBase(templateId: number): number {
    const t = this.d.repos.remix.template(templateId)
    if (!t) throw new HubError('not-found', `no remix template with id ${templateId}`)
    return baseVideoOf(t)
  }

  private assertVideos(ids: number[]): void {
    for (const id of ids)
      if (!this.d.repos.videos.findById(id)) throw new HubError('video-not-found', `no video with id ${id}`)
  }

  private mustFind(id: number): TagRecord {
    const t = this.d.repos.tags.findById(id)
    if (!t) throw new HubError('not-found', `no tag with id ${id}`)
    return t
  }

  private videoTitles(): Map<number, { title: string; status: string }> {
    return new Map(this.d.repos.videos.list().map((v) => [v.id, { title: v.title, status: v.status }]))
  }

  toTag(
    t: TagRecord,
    titles: Map<number, { title: string; status: string }>,
    reachable: Set<string>,
    stats: Map<number, { taps: number; lastTap: number | null }>,
    captions: Map<number, number>,
  ): Tag {
    const s = stats.get(t.id)
    return {
      id: t.id,
      code: t.code,
      url: tagUrl(t.baseUrl, t.code),
      label: t.label,
      tier: t.tier,
      enabled: t.enabled,
      strategy: t.strategy,
      dailyCap: t.dailyCap,
      videos: t.videoIds.map((id) => ({
        id,
        title: titles.get(id)?.title ?? `#${id}`,
        status: titles.get(id)?.status ?? 'missing',
      })),
      baseUrl: t.baseUrl,
      baseUrlReachable: reachable.has(t.baseUrl),
      uid: t.uid,
      chip: t.chip,
      programmedAt: t.programmedAt ? new Date(t.programmedAt).toISOString() : null,
      createdAt: new Date(t.createdAt).toISOString(),
      tapsToday: s?.taps ?? 0,
      lastTapAt: s?.lastTap ? new Date(s.lastTap).toISOString() : null,
      platforms: t.platforms,
      captionStrategy: t.captionStrategy,
      captionCount: captions.get(t.id) ?? 0,
      storeActions: t.storeActions,
      templateId: t.templateId,
      chainCampaign: this.campaign(t, titles),
    }
  }

  private campaign(t: TagRecord, titles: Map<number, { title: string }>): Tag['chainCampaign'] {
    const pool = this.d.campaignFor?.(t, this.now()) ?? null
    return pool
      ? { videos: pool.videoIds.map((id) => ({ id, title: titles.get(id)?.title ?? `#${id}` })) }
      : null
  }

  /** How many tags were issued for each base URL, and whether phones can still reach it. */
  baseUrlReport(): Array<{ baseUrl: string; tags: number; reachable: boolean }> {
    const reachable = this.d.reachableOrigins()
    return this.d.repos.tags
      .baseUrls()
      .map((b) => ({ baseUrl: b.baseUrl, tags: b.count, reachable: reachable.has(b.baseUrl) }))
  }
}

/** Every origin a phone could use for this hub now: the configured public URL and each LAN address with the port. */
export function reachableOrigins(
  publicUrl: string,
  scheme: 'http' | 'https',
  lanHost: string,
  port: number | null,
): Set<string> {
  const out = new Set([publicUrl])
  if (port === null) return out
  const hosts = lanHost === '0.0.0.0' || lanHost === '::' ? lanAddresses().map((a) => a.address) : [lanHost]
  for (const h of [...hosts, '127.0.0.1', 'localhost']) out.add(originFor(scheme, h, port))
  return out
}

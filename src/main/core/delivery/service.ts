import type { Logger } from 'pino'
import type { Repos } from '../../db/repos'
import type { TagRecord } from '../../db/repos/tags'
import type { DeliveryStatus, TapOutcome, Transfer, TransferPhase } from '../../../shared/contract/transfers'
import type { Strategy } from '../../../shared/contract/tags'
import { requireRole, type CallContext } from '../auth/actor'
import type { ConfigStore } from '../config/store'
import type { EventBus } from '../events/bus'
import type { VideoStorage } from '../videos/storage'
import { newOrderedToken } from '../auth/tokens'
import { Admission } from './admission'
import { describeDevice, newDeviceId, validDeviceId, type DeviceInfo } from './device'
import { LibraryCache, type CachedVideo } from './library-cache'
import { pickRendition, pickVideo } from './picker'
import { QueueChannel, type QueueListener } from './queue-channel'
import { RateLimiter } from './rate-limit'
import { DeliveryRecords, type LiveTransfer } from './records'
import { ThreadWriter } from './records/thread-writer'
import { directWriter } from './records/writer'
import { TransferViews } from './views'
import { MediaLinks, type MediaResult, type StreamRequest } from './media-links'
import type { DrawContext, DrawnCaption } from '../captions/service'
import type { RemixFallback } from '../../../shared/contract/remix'

export type { LiveTransfer } from './records'
export { downloadName, type MediaResult, type StreamRequest } from './media-links'

export interface TapRequest {
  code: string
  deviceId: string | null
  ip: string | null
  userAgent: string | undefined
}

/**
 * What delivery needs of the remix pools (core/remix/pool.ts): a variant for a tap of a remix tag, answered from
 * memory; the file a variant transfer names.
 */
export interface VariantSource {
  take(tag: TagRecord): {
    variantId: number
    seed: number
    sizeBytes: number
    fallback: RemixFallback | null
  } | null
  file(variantId: number): { path: string; sizeBytes: number } | null
}

/** What delivery needs of the caption library: one caption drawn per new transfer, shown again on a re-tap. */
export interface CaptionSource {
  drawFor(tagId: number, videoId: number | null, context: DrawContext): DrawnCaption | null
  shown(captionId: number, tagId: number, context: DrawContext): DrawnCaption | null
}

export type TapResult =
  | {
      kind: 'deliver'
      deviceId: string
      newDevice: boolean
      transfer: LiveTransfer
      videoTitle: string
      position: number
      device: DeviceInfo
      outcome: TapOutcome
      /** The caption drawn for this transfer (the same one again on a re-tap), if the tag or video has any. */
      caption: DrawnCaption | null
      /** The tag as the tap path holds it (its publish buttons and store actions draw the page). */
      tag: TagRecord
    }
  | {
      kind: 'refused'
      status: number
      reason: TapOutcome
      deviceId: string
      newDevice: boolean
      device: DeviceInfo
      retryAfterSeconds?: number
    }

/**
 * A transfer's media link: 18 bytes, a 48-bit millisecond time stamp then 96 random bits (24 URL-safe characters;
 * time first so new rows append to SQLite's unique index: docs/decisions.md).
 */
export const MEDIA_TOKEN_BYTES = 18

/** A download slot nobody has used for this long goes to the next phone in line. */
const IDLE_SLOT_MS = 30_000

export interface DeliveryDeps {
  repos: Repos
  config: ConfigStore
  events: EventBus
  storage: VideoStorage
  logger: Logger
  now?: () => number
  random?: () => number
  /** Told of every transfer that fails (notifications count them), without building an event for it. */
  onFailed?: () => void
  /** Told of every tap turned away by a quota or a tag's daily cap (notifications count them too). */
  onQuotaRefused?: () => void
  /** Taps and transfers are written by a thread of their own (default, for a database file); false: inline. */
  writerThread?: boolean
  /** The caption library (none: pages carry no caption). */
  captions?: CaptionSource
  /** The remix pools (none: remix tags deliver their base video). */
  variants?: VariantSource
  /** Phones the in-memory counts hold at most (tests make it small; see records/counts.ts). */
  recordsMaxKeys?: number
  /** The chain's campaign bindings (a store): what a tag plays today instead of its own videos, if anything. */
  bindings?: BindingSource
}

/** What delivery needs of the chain's bindings: the videos a tag plays now when a campaign names its label. */
export interface BindingSource {
  poolFor(tag: { label: string }, now: number): { videoIds: number[]; strategy: Strategy } | null
}

/** What a new transfer delivers: a video's rendition, or a remix variant (with its seed) shown under its base video. */
interface Choice {
  videoId: number
  rendition: Pick<CachedVideo['renditions'][number], 'label' | 'sizeBytes'>
  remix: { variantId: number | null; seed: number | null; fallback: RemixFallback | null } | null
}

/** One tap on its way through the steps of `tap()`. */
interface Tap {
  req: TapRequest
  now: number
  device: DeviceInfo
  deviceId: string
  newDevice: boolean
}

/**
 * Everything that happens between a phone tapping a tag and the last byte of its video: rate limit, quota, the
 * choice of video and rendition, the transfer record, admission to download, byte accounting, live events.
 */
export class DeliveryService {
  private readonly now: () => number
  readonly records: DeliveryRecords
  readonly admission: Admission
  private readonly limiter: RateLimiter
  private readonly library: LibraryCache
  private readonly queue: QueueChannel
  private readonly views: TransferViews
  private readonly links: MediaLinks

  constructor(private readonly d: DeliveryDeps) {
    this.now = d.now ?? Date.now
    this.records = new DeliveryRecords({
      repo: d.repos.delivery,
      logger: d.logger,
      now: this.now,
      onChange: (t, phase) => this.transferChanged(t, phase),
      linkMs: () => d.config.values.transferTtlHours * 3_600_000,
      ...(d.recordsMaxKeys ? { maxKeys: d.recordsMaxKeys } : {}),
    })
    this.admission = new Admission(
      {
        maxStreams: () => d.config.values.maxStreams,
        maxWaitMs: () => d.config.values.queueMaxWaitSeconds * 1000,
        idleMs: IDLE_SLOT_MS,
        now: this.now,
      },
      {
        admitted: (id) => {
          const t = this.records.byId(id)
          if (t && t.record.status === 'queued') this.records.setStatus(t, 'pending', null, 'admitted')
          this.queue.notify(id)
        },
        expired: (id) => {
          const t = this.records.byId(id)
          if (t && t.record.status === 'queued')
            this.records.setStatus(t, 'expired', 'waited too long in line')
          this.queue.notify(id)
        },
        idle: (id) => {
          const t = this.records.byId(id)
          // Not finished and nobody downloading: the phone went away. It can resume later (and queue again).
          if (
            t &&
            (t.record.status === 'active' || t.record.status === 'pending') &&
            t.record.bytesSent < t.record.bytesTotal
          )
            this.records.setStatus(t, 'aborted', 'no download for 30 s')
        },
        changed: () => this.queue.changed(),
      },
    )
    this.limiter = new RateLimiter(() => d.config.values.tapRateLimitPerMinute, this.now)
    this.library = new LibraryCache(d.repos)
    this.queue = new QueueChannel({
      records: this.records,
      admission: this.admission,
      events: d.events,
      now: this.now,
      admit: (t) => this.admit(t),
    })
    this.views = new TransferViews({
      records: this.records,
      admission: this.admission,
      library: this.library,
      now: this.now,
    })
    this.links = new MediaLinks({
      records: this.records,
      admission: this.admission,
      library: this.library,
      storage: d.storage,
      config: d.config,
      now: this.now,
      admit: (t) => this.admit(t),
      variantFile: (id) => d.variants?.file(id) ?? null,
    })
  }

  start(): void {
    const repos = this.d.repos
    repos.delivery.dropWriterMarks()
    const inline = directWriter(repos.delivery)
    this.records.start(
      this.d.writerThread === false || repos.db.memory
        ? inline
        : new ThreadWriter(repos.db.name, inline, this.d.logger),
    )
    this.admission.start()
  }

  /** Everything recorded is written; resolves once the writer thread has let go of the database. */
  stop(): Promise<void> {
    this.admission.stop()
    this.queue.stop()
    return this.records.stop()
  }

  /** Tags and videos are cached for the tap path; edits clear the cache. */
  invalidate(): void {
    this.library.invalidate()
  }

  /** A tag was deleted: its counts, cursor and re-tap entries go (a new tag may get its id). */
  forgetTag(tagId: number): void {
    this.records.forgetTag(tagId)
  }

  // ── a tap ──────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * A phone tapped a tag: rate limit, the tag itself, a re-tap that continues the phone's transfer, the phone's
   * quota and the tag's cap, then the video and rendition, and a new transfer with its place in line. Each step
   * either passes or answers the phone; none waits for SQLite.
   */
  tap(req: TapRequest): TapResult {
    const tap = this.identify(req)
    if (req.ip && !this.limiter.take(req.ip)) return this.refuse(tap, null, 429, 'rate-limited', 60)
    const tag = this.library.tag(req.code)
    if (!tag) return this.refuse(tap, null, 404, 'unknown-tag')
    if (!tag.enabled) return this.refuse(tap, tag, 410, 'disabled')
    const again = this.continueRecent(tap, tag)
    if (again) return again
    if (this.overQuota(tap, tag)) return this.refuse(tap, tag, 429, 'quota')
    if (this.overCap(tag)) return this.refuse(tap, tag, 429, 'tag-cap')
    const choice = this.choose(tap, tag)
    if (!choice) return this.refuse(tap, tag, 503, 'not-ready', 30)
    return this.deliver(tap, tag, choice)
  }

  /** Which phone: its device cookie, or a new id for a phone we have not seen (set in the answer). */
  private identify(req: TapRequest): Tap {
    const newDevice = !validDeviceId(req.deviceId)
    return {
      req,
      now: this.now(),
      device: describeDevice(req.userAgent),
      deviceId: newDevice ? newDeviceId() : req.deviceId!,
      newDevice,
    }
  }

  /**
   * The same phone tapping the same tag again soon (or reloading the page) continues its transfer instead of
   * spending quota. A phone without our cookie has no history here.
   */
  private continueRecent(tap: Tap, tag: TagRecord): TapResult | null {
    if (tap.newDevice) return null
    const live = this.records.latestFor(tap.deviceId, tag.id)
    if (!live || tap.now - live.record.createdAt >= this.d.config.values.transferTtlHours * 3_600_000)
      return null
    this.record(tap, tag, 'repeat')
    const position = live.record.status === 'completed' ? 0 : this.admit(live)
    this.emitTap(tap, tag, 'repeat', live.record.id)
    const captionId = live.record.captionId
    return {
      kind: 'deliver',
      deviceId: tap.deviceId,
      newDevice: tap.newDevice,
      device: tap.device,
      transfer: live,
      videoTitle: this.library.title(live.record.videoId) ?? '',
      position,
      outcome: 'repeat',
      caption:
        captionId === null
          ? null
          : (this.d.captions?.shown(captionId, tag.id, this.drawContext(tap)) ?? null),
      tag,
    }
  }

  /** Whether this phone has had its videos for today at this tag's tier (a new phone has had none). */
  private overQuota(tap: Tap, tag: TagRecord): boolean {
    const c = this.d.config.values
    const limit = tag.tier === 'vip' ? c.quotaVip : c.quotaNormal
    return limit > 0 && !tap.newDevice && this.records.usedToday(tap.deviceId, tag.tier) >= limit
  }

  /** Whether the tag has handed out its daily cap. */
  private overCap(tag: TagRecord): boolean {
    return tag.dailyCap !== null && this.records.givenToday(tag.id) >= tag.dailyCap
  }

  /**
   * The video (by the tag's strategy, among its ready ones) and the rendition for this kind of device. A remix tag
   * takes a variant from its pool (memory only); with none at all it gives its base video, marked so. A campaign
   * binding of the chain, on its days, plays its videos instead of the tag's own (and before a remix template).
   */
  private choose(tap: Tap, tag: TagRecord): Choice | null {
    const bound = this.d.bindings?.poolFor(tag, tap.now) ?? null
    if (!bound && tag.templateId !== null && this.d.variants) {
      const v = this.d.variants.take(tag)
      const base = tag.videoIds[0]
      if (v && base !== undefined)
        return {
          videoId: base,
          rendition: { label: this.d.config.values.remixRendition, sizeBytes: v.sizeBytes },
          remix: { variantId: v.variantId, seed: v.seed, fallback: v.fallback },
        }
      const plain = this.chooseVideo(tap, tag, null)
      return plain && { ...plain, remix: { variantId: null, seed: null, fallback: 'base-video' } }
    }
    return this.chooseVideo(tap, tag, bound)
  }

  private chooseVideo(
    tap: Tap,
    tag: TagRecord,
    bound: { videoIds: number[]; strategy: Strategy } | null,
  ): Choice | null {
    const pool = bound?.videoIds ?? tag.videoIds
    const ready = new Set(pool.filter((id) => this.library.video(id)?.ready))
    const cursor = this.records.cursor(tag.id, tag.rotateCursor)
    const pick = pickVideo(bound?.strategy ?? tag.strategy, pool, ready, {
      cursor,
      delivered: () => this.records.deliveredPerVideo(tag.id),
      random: this.d.random ?? Math.random,
    })
    if (pick.videoId === null) return null
    if (pick.cursor !== cursor) this.records.setCursor(tag.id, pick.cursor)
    const c = this.d.config.values
    const target =
      tap.device.type === 'phone'
        ? c.renditionPhone
        : tap.device.type === 'tablet'
          ? c.renditionTablet
          : c.renditionOther
    const rendition = pickRendition(this.library.video(pick.videoId)?.renditions ?? [], target)
    return rendition ? { videoId: pick.videoId, rendition, remix: null } : null
  }

  /**
   * A new transfer for this phone with its place in line for a download slot: placed first, then made in the state
   * that place gives (waiting in line, or admitted), so a flood of taps does not write each transfer twice.
   */
  private deliver(tap: Tap, tag: TagRecord, choice: Choice): TapResult {
    const tapId = this.record(tap, tag, 'delivered')
    // Drawn only for a transfer actually made, so a refused tap never counts as a caption's use.
    const caption = this.d.captions?.drawFor(tag.id, choice.videoId, this.drawContext(tap)) ?? null
    const id = this.records.nextId()
    const position = this.admission.request({
      transferId: id,
      tier: tag.tier,
      bytesTotal: choice.rendition.sizeBytes,
      arrivedAt: tap.now,
    })
    const live = this.records.create(
      {
        id,
        token: newOrderedToken(MEDIA_TOKEN_BYTES),
        tapId,
        tagId: tag.id,
        tagCode: tag.code,
        videoId: choice.videoId,
        rendition: choice.rendition.label,
        deviceId: tap.deviceId,
        tier: tag.tier,
        ip: tap.req.ip,
        userAgent: tap.req.userAgent?.slice(0, 300) ?? null,
        captionId: caption?.captionId ?? null,
        variantId: choice.remix?.variantId ?? null,
        seed: choice.remix?.seed ?? null,
        remixFallback: choice.remix?.fallback ?? null,
        bytesTotal: choice.rendition.sizeBytes,
        bytesSent: 0,
        wireBytes: 0,
        requests: 0,
        coverage: [],
        status: position > 0 ? 'queued' : 'pending',
        error: null,
        createdAt: tap.now,
        admittedAt: position > 0 ? null : tap.now,
        startedAt: null,
        finishedAt: null,
        updatedAt: tap.now,
      },
      tap.newDevice,
    )
    if (position > 0) this.records.step(live, 'queued')
    this.transferChanged(live, 'created')
    const outcome: TapOutcome = position > 0 ? 'queued' : 'delivered'
    this.emitTap(tap, tag, outcome, live.record.id)
    return {
      kind: 'deliver',
      deviceId: tap.deviceId,
      newDevice: tap.newDevice,
      device: tap.device,
      transfer: live,
      videoTitle: this.library.title(choice.videoId) ?? '',
      position,
      outcome,
      caption,
      tag,
    }
  }

  private drawContext(tap: Tap): DrawContext {
    return { now: tap.now }
  }

  private refuse(
    tap: Tap,
    tag: TagRecord | null,
    status: number,
    reason: TapOutcome,
    retryAfterSeconds?: number,
  ): TapResult {
    // A flood from one address is not written to the database tap by tap.
    if (reason !== 'rate-limited') this.record(tap, tag, reason)
    if (reason === 'quota' || reason === 'tag-cap') this.d.onQuotaRefused?.()
    this.emitTap(tap, tag, reason, null)
    return {
      kind: 'refused',
      status,
      reason,
      deviceId: tap.deviceId,
      newDevice: tap.newDevice,
      device: tap.device,
      retryAfterSeconds,
    }
  }

  /** The tap itself, whatever came of it (written with the next batch); returns its id. */
  private record(tap: Tap, tag: TagRecord | null, outcome: TapOutcome): number {
    return this.records.addTap({
      tagId: tag?.id ?? null,
      tagCode: tap.req.code.slice(0, 32),
      deviceId: tap.deviceId,
      ip: tap.req.ip,
      userAgent: tap.req.userAgent?.slice(0, 300) ?? null,
      at: tap.now,
      outcome,
    })
  }

  /** Asks for a download slot; 0 = go ahead, N = place in line. */
  private admit(t: LiveTransfer): number {
    const position = this.admission.request({
      transferId: t.record.id,
      tier: t.record.tier,
      bytesTotal: t.record.bytesTotal,
      arrivedAt: this.now(),
    })
    if (position > 0 && t.record.status !== 'queued') this.records.setStatus(t, 'queued', null)
    else if (position === 0 && (t.record.status === 'queued' || t.record.status === 'aborted'))
      this.records.setStatus(t, 'pending', null, 'admitted')
    else if (position === 0 && !t.record.admittedAt) t.record.admittedAt = this.now()
    return position
  }

  // ── media (media-links.ts) ──────────────────────────────────────────────────────────────────────────────

  /** The transfer a media token names while its link works (the publish hand-off signs for it), or null. */
  liveTransferId(token: string): number | null {
    return this.links.liveTransferId(token)
  }

  /**
   * The transfer a live media token names and its tag as the tap path holds them (the phone page's later requests:
   * funnel beacons, the Douyin hand-off, a coupon), or null for a bad, unknown or expired token.
   */
  pageTransfer(token: string): { transfer: LiveTransfer; tag: TagRecord | null } | null {
    const t = this.links.liveTransfer(token)
    return t ? { transfer: t, tag: this.library.tag(t.record.tagCode) } : null
  }

  /** Finds what a media URL points at. The token is the only key: the library cannot be walked from the LAN. */
  media(token: string, kind: 'video' | 'poster'): MediaResult {
    return this.links.media(token, kind)
  }

  /** A response of media bytes begins / sends / ends: accounting and the download slot follow it. */
  streamStarted(t: LiveTransfer, at?: number, start?: number): void {
    this.links.streamStarted(t, at, start)
  }

  sent(t: LiveTransfer, offset: number, length: number): void {
    this.links.sent(t, offset, length)
  }

  streamEnded(
    t: LiveTransfer,
    cut: boolean,
    request?: StreamRequest,
    unconfirmed?: { from: number; to: number },
  ): void {
    this.links.streamEnded(t, cut, request, unconfirmed)
  }

  streamFailed(t: LiveTransfer, reason: string, request?: StreamRequest): void {
    this.links.streamFailed(t, reason, request)
  }

  /** Live place in line for the page of a waiting phone (its queue channel). */
  watch(token: string, listener: QueueListener): (() => void) | null | 'full' {
    return this.queue.watch(token, listener)
  }

  // ── admin views ────────────────────────────────────────────────────────────────────────────────────────

  status(ctx?: CallContext): DeliveryStatus {
    if (ctx) requireRole(ctx, 'viewer')
    return this.queue.status()
  }

  list(ctx: CallContext, q: { since?: string; limit: number }): Transfer[] {
    requireRole(ctx, 'viewer')
    this.records.flush()
    const since = q.since ? Date.parse(q.since) : 0
    return this.d.repos.delivery.listSince(since, q.limit).map((r) => this.views.view(r))
  }

  /** Writes what is held now, so reads of SQLite see every tap and byte so far. */
  flush(): void {
    this.records.flush()
  }

  /** Transfers a monitor shows as live: waiting, streaming, or ended in the last two minutes (newest first, ≤ 200). */
  liveTransfers(): Transfer[] {
    return this.views.live()
  }

  /** A transfer as the console shows it, from memory when live (fresher than SQLite), else from its row. */
  view(r: LiveTransfer['record']): Transfer {
    return this.views.view(r)
  }

  private transferChanged(t: LiveTransfer, phase: TransferPhase): void {
    const finished = phase === 'completed' || phase === 'failed' || phase === 'expired'
    if (finished) this.admission.release(t.record.id)
    if (finished || phase === 'admitted') this.queue.notify(t.record.id)
    if (phase === 'failed') this.d.onFailed?.()
    if (this.d.events.wants('transfer'))
      this.d.events.emit({
        type: 'transfer',
        phase,
        transfer: this.views.toTransfer(t.record),
        at: Date.now(),
      })
  }

  private emitTap(tap: Tap, tag: TagRecord | null, outcome: TapOutcome, transferId: number | null): void {
    if (!this.d.events.wants('tap')) return
    this.d.events.emit({
      type: 'tap',
      at: new Date(tap.now).toISOString(),
      tagCode: tag?.code ?? '',
      tagLabel: tag?.label ?? null,
      outcome,
      deviceId: tap.deviceId,
      transferId,
    })
  }
}

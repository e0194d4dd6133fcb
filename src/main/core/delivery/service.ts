import { statSync } from 'node:fs'
import type { Logger } from 'pino'
import type { Repos } from '../../db/repos'
import type { TagRecord, Tier } from '../../db/repos/tags'
import type { Transfer, DeliveryStatus } from '../../../shared/contract/transfers'
import type { TapOutcome } from '../../../shared/events'
import { requireRole, type CallContext } from '../auth/actor'
import type { ConfigStore } from '../config/store'
import type { EventBus } from '../events/bus'
import type { VideoStorage } from '../videos/storage'
import { newOrderedToken } from '../auth/tokens'
import { directWriter, ThreadWriter } from './writer'
import { startOfDay } from '../time/days'
import { TAG_CODE } from '../tags/codes'
import { Admission } from './admission'
import { TransferBook, type BookPhase, type LiveTransfer } from './book'
import { describeDevice, newDeviceId, validDeviceId, type DeviceInfo } from './device'
import { pickRendition, pickVideo } from './picker'
import { RateLimiter } from './rate-limit'

export interface TapRequest {
  code: string
  deviceId: string | null
  ip: string | null
  userAgent: string | undefined
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

/** One media response: when it began, the bytes it asked for (inclusive), what it sent. */
export interface StreamRequest {
  at: number
  start: number
  end: number
  bytes: number
}

export type MediaResult =
  | {
      ok: true
      transfer: LiveTransfer
      path: string
      size: number
      mtimeMs: number
      filename: string
      contentType: string
    }
  | {
      ok: false
      status: number
      reason: 'not-found' | 'expired' | 'busy' | 'gone'
      retryAfterSeconds?: number
    }

type QueueListener = (update: { position: number; status: string }) => void

/** A tap on the same tag from the same phone within this time reuses its transfer instead of spending quota. */
const REUSE_WINDOW_MS = 30 * 60_000
/** A download slot nobody has used for this long goes to the next phone in line. */
const IDLE_SLOT_MS = 30_000
/** Open queue channels per transfer (see watch). */
const MAX_WATCHERS = 4

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
}

/**
 * Everything that happens between a phone tapping a tag and the last byte of its video: rate limit, quota, the
 * choice of video and rendition, the transfer record, admission to download, byte accounting, live events.
 */
export class DeliveryService {
  private readonly now: () => number
  readonly book: TransferBook
  readonly admission: Admission
  private readonly limiter: RateLimiter
  private readonly watchers = new Map<number, Set<QueueListener>>()
  private readonly tagCache = new Map<string, TagRecord | null>()
  private readonly titles = new Map<number, string>()
  private readonly videoInfo = new Map<
    number,
    {
      ready: boolean
      title: string
      posterPath: string | null
      thumbPath: string | null
      renditions: Array<{ label: string; width: number; height: number; sizeBytes: number; path: string }>
    } | null
  >()
  private lastQueueEmit = 0
  private queueEmitTimer: NodeJS.Timeout | null = null

  constructor(private readonly d: DeliveryDeps) {
    this.now = d.now ?? Date.now
    this.book = new TransferBook(
      d.repos.delivery,
      (t, phase) => this.transferChanged(t, phase),
      d.logger,
      this.now,
    )
    this.admission = new Admission(
      {
        maxStreams: () => d.config.values.maxStreams,
        maxWaitMs: () => d.config.values.queueMaxWaitSeconds * 1000,
        idleMs: IDLE_SLOT_MS,
        now: this.now,
      },
      {
        admitted: (id) => {
          const t = this.book.byId(id)
          if (t && t.record.status === 'queued') this.book.setStatus(t, 'pending', null, 'admitted')
          this.notify(id)
        },
        expired: (id) => {
          const t = this.book.byId(id)
          if (t && t.record.status === 'queued') this.book.setStatus(t, 'expired', 'waited too long in line')
          this.notify(id)
        },
        idle: (id) => {
          const t = this.book.byId(id)
          // Not finished and nobody downloading: the phone went away. It can resume later (and queue again).
          if (
            t &&
            (t.record.status === 'active' || t.record.status === 'pending') &&
            t.record.bytesSent < t.record.bytesTotal
          )
            this.book.setStatus(t, 'aborted', 'no download for 30 s')
        },
        changed: () => this.queueChanged(),
      },
    )
    this.limiter = new RateLimiter(() => d.config.values.tapRateLimitPerMinute, this.now)
  }

  start(): void {
    const repos = this.d.repos
    const inline = directWriter(repos.delivery)
    this.book.start(
      this.d.writerThread === false || repos.db.memory
        ? inline
        : new ThreadWriter(repos.db.name, inline, this.d.logger),
    )
    this.admission.start()
  }

  stop(): void {
    this.admission.stop()
    if (this.queueEmitTimer) clearTimeout(this.queueEmitTimer)
    this.book.stop()
  }

  /** Tags and titles are cached for the tap path; edits clear the cache. */
  invalidate(): void {
    this.tagCache.clear()
    this.titles.clear()
    this.videoInfo.clear()
  }

  /** Whether a video is ready and its renditions, cached for the tap path (cleared on any video or tag change). */
  private video(id: number) {
    let v = this.videoInfo.get(id)
    if (v === undefined) {
      const rec = this.d.repos.videos.findById(id)
      v = rec
        ? {
            ready: rec.status === 'ready',
            title: rec.title,
            posterPath: rec.posterPath,
            thumbPath: rec.thumbPath,
            renditions: this.d.repos.videos.renditions(id),
          }
        : null
      this.videoInfo.set(id, v)
    }
    return v
  }

  private tag(code: string): TagRecord | null {
    if (this.tagCache.has(code)) return this.tagCache.get(code)!
    const t = TAG_CODE.test(code) ? this.d.repos.tags.findByCode(code) : null
    // Only known codes are cached: a flood of random codes must not grow memory.
    if (t) this.tagCache.set(code, t)
    return t
  }

  private title(videoId: number | null): string | null {
    if (videoId === null) return null
    let t = this.titles.get(videoId)
    if (t === undefined) {
      t = this.d.repos.videos.findById(videoId)?.title ?? `#${videoId}`
      this.titles.set(videoId, t)
    }
    return t
  }

  tap(req: TapRequest): TapResult {
    const now = this.now()
    const device = describeDevice(req.userAgent)
    const newDevice = !validDeviceId(req.deviceId)
    const deviceId = newDevice ? newDeviceId() : req.deviceId!
    const base = { deviceId, newDevice, device }
    const record = (tag: TagRecord | null, outcome: TapOutcome) =>
      this.book.addTap({
        tagId: tag?.id ?? null,
        tagCode: req.code.slice(0, 32),
        deviceId,
        ip: req.ip,
        userAgent: req.userAgent?.slice(0, 300) ?? null,
        at: now,
        outcome,
      })
    // Rows of the last few milliseconds are not in SQLite yet; every count below adds them.
    const unwritten = () => this.book.unwritten()
    const refuse = (
      tag: TagRecord | null,
      status: number,
      reason: TapOutcome,
      retryAfterSeconds?: number,
    ): TapResult => {
      // A flood from one address is not written to the database tap by tap.
      if (reason !== 'rate-limited') record(tag, reason)
      if (reason === 'quota' || reason === 'tag-cap') this.d.onQuotaRefused?.()
      this.emitTap(tag, reason, deviceId, null)
      return { kind: 'refused', status, reason, ...base, retryAfterSeconds }
    }

    if (req.ip && !this.limiter.take(req.ip)) return refuse(null, 429, 'rate-limited', 60)
    const tag = this.tag(req.code)
    if (!tag) return refuse(null, 404, 'unknown-tag')
    if (!tag.enabled) return refuse(tag, 410, 'disabled')

    // The same phone tapping the same tag again soon (or reloading the page) continues its transfer. A phone
    // without our cookie has no history here, so these look-ups are skipped for it.
    if (!newDevice) {
      const mine = (r: LiveTransfer['record']) =>
        r.deviceId === deviceId &&
        r.tagId === tag.id &&
        r.createdAt >= now - REUSE_WINDOW_MS &&
        r.status !== 'failed' &&
        r.status !== 'expired'
      const pending = [...unwritten()].reverse().find((t) => mine(t.record))
      const recent = pending
        ? null
        : this.d.repos.delivery.recentForDeviceAndTag(deviceId, tag.id, now - REUSE_WINDOW_MS)
      const live = pending ?? (recent ? this.book.byId(recent.id) : null)
      if (
        live &&
        live.record.status !== 'failed' &&
        live.record.status !== 'expired' &&
        now - live.record.createdAt < this.d.config.values.transferTtlHours * 3_600_000
      ) {
        record(tag, 'repeat')
        const position = live.record.status === 'completed' ? 0 : this.admit(live)
        this.emitTap(tag, 'repeat', deviceId, live.record.id)
        return {
          kind: 'deliver',
          ...base,
          transfer: live,
          videoTitle: this.title(live.record.videoId) ?? '',
          position,
          outcome: 'repeat',
        }
      }
    }

    const c = this.d.config.values
    const limit = tag.tier === 'vip' ? c.quotaVip : c.quotaNormal
    const today = startOfDay(now)
    const counted = (r: LiveTransfer['record']) =>
      r.createdAt >= today && r.status !== 'expired' && r.status !== 'failed'
    // SQLite's count plus what the book holds that SQLite did not have at that read: a batch the writer thread
    // committed before its reply came back is in both, and counting it twice refused a phone's second video.
    if (limit > 0 && !newDevice) {
      const saved = this.d.repos.delivery.countForDeviceSince(deviceId, tag.tier, today)
      const used =
        saved.n +
        unwritten().filter(
          (t) =>
            t.record.id > saved.top &&
            t.record.deviceId === deviceId &&
            t.record.tier === tag.tier &&
            counted(t.record),
        ).length
      if (used >= limit) return refuse(tag, 429, 'quota')
    }
    if (tag.dailyCap !== null) {
      const saved = this.d.repos.delivery.countForTagSince(tag.id, today)
      const given =
        saved.n +
        unwritten().filter(
          (t) => t.record.id > saved.top && t.record.tagId === tag.id && t.record.createdAt >= today,
        ).length
      if (given >= tag.dailyCap) return refuse(tag, 429, 'tag-cap')
    }

    const ready = new Set(tag.videoIds.filter((id) => this.video(id)?.ready))
    const pick = pickVideo(tag.strategy, tag.videoIds, ready, {
      cursor: tag.rotateCursor,
      delivered: () => {
        const counts = this.d.repos.delivery.deliveriesPerVideo(tag.id)
        for (const t of unwritten())
          if (t.record.tagId === tag.id && t.record.videoId !== null)
            counts.set(t.record.videoId, (counts.get(t.record.videoId) ?? 0) + 1)
        return counts
      },
      random: this.d.random ?? Math.random,
    })
    if (pick.videoId === null) return refuse(tag, 503, 'not-ready', 30)
    if (pick.cursor !== tag.rotateCursor) {
      this.d.repos.tags.setCursor(tag.id, pick.cursor)
      tag.rotateCursor = pick.cursor
    }
    const target =
      device.type === 'phone'
        ? c.renditionPhone
        : device.type === 'tablet'
          ? c.renditionTablet
          : c.renditionOther
    const rendition = pickRendition(this.video(pick.videoId)?.renditions ?? [], target)
    if (!rendition) return refuse(tag, 503, 'not-ready', 30)

    const tapId = record(tag, 'delivered')
    const live = this.book.create({
      token: newOrderedToken(18),
      tapId,
      tagId: tag.id,
      tagCode: tag.code,
      videoId: pick.videoId,
      rendition: rendition.label,
      deviceId,
      tier: tag.tier,
      ip: req.ip,
      userAgent: req.userAgent?.slice(0, 300) ?? null,
      bytesTotal: rendition.sizeBytes,
      bytesSent: 0,
      wireBytes: 0,
      requests: 0,
      coverage: [],
      status: 'pending',
      error: null,
      createdAt: now,
      admittedAt: null,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    })
    const id = live.record.id
    this.transferChanged(live, 'created')
    const position = this.admit(live)
    this.emitTap(tag, position > 0 ? 'queued' : 'delivered', deviceId, id)
    return {
      kind: 'deliver',
      ...base,
      transfer: live,
      videoTitle: this.title(pick.videoId) ?? '',
      position,
      outcome: position > 0 ? 'queued' : 'delivered',
    }
  }

  /** Asks for a download slot; 0 = go ahead, N = place in line. */
  private admit(t: LiveTransfer): number {
    const position = this.admission.request({
      transferId: t.record.id,
      tier: t.record.tier,
      bytesTotal: t.record.bytesTotal,
      arrivedAt: this.now(),
    })
    if (position > 0 && t.record.status !== 'queued') this.book.setStatus(t, 'queued', null)
    else if (position === 0 && (t.record.status === 'queued' || t.record.status === 'aborted'))
      this.book.setStatus(t, 'pending', null, 'admitted')
    else if (position === 0 && !t.record.admittedAt) t.record.admittedAt = this.now()
    return position
  }

  /** Finds what a media URL points at. The token is the only key: the library cannot be walked from the LAN. */
  media(token: string, kind: 'video' | 'poster'): MediaResult {
    if (!/^[A-Za-z0-9_-]{24}$/.test(token)) return { ok: false, status: 404, reason: 'not-found' }
    const t = this.book.byTokenOrLoad(token)
    if (!t) return { ok: false, status: 404, reason: 'not-found' }
    const r = t.record
    if (
      this.now() - r.createdAt > this.d.config.values.transferTtlHours * 3_600_000 ||
      r.status === 'expired'
    )
      return { ok: false, status: 410, reason: 'expired' }
    // Cached: a player fetching a video in 1 MiB ranges asks many times a second.
    const video = r.videoId === null ? null : this.video(r.videoId)
    if (!video) return { ok: false, status: 410, reason: 'gone' }
    if (kind === 'poster') {
      // The phone page shows the 320-px thumbnail as its poster: a few KB instead of ~100, and it is only a
      // placeholder until the video plays.
      const still = video.thumbPath ?? video.posterPath
      if (!still) return { ok: false, status: 404, reason: 'not-found' }
      const path = this.d.storage.abs(still)
      const st = statSync(path, { throwIfNoEntry: false })
      if (!st) return { ok: false, status: 410, reason: 'gone' }
      return {
        ok: true,
        transfer: t,
        path,
        size: st.size,
        mtimeMs: st.mtimeMs,
        filename: 'poster.jpg',
        contentType: 'image/jpeg',
      }
    }
    const rendition = video.renditions.find((x) => x.label === r.rendition)
    const path = rendition ? this.d.storage.abs(rendition.path) : null
    const st = path ? statSync(path, { throwIfNoEntry: false }) : undefined
    if (!path || !st) {
      if (r.status !== 'failed') this.book.setStatus(t, 'failed', 'the rendition file is missing')
      return { ok: false, status: 410, reason: 'gone' }
    }
    if (r.status !== 'completed' && this.admit(t) > 0)
      return { ok: false, status: 503, reason: 'busy', retryAfterSeconds: 5 }
    return {
      ok: true,
      transfer: t,
      path,
      size: st.size,
      mtimeMs: st.mtimeMs,
      filename: downloadName(video.title, r.rendition),
      contentType: 'video/mp4',
    }
  }

  /** A response of media bytes begins / sends / ends: accounting and the download slot follow it. */
  streamStarted(t: LiveTransfer, at?: number, start?: number): void {
    this.admission.streamOpened(t.record.id)
    this.book.streamStarted(t, at, start)
  }

  sent(t: LiveTransfer, offset: number, length: number): void {
    this.book.sent(t, offset, length)
    this.admission.activity(t.record.id)
    if (t.record.status === 'completed') this.admission.release(t.record.id)
  }

  streamEnded(
    t: LiveTransfer,
    cut: boolean,
    request?: StreamRequest,
    unconfirmed?: { from: number; to: number },
  ): void {
    this.admission.streamClosed(t.record.id)
    if (request) this.logRequest(t, request, cut ? 'cut' : null)
    this.book.streamEnded(t, cut, unconfirmed)
  }

  streamFailed(t: LiveTransfer, reason: string, request?: StreamRequest): void {
    this.admission.streamClosed(t.record.id)
    if (request) this.logRequest(t, request, 'failed')
    t.openStreams = Math.max(0, t.openStreams - 1)
    this.book.setStatus(t, 'failed', reason)
    this.admission.release(t.record.id)
  }

  private logRequest(t: LiveTransfer, r: StreamRequest, note: string | null): void {
    this.book.step(t, 'request', {
      at: r.at,
      rangeStart: r.start,
      rangeEnd: r.end,
      bytes: r.bytes,
      note,
    })
  }

  // ── the phone's queue channel ──────────────────────────────────────────────────────────────────────────

  /** Live place in line for the page of a waiting phone; asks for a slot if it has none (e.g. after a pause). */
  watch(token: string, listener: QueueListener): (() => void) | null | 'full' {
    const t = this.book.byTokenOrLoad(token)
    if (!t || t.record.status === 'expired' || t.record.status === 'failed') return null
    const id = t.record.id
    // A phone has one page open, two or three at most; every queue change is sent to every listener, so one
    // token must not be able to open thousands.
    if ((this.watchers.get(id)?.size ?? 0) >= MAX_WATCHERS) return 'full'
    const set = this.watchers.get(id) ?? new Set()
    set.add(listener)
    this.watchers.set(id, set)
    if (t.record.status !== 'completed') this.admit(t)
    listener({ position: Math.max(0, this.admission.positionOf(id)), status: t.record.status })
    return () => {
      set.delete(listener)
      if (set.size === 0) this.watchers.delete(id)
    }
  }

  private notify(id: number): void {
    const set = this.watchers.get(id)
    if (!set) return
    const t = this.book.get(id)
    const update = {
      position: Math.max(0, this.admission.positionOf(id)),
      status: t?.record.status ?? 'unknown',
    }
    for (const l of set) l(update)
  }

  private queueChanged(): void {
    // Everyone waiting may have moved up a place.
    for (const id of this.watchers.keys()) this.notify(id)
    // The admin side gets the queue at most four times a second, and only while a console listens (one that
    // opens later gets the queue in its first message).
    if (!this.d.events.wants('queue')) return
    const wait = 250 - (this.now() - this.lastQueueEmit)
    if (wait <= 0) this.emitQueue()
    else this.queueEmitTimer ??= setTimeout(() => this.emitQueue(), wait)
  }

  private emitQueue(): void {
    this.queueEmitTimer = null
    this.lastQueueEmit = this.now()
    if (this.d.events.wants('queue')) this.d.events.emit({ type: 'queue', status: this.status() })
  }

  status(ctx?: CallContext): DeliveryStatus {
    if (ctx) requireRole(ctx, 'viewer')
    const s = this.admission.snapshot(100)
    return {
      maxStreams: s.maxStreams,
      active: s.active,
      waitingTotal: s.waitingTotal,
      waiting: s.waiting.map((w) => ({
        transferId: w.transferId,
        tier: w.tier,
        bytesTotal: w.bytesTotal,
        position: w.position,
      })),
    }
  }

  // ── admin views ────────────────────────────────────────────────────────────────────────────────────────

  list(ctx: CallContext, q: { since?: string; limit: number }): Transfer[] {
    requireRole(ctx, 'viewer')
    this.book.flush()
    const since = q.since ? Date.parse(q.since) : 0
    return this.d.repos.delivery
      .listSince(since, q.limit)
      .map((r) => this.toTransfer(this.book.get(r.id)?.record ?? r))
  }

  /** Writes what the book holds now, so reads of SQLite see every tap and byte so far. */
  flush(): void {
    this.book.flush()
  }

  /** Transfers a monitor shows as live: waiting, streaming, or ended in the last two minutes (newest first, ≤ 200). */
  liveTransfers(): Transfer[] {
    const recent = this.now() - 120_000
    return this.book
      .liveTransfers()
      .filter(
        (t) =>
          t.record.status === 'queued' ||
          t.record.status === 'active' ||
          (t.record.status === 'pending' && t.record.createdAt >= recent - 480_000) ||
          (t.record.finishedAt ?? 0) >= recent,
      )
      .sort((a, b) => b.record.id - a.record.id)
      .slice(0, 200)
      .map((t) => this.toTransfer(t.record))
  }

  /** A transfer as the console shows it, from the book when live (fresher than SQLite), else from its row. */
  view(r: LiveTransfer['record']): Transfer {
    return this.toTransfer(this.book.get(r.id)?.record ?? r)
  }

  toTransfer(r: LiveTransfer['record']): Transfer {
    const device = describeDevice(r.userAgent ?? undefined)
    const position = r.status === 'queued' ? this.admission.positionOf(r.id) : -1
    return {
      id: r.id,
      tagCode: r.tagCode,
      tagLabel: this.tag(r.tagCode)?.label ?? null,
      videoId: r.videoId,
      videoTitle: this.title(r.videoId),
      rendition: r.rendition,
      tier: r.tier as Tier,
      bytesSent: r.bytesSent,
      bytesTotal: r.bytesTotal,
      wireBytes: r.wireBytes,
      requests: r.requests,
      status: r.status,
      error: r.error,
      deviceId: r.deviceId,
      device: { type: device.type, os: device.os, browser: device.browser },
      ip: r.ip,
      queuePosition: position > 0 ? position : null,
      createdAt: new Date(r.createdAt).toISOString(),
      startedAt: r.startedAt ? new Date(r.startedAt).toISOString() : null,
      finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
    }
  }

  private transferChanged(t: LiveTransfer, phase: BookPhase): void {
    const finished = phase === 'completed' || phase === 'failed' || phase === 'expired'
    if (finished) this.admission.release(t.record.id)
    if (finished || phase === 'admitted') this.notify(t.record.id)
    if (phase === 'failed') this.d.onFailed?.()
    if (this.d.events.wants('transfer'))
      this.d.events.emit({
        type: 'transfer',
        phase,
        transfer: this.toTransfer(t.record),
        at: Date.now(),
      })
  }

  private emitTap(
    tag: TagRecord | null,
    outcome: TapOutcome,
    deviceId: string,
    transferId: number | null,
  ): void {
    if (!this.d.events.wants('tap')) return
    this.d.events.emit({
      type: 'tap',
      at: new Date(this.now()).toISOString(),
      tagCode: tag?.code ?? '',
      tagLabel: tag?.label ?? null,
      outcome,
      deviceId,
      transferId,
    })
  }
}

/** "春季新品-720p.mp4": the title kept readable, characters that break file names removed. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const UNSAFE_IN_FILE_NAMES = /[\u0000-\u001f\u007f/\\:*?"<>|]+/g

export function downloadName(title: string, rendition: string): string {
  const safe = title.replace(UNSAFE_IN_FILE_NAMES, ' ').trim().slice(0, 80) || 'video'
  return `${safe}-${rendition}.mp4`
}

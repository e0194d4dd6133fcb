import { statfsSync } from 'node:fs'
import type { Logger } from 'pino'
import type { Repos } from '../../db/repos'
import type { HubEvent } from '../../../shared/events'
import type { Notification, NotificationKind } from '../../../shared/contract/monitoring'
import type { NfcStatus } from '../../../shared/contract/nfc'
import { actorUserId, requireRole, type CallContext } from '../auth/actor'
import type { EventBus } from '../events/bus'
import { HubError } from '../errors'

export interface AlertSettings {
  /** Failed transfers within 10 minutes that make a "spike" (0 = never). */
  failedTransfers: number
  /** Taps refused for quota within an hour that say quotas are too tight (0 = never). */
  quotaRefusals: number
  /** Free space on the data disk below this warns (0 = never). */
  diskLowMegabytes: number
}

/** The same thing is said at most once per this long (a flapping reader does not flood anyone). */
const COOLDOWN_MS: Record<NotificationKind, number> = {
  'transcode-failed': 0,
  'transfer-failures': 30 * 60_000,
  'reader-lost': 30 * 60_000,
  'disk-low': 6 * 3_600_000,
  'quota-often': 3_600_000,
  // Checked at each start: said again at most once a day while the damage stays.
  'database-damaged': 24 * 3_600_000,
  // The pool itself says "once": only when a tag goes dry again after it had variants.
  'remix-pool-dry': 0,
  'remix-failed': 30 * 60_000,
  // A store that cannot sync: said again every six hours while it lasts.
  'chain-stale': 6 * 3_600_000,
  // Retention keeps rows headquarters has not received yet: said once a day while it lasts.
  'records-held': 24 * 3_600_000,
  // Each object once (keyed by its key).
  'records-quarantined': 0,
}

/** Timestamps within a sliding window, bounded (only the count matters past the threshold). */
class Window {
  private times: number[] = []
  constructor(private readonly ms: number) {}
  add(t: number): number {
    this.times.push(t)
    while (this.times.length && this.times[0]! <= t - this.ms) this.times.shift()
    if (this.times.length > 10_000) this.times.splice(0, this.times.length - 10_000)
    return this.times.length
  }
}

/**
 * Watches the hub's own events for what staff should know: a transcode that failed for good, a spike of failed
 * transfers, a reader (or the reader service) gone, the data disk running low, quotas refusing many taps. Each is
 * stored, pushed live, and shown per user (each can mute kinds). The Electron window turns them into system
 * notifications.
 */
export class NotificationService {
  private readonly failures = new Window(10 * 60_000)
  private readonly refusals = new Window(60 * 60_000)
  private readers: Set<string> | null = null
  private nfcService: string | null = null
  private timer: NodeJS.Timeout | null = null
  private unsubscribe: (() => void) | null = null

  constructor(
    private readonly d: {
      repos: Repos
      events: EventBus
      logger: Logger
      settings: () => AlertSettings
      dataDir: string
      now?: () => number
      freeBytes?: (dir: string) => number
    },
  ) {}

  private now(): number {
    return (this.d.now ?? Date.now)()
  }

  start(): void {
    // Failed transfers and quota refusals come through transferFailed() and quotaRefused(): listening to
    // 'transfer' or 'tap' would make the media and tap paths build an event for every step even with no console open.
    this.unsubscribe = this.d.events.subscribe((e) => this.observe(e), ['nfc'])
    this.checkDisk()
    this.timer = setInterval(() => this.checkDisk(), 60_000)
    this.timer.unref()
  }

  stop(): void {
    this.unsubscribe?.()
    if (this.timer) clearInterval(this.timer)
  }

  private observe(e: HubEvent): void {
    if (e.type === 'nfc') this.readersChanged(e.status)
  }

  /** A phone was turned away by its daily quota or the tag's cap. */
  quotaRefused(): void {
    const limit = this.d.settings().quotaRefusals
    if (limit <= 0) return
    const n = this.refusals.add(this.now())
    if (n >= limit) this.raise('quota-often', 'quota', { count: n, minutes: 60 })
  }

  private readersChanged(status: NfcStatus): void {
    const names = new Set(status.readers.map((r) => r.name))
    if (this.nfcService === 'ready' && status.service === 'unavailable')
      this.raise('reader-lost', 'service', { reader: '', service: 'unavailable' })
    else if (this.readers && status.service === 'ready')
      for (const name of this.readers) if (!names.has(name)) this.raise('reader-lost', name, { reader: name })
    this.nfcService = status.service
    // Readers vanish with the service; that was said once above, not once per reader.
    if (status.service === 'ready') this.readers = names
  }

  /** A transfer failed: a spike of these within ten minutes is worth telling. */
  transferFailed(): void {
    const limit = this.d.settings().failedTransfers
    if (limit <= 0) return
    const n = this.failures.add(this.now())
    if (n >= limit) this.raise('transfer-failures', 'spike', { count: n, minutes: 10 })
  }

  /** The start-up integrity check found the database file damaged: `problem` is SQLite's first finding. */
  databaseDamaged(problem: string): void {
    this.raise('database-damaged', 'database', { problem: problem.slice(0, 200) })
  }

  /** A transcode failed for good (all retries used). */
  transcodeFailed(videoId: number, title: string, error: string | null): void {
    this.raise('transcode-failed', String(videoId), {
      videoId,
      title,
      error: (error ?? '').split('\n').slice(-1)[0]!.slice(0, 200),
    })
  }

  /** A remix tag's pool ran dry: taps get a reused variant or the base video until it refills. */
  poolDry(tagId: number, label: string, fallback: string): void {
    this.raise('remix-pool-dry', String(tagId), { tagId, label, fallback })
  }

  /** A variant of a remix tag failed for good (its reason: the last line ffmpeg or the check said). */
  variantFailed(tagId: number, label: string, error: string): void {
    this.raise('remix-failed', String(tagId), {
      tagId,
      label,
      error: error.split('\n').slice(-1)[0]!.slice(0, 200),
    })
  }

  checkDisk(): void {
    const limit = this.d.settings().diskLowMegabytes
    if (limit <= 0) return
    try {
      const free = this.d.freeBytes
        ? this.d.freeBytes(this.d.dataDir)
        : (() => {
            const st = statfsSync(this.d.dataDir)
            return st.bavail * st.bsize
          })()
      if (free < limit * 1024 * 1024)
        this.raise('disk-low', 'data', {
          freeMegabytes: Math.floor(free / 1024 / 1024),
          limitMegabytes: limit,
        })
    } catch (err) {
      this.d.logger.warn({ err }, 'checking free disk space failed')
    }
  }

  raise(kind: NotificationKind, key: string, params: Record<string, string | number>): Notification | null {
    const now = this.now()
    const last = this.d.repos.notifications.lastAt(kind, key)
    if (last !== null && now - last < COOLDOWN_MS[kind]) return null
    const row = this.d.repos.notifications.insert({ at: now, kind, key, params })
    const n: Notification = { id: row.id, at: new Date(now).toISOString(), kind, params }
    this.d.logger.warn({ kind, key, params }, 'notification')
    this.d.events.emit({ type: 'notification', notification: n })
    return n
  }

  list(
    ctx: CallContext,
    limit: number,
  ): { items: Notification[]; unread: number; muted: NotificationKind[] } {
    requireRole(ctx, 'viewer')
    const userId = actorUserId(ctx.actor)
    const prefs = userId === null ? { seenId: 0, muted: [] } : this.d.repos.notifications.prefs(userId)
    const muted = new Set(prefs.muted)
    const items = this.d.repos.notifications
      .latest(200)
      .filter((n) => !muted.has(n.kind))
      .map((n) => ({
        id: n.id,
        at: new Date(n.at).toISOString(),
        kind: n.kind,
        params: n.params,
      }))
    return {
      items: items.slice(0, limit),
      unread: userId === null ? 0 : items.filter((n) => n.id > prefs.seenId).length,
      muted: [...muted],
    }
  }

  seen(ctx: CallContext, upTo: number): { ok: true } {
    requireRole(ctx, 'viewer')
    this.d.repos.notifications.markSeen(this.personOf(ctx), upTo)
    return { ok: true }
  }

  mute(ctx: CallContext, kinds: NotificationKind[]): { muted: NotificationKind[] } {
    requireRole(ctx, 'viewer')
    const unique = [...new Set(kinds)]
    this.d.repos.notifications.setMuted(this.personOf(ctx), unique)
    return { muted: unique }
  }

  private personOf(ctx: CallContext): number {
    const id = actorUserId(ctx.actor)
    if (id === null)
      throw new HubError('bad-request', 'notification settings belong to a person: log in first')
    return id
  }
}

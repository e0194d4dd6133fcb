import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import {
  MAX_QR_IMAGE_BYTES,
  type CouponSummary,
  type QrImageType,
  type StoreAction,
  type StoreActionsView,
} from '../../../shared/contract/store-actions'
import { requireRole, type CallContext } from '../auth/actor'
import type { AuditService } from '../audit/service'
import type { ConfigStore } from '../config/store'
import { RateLimiter } from '../delivery/rate-limit'
import type { EventBus } from '../events/bus'
import { fieldRefused, HubError } from '../errors'
import { writeFileAtomic } from '../fsutil/atomic'
import { unlinkIfThere } from '../fsutil/unlink'
import type { FunnelTransfer } from '../funnel/service'
import { sniffImage } from './image'
import { TEXT } from '../../../shared/contract/texts'

/** A block the phone page shows, with what it needs (values from Settings; none of it read from SQLite). */
export type PhoneBlock =
  | { kind: 'wifi'; ssid: string; password: string | null }
  | { kind: 'wechat' }
  | { kind: 'coupon' }
  | { kind: 'review'; url: string }

export interface QrImage {
  body: Buffer
  type: QrImageType
  etag: string
  width: number
  height: number
  updatedAt: number
}

/** What a coupon request came to; the LAN listener answers each. */
export type CouponAnswer =
  | { kind: 'code'; code: string }
  | { kind: 'none-left' }
  | { kind: 'not-offered' }
  | { kind: 'unknown-transfer' }
  | { kind: 'rate-limited' }

/** The transfer a coupon is asked for: whose phone, and the store actions its tag shows now. */
export interface CouponTransfer extends FunnelTransfer {
  deviceId: string
  storeActions: readonly StoreAction[]
}

export interface StoreActionsDeps {
  config: ConfigStore
  repos: Repos
  audit: AuditService
  events: EventBus
  logger: Logger
  /** Where the WeChat QR image is kept (<data>/store). */
  dir: string
  transfer: (token: string) => CouponTransfer | null
  /** Told of each coupon given (the funnel's `coupon-claimed`). */
  couponGiven: (t: FunnelTransfer) => void
  now?: () => number
  /** Coupon requests a minute from one address (default 30). */
  couponsPerMinute?: () => number
}

const QR_FILES: Record<QrImageType, string> = { 'image/png': 'wechat-qr.png', 'image/jpeg': 'wechat-qr.jpg' }

/**
 * Store actions beside the video (issue 18, item 6): the Wi-Fi from Settings, the WeChat QR image staff upload
 * (checked to be a PNG or JPEG by its bytes, kept in <data>/store and served from memory), the review link, and
 * coupon codes staff import per tag — each given to one phone, one per phone and tag, in one SQLite transaction.
 */
export class StoreActionsService {
  private readonly now: () => number
  private qr: QrImage | null = null
  private readonly limiter: RateLimiter

  constructor(private readonly d: StoreActionsDeps) {
    this.now = d.now ?? Date.now
    this.limiter = new RateLimiter(d.couponsPerMinute ?? (() => 30), this.now)
    this.qr = this.loadQr()
  }

  // ── the phone page ─────────────────────────────────────────────────────────────────────────────────────

  /** The blocks a tag's page shows, in its order; one without what it needs (no SSID, no image, no link) is left out. */
  blocks(actions: readonly StoreAction[]): PhoneBlock[] {
    const c = this.d.config.values
    const out: PhoneBlock[] = []
    for (const a of actions) {
      if (a === 'wifi' && c.wifiSsid)
        out.push({
          kind: 'wifi',
          ssid: c.wifiSsid,
          password: c.wifiSecurity === 'nopass' ? null : c.wifiPassword,
        })
      else if (a === 'wechat' && this.qr) out.push({ kind: 'wechat' })
      else if (a === 'coupon') out.push({ kind: 'coupon' })
      else if (a === 'review' && c.reviewUrl) out.push({ kind: 'review', url: c.reviewUrl })
    }
    return out
  }

  wechatQrImage(): QrImage | null {
    return this.qr
  }

  /**
   * This phone's coupon code for the tag of `token`: the one it got before, else the next free one (null when none
   * is left). The only SQLite write a phone's request makes, and only when the customer asks for a coupon.
   */
  claimCoupon(token: string, ip: string | null): CouponAnswer {
    if (ip && !this.limiter.take(ip)) return { kind: 'rate-limited' }
    const t = this.d.transfer(token)
    if (!t) return { kind: 'unknown-transfer' }
    if (t.tagId === null || !t.storeActions.includes('coupon')) return { kind: 'not-offered' }
    const got = this.d.repos.coupons.claim({
      tagId: t.tagId,
      deviceId: t.deviceId,
      transferId: t.id,
      now: this.now(),
    })
    if (!got) return { kind: 'none-left' }
    if (got.first) {
      this.d.logger.info({ transferId: t.id, tagId: t.tagId }, 'coupon given')
      this.d.events.emit({ type: 'coupons-changed', tagId: t.tagId })
    }
    this.d.couponGiven(t)
    return { kind: 'code', code: got.code }
  }

  // ── the console and the CLI ────────────────────────────────────────────────────────────────────────────

  view(ctx: CallContext): StoreActionsView {
    requireRole(ctx, 'viewer')
    const c = this.d.config.values
    const qr = this.qr
    return {
      wifi: { ssid: c.wifiSsid, passwordSet: Boolean(c.wifiPassword) },
      reviewUrl: c.reviewUrl,
      wechatQr: qr
        ? {
            type: qr.type,
            bytes: qr.body.length,
            width: qr.width,
            height: qr.height,
            updatedAt: new Date(qr.updatedAt).toISOString(),
          }
        : null,
    }
  }

  update(ctx: CallContext, patch: { reviewUrl?: string | null }): StoreActionsView {
    requireRole(ctx, 'admin')
    if (patch.reviewUrl !== undefined) {
      const before = this.d.config.values.reviewUrl
      const next = { reviewUrl: patch.reviewUrl }
      if (this.d.config.preview(next).changed.length) {
        inWriteTransaction(this.d.repos.db, () => {
          this.d.audit.record(ctx, 'settings.update', 'settings', {
            reviewUrl: { from: before, to: patch.reviewUrl },
          })
          this.d.config.update(next)
        })
        this.d.events.emit({ type: 'settings-changed' })
      }
    }
    return this.view(ctx)
  }

  /** Replaces (or, with null, removes) the WeChat QR image; refuses anything but a PNG or JPEG of a sensible size. */
  setWechatQr(ctx: CallContext, base64: string | null): StoreActionsView {
    requireRole(ctx, 'admin')
    if (base64 === null) {
      inWriteTransaction(this.d.repos.db, () => {
        this.d.audit.record(ctx, 'settings.update', 'settings', { wechatQr: { removed: true } })
        for (const f of Object.values(QR_FILES)) unlinkIfThere(join(this.d.dir, f))
      })
      this.qr = null
    } else {
      const body = Buffer.from(base64, 'base64')
      if (body.length > MAX_QR_IMAGE_BYTES) throw fieldRefused('image', TEXT.qrTooLarge)
      const info = sniffImage(body)
      if (!info) throw fieldRefused('image', TEXT.qrNotImage)
      mkdirSync(this.d.dir, { recursive: true })
      inWriteTransaction(this.d.repos.db, () => {
        this.d.audit.record(ctx, 'settings.update', 'settings', {
          wechatQr: { type: info.type, bytes: body.length, width: info.width, height: info.height },
        })
        writeFileAtomic(join(this.d.dir, QR_FILES[info.type]), body)
        for (const [type, f] of Object.entries(QR_FILES))
          if (type !== info.type) unlinkIfThere(join(this.d.dir, f))
      })
      this.qr = qrImage(body, info.type, info.width, info.height, this.now())
    }
    this.d.logger.info({ set: this.qr !== null }, 'WeChat QR image changed')
    this.d.events.emit({ type: 'settings-changed' })
    return this.view(ctx)
  }

  importCoupons(
    ctx: CallContext,
    q: { tagId: number; codes: string[] },
  ): CouponSummary & { added: number; duplicates: number } {
    requireRole(ctx, 'staff')
    this.mustHaveTag(q.tagId)
    const result = inWriteTransaction(this.d.repos.db, () => {
      const r = this.d.repos.coupons.import(q.tagId, q.codes, this.now())
      // The codes themselves stay out of the audit log: they are worth money to whoever reads it.
      this.d.audit.record(ctx, 'coupon.import', `tag:${q.tagId}`, {
        added: r.added,
        duplicates: r.duplicates,
      })
      return r
    })
    this.d.events.emit({ type: 'coupons-changed', tagId: q.tagId })
    return { ...this.summaryOf(q.tagId), ...result }
  }

  couponSummary(ctx: CallContext, tagId: number): CouponSummary {
    requireRole(ctx, 'viewer')
    this.mustHaveTag(tagId)
    return this.summaryOf(tagId)
  }

  clearCoupons(ctx: CallContext, tagId: number): CouponSummary {
    requireRole(ctx, 'staff')
    this.mustHaveTag(tagId)
    inWriteTransaction(this.d.repos.db, () => {
      const removed = this.d.repos.coupons.clear(tagId)
      this.d.audit.record(ctx, 'coupon.clear', `tag:${tagId}`, { removed })
    })
    this.d.events.emit({ type: 'coupons-changed', tagId })
    return this.summaryOf(tagId)
  }

  private summaryOf(tagId: number): CouponSummary {
    return { tagId, ...this.d.repos.coupons.summary(tagId) }
  }

  private mustHaveTag(tagId: number): void {
    if (!this.d.repos.tags.findById(tagId)) throw new HubError('not-found', `no tag with id ${tagId}`)
  }

  private loadQr(): QrImage | null {
    for (const [type, f] of Object.entries(QR_FILES) as Array<[QrImageType, string]>) {
      const path = join(this.d.dir, f)
      if (!existsSync(path)) continue
      const body = readFileSync(path)
      const info = sniffImage(body)
      if (info?.type === type) return qrImage(body, type, info.width, info.height, statSync(path).mtimeMs)
      this.d.logger.warn({ file: path }, 'the WeChat QR image is not a picture the hub can serve; ignored')
    }
    return null
  }
}

function qrImage(body: Buffer, type: QrImageType, width: number, height: number, at: number): QrImage {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`
  return { body, type, etag, width, height, updatedAt: Math.round(at) }
}

import { renderForPlatform } from '../../../shared/captions/render'
import type { PlatformLimitsMap } from '../../../shared/contract/publish'
import type { DrawnCaption } from '../captions/service'
import { RateLimiter } from '../delivery/rate-limit'
import type { DouyinShareAnswer, DouyinShareRequest } from './douyin/publisher'

/** The transfer a phone page asks a Douyin link for: its caption, and whether its tag offers Douyin now. */
export interface HandOffTransfer {
  id: number
  tagId: number | null
  captionId: number | null
  offersDouyin: boolean
}

export interface DouyinHandOffDeps {
  /** The Douyin publisher (`services.douyin`): never throws, answers a schema or a fallback reason. */
  shareFor: (request: DouyinShareRequest) => Promise<DouyinShareAnswer>
  /** Whether the store switched "发布到抖音" on with both credentials (the page offers the button only then). */
  ready: () => boolean
  transfer: (token: string) => HandOffTransfer | null
  /** The caption a transfer got, again (no use counted), `{日期}` in the hub's language as on the page. */
  caption: (captionId: number, tagId: number) => DrawnCaption | null
  limits: () => PlatformLimitsMap
  now?: () => number
  /** Requests a minute from one address (default 30). */
  perMinute?: () => number
}

interface Kept {
  at: number
  answer: Promise<DouyinShareAnswer>
  /** The share id, once the answer is a link. */
  id?: string
}

/** A signed link is handed out again for this long (a reload, or a second look at the page). */
const KEEP_MS = 10 * 60_000
/** Transfers whose answer is kept at most (a burst of phones; the oldest go first). */
const MAX_KEPT = 5000

/**
 * "发布到抖音" for a phone page: asks the Douyin publisher for a signed link to the transfer's video with the caption
 * drawn for its tap (Douyin's title and hashtags), once per transfer — a reload gets the same link and share id,
 * and two requests at once share one answer. Remembers which share ids it handed to which transfer, so the funnel
 * takes a reported `douyin-share-id` only for the transfer it was signed for.
 */
export class DouyinHandOff {
  private readonly now: () => number
  private readonly kept = new Map<number, Kept>()
  private readonly limiter: RateLimiter

  constructor(private readonly d: DouyinHandOffDeps) {
    this.now = d.now ?? Date.now
    this.limiter = new RateLimiter(d.perMinute ?? (() => 30), this.now)
  }

  ready(): boolean {
    return this.d.ready()
  }

  /**
   * The link for the transfer of `token`, or a fallback (the page keeps the offline path). `videoUrl` is the video
   * link as the phone reaches it; `ip` is limited like every phone request that costs more than memory.
   */
  share(
    token: string,
    q: { videoUrl: string; ip: string | null },
  ): Promise<DouyinShareAnswer> | DouyinShareAnswer {
    if (q.ip && !this.limiter.take(q.ip)) return { fallback: 'bad-input' }
    const t = this.d.transfer(token)
    if (!t) return { fallback: 'transfer-not-found' }
    if (!t.offersDouyin || !this.d.ready()) return { fallback: 'disabled' }
    const now = this.now()
    const held = this.kept.get(t.id)
    if (held && now - held.at < KEEP_MS) return held.answer
    const caption = t.captionId !== null && t.tagId !== null ? this.d.caption(t.captionId, t.tagId) : null
    const douyin = caption ? renderForPlatform(caption, 'douyin', this.d.limits().douyin) : null
    const answer = this.d.shareFor({
      transferToken: token,
      videoUrl: q.videoUrl,
      ...(douyin ? { title: douyin.body, hashtags: douyin.hashtags } : {}),
    })
    this.keep(t.id, { at: now, answer })
    // A fallback is not kept: the uplink or Douyin may be back for the next look.
    void answer.then((a) => {
      if ('fallback' in a && this.kept.get(t.id)?.answer === answer) this.kept.delete(t.id)
    })
    return answer
  }

  /** Share ids handed to this transfer's page (and still remembered). */
  shareIdsOf(transferId: number): string[] {
    const held = this.kept.get(transferId)
    return held && held.id ? [held.id] : []
  }

  private keep(transferId: number, entry: Kept): void {
    if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value!)
    this.kept.set(transferId, entry)
    void entry.answer.then((a) => {
      if ('shareId' in a) entry.id = a.shareId
    })
  }
}

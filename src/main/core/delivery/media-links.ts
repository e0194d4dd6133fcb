import { statSync } from 'node:fs'
import type { ConfigStore } from '../config/store'
import type { VideoStorage } from '../videos/storage'
import type { Admission } from './admission'
import type { LibraryCache } from './library-cache'
import type { DeliveryRecords, LiveTransfer } from './records'

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

/**
 * What a media link (`/m/<token>`) gives a phone, and the accounting of what it sends: the token is the only key, so
 * the library cannot be walked from the LAN; each response's bytes, its place in the transfer's timeline and the
 * download slot follow it.
 */
export class MediaLinks {
  constructor(
    private readonly d: {
      records: DeliveryRecords
      admission: Admission
      library: LibraryCache
      storage: VideoStorage
      config: ConfigStore
      now: () => number
      /** Asks for a download slot; 0 = go ahead, N = place in line. */
      admit: (t: LiveTransfer) => number
      /** A remix variant's file while it is on disk (memory). */
      variantFile: (variantId: number) => { path: string } | null
    },
  ) {}

  private linkExpired(r: LiveTransfer['record']): boolean {
    return (
      r.status === 'expired' || this.d.now() - r.createdAt > this.d.config.values.transferTtlHours * 3_600_000
    )
  }

  /** The transfer a media token names while its link works (the publish hand-off signs for it), or null. */
  liveTransferId(token: string): number | null {
    return this.liveTransfer(token)?.record.id ?? null
  }

  /** The transfer a media token names while its link works, or null for a bad, unknown or expired token. */
  liveTransfer(token: string): LiveTransfer | null {
    if (!/^[A-Za-z0-9_-]{24}$/.test(token)) return null
    const t = this.d.records.byToken(token)
    return t && !this.linkExpired(t.record) ? t : null
  }

  /** Finds what a media URL points at. The token is the only key: the library cannot be walked from the LAN. */
  media(token: string, kind: 'video' | 'poster'): MediaResult {
    if (!/^[A-Za-z0-9_-]{24}$/.test(token)) return { ok: false, status: 404, reason: 'not-found' }
    const t = this.d.records.byToken(token)
    if (!t) return { ok: false, status: 404, reason: 'not-found' }
    const r = t.record
    if (this.linkExpired(r)) return { ok: false, status: 410, reason: 'expired' }
    // Cached: a player fetching a video in 1 MiB ranges asks many times a second.
    const video = r.videoId === null ? null : this.d.library.video(r.videoId)
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
    const rendition = r.variantId === null ? video.renditions.find((x) => x.label === r.rendition) : null
    const path =
      r.variantId !== null
        ? (this.d.variantFile(r.variantId)?.path ?? null)
        : rendition
          ? this.d.storage.abs(rendition.path)
          : null
    const st = path ? statSync(path, { throwIfNoEntry: false }) : undefined
    if (!path || !st) {
      if (r.status !== 'failed') this.d.records.setStatus(t, 'failed', 'the rendition file is missing')
      return { ok: false, status: 410, reason: 'gone' }
    }
    if (r.status !== 'completed' && this.d.admit(t) > 0)
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
    this.d.admission.streamOpened(t.record.id)
    this.d.records.streamStarted(t, at, start)
  }

  sent(t: LiveTransfer, offset: number, length: number): void {
    this.d.records.sent(t, offset, length)
    this.d.admission.activity(t.record.id)
    if (t.record.status === 'completed') this.d.admission.release(t.record.id)
  }

  streamEnded(
    t: LiveTransfer,
    cut: boolean,
    request?: StreamRequest,
    unconfirmed?: { from: number; to: number },
  ): void {
    this.d.admission.streamClosed(t.record.id)
    if (request) this.logRequest(t, request, cut ? 'cut' : null)
    this.d.records.streamEnded(t, cut, unconfirmed)
  }

  streamFailed(t: LiveTransfer, reason: string, request?: StreamRequest): void {
    this.d.admission.streamClosed(t.record.id)
    if (request) this.logRequest(t, request, 'failed')
    t.openStreams = Math.max(0, t.openStreams - 1)
    this.d.records.setStatus(t, 'failed', reason)
    this.d.admission.release(t.record.id)
  }

  private logRequest(t: LiveTransfer, r: StreamRequest, note: string | null): void {
    this.d.records.step(t, 'request', {
      at: r.at,
      rangeStart: r.start,
      rangeEnd: r.end,
      bytes: r.bytes,
      note,
    })
  }
}

/** "春季新品-720p.mp4": the title kept readable, characters that break file names removed. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const UNSAFE_IN_FILE_NAMES = /[\u0000-\u001f\u007f/\\:*?"<>|]+/g

/** Markup typed into a title (`<i>限定</i>`): HTML's tags go, their text stays; other text in <> stays as text. */
const TAG =
  /<\/?(?:a|b|i|u|s|em|strong|small|big|span|font|br|p|div|mark|sup|sub|del|ins|h[1-6])(?:\s[^<>]*)?\/?>/gi

export function downloadName(title: string, rendition: string): string {
  const safe =
    title.replace(TAG, '').replace(UNSAFE_IN_FILE_NAMES, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) ||
    'video'
  return `${safe}-${rendition}.mp4`
}

import type { Transfer } from '../../../shared/contract/transfers'
import type { Admission } from './admission'
import { describeDevice } from './device'
import type { LibraryCache } from './library-cache'
import { ENDED_SHOWN_MS, IDLE_KEPT_MS, type DeliveryRecords, type LiveTransfer } from './records'

/** Transfers as the console shows them: with tag label, video title, device, and place in line. */
export class TransferViews {
  constructor(
    private readonly d: {
      records: DeliveryRecords
      admission: Admission
      library: LibraryCache
      now: () => number
    },
  ) {}

  /** A transfer from its row, or from memory when live there (fresher than SQLite). */
  view(r: LiveTransfer['record']): Transfer {
    return this.toTransfer(this.d.records.held(r.id)?.record ?? r)
  }

  /** Waiting, streaming, or ended in the last two minutes (newest first, ≤ 200). */
  live(): Transfer[] {
    const now = this.d.now()
    return this.d.records
      .inMemory()
      .filter(
        ({ record: r }) =>
          r.status === 'queued' ||
          r.status === 'active' ||
          (r.status === 'pending' && r.createdAt >= now - IDLE_KEPT_MS) ||
          (r.finishedAt ?? 0) >= now - ENDED_SHOWN_MS,
      )
      .sort((a, b) => b.record.id - a.record.id)
      .slice(0, 200)
      .map((t) => this.toTransfer(t.record))
  }

  toTransfer(r: LiveTransfer['record']): Transfer {
    const device = describeDevice(r.userAgent ?? undefined)
    const position = r.status === 'queued' ? this.d.admission.positionOf(r.id) : -1
    return {
      id: r.id,
      tagCode: r.tagCode,
      tagLabel: this.d.library.tag(r.tagCode)?.label ?? null,
      videoId: r.videoId,
      videoTitle: this.d.library.title(r.videoId),
      rendition: r.rendition,
      tier: r.tier,
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
      variantId: r.variantId,
      seed: r.seed,
      remixFallback: r.remixFallback,
    }
  }
}

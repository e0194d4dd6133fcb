import type { Repos } from '../../db/repos'
import type { HistoryFilter } from '../../db/repos/history'
import type { Transfer } from '../../../shared/contract/transfers'
import type { HistoryQuerySchema, TimelineStep } from '../../../shared/contract/monitoring'
import type { Language } from '../../../shared/languages'
import type { z } from 'zod'
import { requireRole, type CallContext } from '../auth/actor'
import type { DeliveryService } from '../delivery/service'
import type { FunnelService } from '../funnel/service'
import { HubError } from '../errors'
import { csvHeader, csvRow } from './csv'

type Query = z.output<typeof HistoryQuerySchema>

// Steps at the same millisecond read in the order they happen: a resume opens a request, which then delivers.
const RANK: Record<TimelineStep['kind'], number> = {
  tap: 0,
  queued: 1,
  admitted: 2,
  resumed: 3,
  request: 4,
  completed: 5,
  aborted: 5,
  failed: 5,
  expired: 5,
}

/** Rows read per step of an export: big enough to be quick, small enough that each step leaves little garbage. */
const EXPORT_CHUNK = 500

export function toFilter(q: Pick<Query, 'from' | 'to' | 'tagId' | 'videoId' | 'status'>): HistoryFilter {
  const f: HistoryFilter = {}
  if (q.from) f.from = Date.parse(q.from)
  if (q.to) f.to = Date.parse(q.to)
  if (f.from !== undefined && f.to !== undefined && f.from >= f.to)
    throw new HubError('bad-request', 'the start of the time range must be before its end')
  if (q.tagId !== undefined) f.tagId = q.tagId
  if (q.videoId !== undefined) f.videoId = q.videoId
  if (q.status?.length) f.status = [...new Set(q.status)]
  return f
}

/** The transfers history: pages, one transfer with its timeline, and the CSV export. */
export class HistoryService {
  constructor(
    private readonly d: {
      repos: Repos
      delivery: DeliveryService
      /** What customers did with each transfer: the export's funnel columns. */
      funnel: Pick<FunnelService, 'stepsOf'>
    },
  ) {}

  page(ctx: CallContext, q: Query): { total: number; page: number; pageSize: number; rows: Transfer[] } {
    requireRole(ctx, 'viewer')
    this.d.delivery.flush()
    const { total, ids } = this.d.repos.history.page({
      filter: toFilter(q),
      sort: q.sort,
      order: q.order,
      offset: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    })
    const rows = ids
      .map((id) => this.d.repos.delivery.findById(id))
      .filter((r) => r !== null)
      .map((r) => this.d.delivery.view(r))
    return { total, page: q.page, pageSize: q.pageSize, rows }
  }

  get(ctx: CallContext, id: number): { transfer: Transfer; timeline: TimelineStep[] } {
    requireRole(ctx, 'viewer')
    this.d.delivery.flush()
    const r = this.d.repos.delivery.findById(id)
    if (!r) throw new HubError('transfer-not-found', `no transfer ${id}`)
    const iso = (t: number) => new Date(t).toISOString()
    const tap = this.d.repos.history.tapOf(id)
    const timeline: TimelineStep[] = [
      {
        at: iso(tap?.at ?? r.createdAt),
        kind: 'tap',
        rangeStart: null,
        rangeEnd: null,
        bytes: null,
        note: tap?.outcome ?? null,
      },
      ...this.d.repos.history
        .timeline(id)
        .map((e, i) => ({ ...e, i }))
        // A request is logged when it ends but dated when it began: order by time, not by writing.
        .sort((a, b) => a.at - b.at || RANK[a.kind] - RANK[b.kind] || a.i - b.i)
        .map(({ i: _i, ...e }) => ({ ...e, at: iso(e.at) })),
    ]
    return { transfer: this.d.delivery.view(r), timeline }
  }

  /**
   * The CSV of every matching transfer, oldest first, as text pieces of 500 rows. The caller writes each
   * piece and waits for the socket to drain before asking for the next: memory stays flat for any size.
   */
  *exportCsv(ctx: CallContext, filter: HistoryFilter, lang: Language): Generator<string> {
    requireRole(ctx, 'viewer')
    this.d.delivery.flush()
    yield csvHeader(lang)
    let after = 0
    for (;;) {
      const rows = this.d.repos.history.exportChunk(filter, after, EXPORT_CHUNK)
      if (rows.length === 0) return
      // One query for the steps of the whole chunk.
      const steps = this.d.funnel.stepsOf(rows.map((r) => r.id))
      let text = ''
      for (const r of rows) text += csvRow(r, lang, steps.get(r.id))
      after = rows[rows.length - 1]!.id
      yield text
      if (rows.length < EXPORT_CHUNK) return
    }
  }
}

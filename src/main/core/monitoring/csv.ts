import type { ExportRow } from '../../db/repos/history'
import type { Language } from '../../../shared/languages'
import type { Transfer, TransferStatus } from '../../../shared/contract/transfers'
import { FunnelEventKindSchema, type FunnelEvent } from '../../../shared/contract/funnel'
import { LABELS, type TransferField } from '../../../shared/labels'
import { describeDevice } from '../delivery/device'

/** Excel reads a UTF-8 CSV as the local code page unless it starts with a byte-order mark. */
export const BOM = '\uFEFF'

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (a user agent or a tag label starting
 * with =, +, -, @) is prefixed with an apostrophe: the file comes partly from phones, so it is treated as untrusted.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  let s = value
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvLine(cells: Array<string | number | null>): string {
  return cells.map(csvCell).join(',') + '\r\n'
}

const COLUMNS: TransferField[] = [
  'id',
  'time',
  'tag',
  'tagCode',
  'video',
  'rendition',
  'tier',
  'os',
  'browser',
  'ip',
  'deviceId',
  'status',
  'sizeBytes',
  'deliveredBytes',
  'wireBytes',
  'requests',
  'startedAt',
  'finishedAt',
  'reason',
]

/** Local time as spreadsheets parse it: `2026-11-24 15:04:05`. */
export function localTime(t: number | null): string | null {
  if (t === null) return null
  const d = new Date(t)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** What the customer did, one column per step after the transfer's own (headers: `LABELS[lang].funnelStep`). */
const STEPS = FunnelEventKindSchema.options

export function csvHeader(lang: Language): string {
  return (
    BOM +
    csvLine([
      ...COLUMNS.map((c) => LABELS[lang].transferField[c]),
      ...STEPS.map((k) => LABELS[lang].funnelStep[k]),
    ])
  )
}

/**
 * The funnel columns of one transfer: when each step first happened (empty: it did not); for a platform choice the
 * platforms in the order they were chosen, for a Douyin share its share id.
 */
function stepCells(steps: readonly FunnelEvent[], lang: Language): Array<string | null> {
  return STEPS.map((kind) => {
    const mine = steps.filter((e) => e.kind === kind)
    if (mine.length === 0) return null
    if (kind === 'platform-chosen') {
      const chosen = mine
        .filter((e) => e.platform !== null)
        .sort((a, b) => Date.parse(a.firstAt) - Date.parse(b.firstAt))
        .map((e) => LABELS[lang].platform[e.platform!])
      return chosen.join(' / ') || null
    }
    if (kind === 'douyin-share-id') return mine[0]!.detail
    return localTime(Date.parse(mine[0]!.firstAt))
  })
}

export function csvRow(r: ExportRow, lang: Language, steps: readonly FunnelEvent[] = []): string {
  const device = describeDevice(r.user_agent ?? undefined)
  // The console's words for the same status and tier.
  const words = LABELS[lang]
  return csvLine([
    r.id,
    localTime(r.created_at),
    r.tag_label,
    r.tag_code,
    r.video_title,
    r.rendition,
    words.tier[r.tier as Transfer['tier']] ?? r.tier,
    device.os,
    device.browser,
    r.ip,
    r.device_id,
    words.transferStatus[r.status as TransferStatus] ?? r.status,
    r.bytes_total,
    r.bytes_sent,
    r.wire_bytes,
    r.requests,
    localTime(r.started_at),
    localTime(r.finished_at),
    r.error,
    ...stepCells(steps, lang),
  ])
}

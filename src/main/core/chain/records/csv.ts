import type { ChainRecordsDay, ChainRecordsStore } from '../../../../shared/contract/chain'
import { formatShare, shareOf } from '../../../../shared/funnel/stages'
import { LABELS, type ChainRecordsField } from '../../../../shared/labels'
import type { Language } from '../../../../shared/languages'
import { BOM, csvLine, localTime } from '../../monitoring/csv'

// The chain dashboard's tables as CSV, with the transfers export's writer (a BOM for Excel, CRLF, cells that a
// spreadsheet would run defused) and the console's column names (`LABELS[lang].chainRecordsField`).

const STORE_COLUMNS: ChainRecordsField[] = [
  'storeId',
  'store',
  'taps',
  'transfers',
  'completed',
  'completedShare',
  'failed',
  'expired',
  'funnel',
  'lastRecord',
  'received',
  'quarantined',
]

const at = (iso: string | null) => (iso === null ? null : localTime(Date.parse(iso)))

/** One row per store, as the chain dashboard's table shows them for the period. */
export function recordsStoresCsv(
  rows: readonly ChainRecordsStore[],
  names: ReadonlyMap<string, string | null>,
  lang: Language,
): string {
  let out = BOM + csvLine(STORE_COLUMNS.map((c) => LABELS[lang].chainRecordsField[c]))
  for (const r of rows)
    out += csvLine([
      r.store,
      names.get(r.store) ?? null,
      r.taps,
      r.transfers,
      r.completed,
      formatShare(shareOf(r.completed, r.transfers)),
      r.failed,
      r.expired,
      r.funnel,
      at(r.lastRecordAt),
      at(r.lastAppliedAt),
      r.quarantined,
    ])
  return out
}

/** One row per day of the trend, oldest first. */
export function recordsDaysCsv(days: readonly ChainRecordsDay[], lang: Language): string {
  const w = LABELS[lang]
  const f = w.chainRecordsField
  let out =
    BOM +
    csvLine([f.day, f.taps, f.transfers, f.completed, f.failed, f.expired, w.funnelStep['platform-chosen']])
  for (const d of days)
    out += csvLine([d.day, d.taps, d.transfers, d.completed, d.failed, d.expired, d.published])
  return out
}

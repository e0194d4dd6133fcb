import type { Batch, BatchItemState } from '../../../../shared/contract/nfc'

/** The colour of each placed tag's result, the same in the summary and the list. */
export const STATE_COLOR: Record<BatchItemState, string> = {
  working: 'processing',
  ok: 'success',
  known: 'blue',
  rebound: 'cyan',
  'needs-confirmation': 'warning',
  failed: 'error',
}

/** The label sheet of the tags the batch wrote or rebound (null: none yet). */
export function labelsUrl(batch: Batch, lang: string): string | null {
  const ids = batch.items.filter((i) => i.state === 'ok' || i.state === 'rebound').map((i) => i.tag!.id)
  return ids.length ? `/labels.pdf?tags=${[...new Set(ids)].join(',')}&lang=${lang}` : null
}

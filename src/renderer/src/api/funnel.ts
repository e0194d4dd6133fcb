import type { FunnelQuery } from '../../../shared/contract/funnel'
import { useApiQuery } from './queries'

// Kept current by the hub's `funnel-changed` and `tap` events (live.tsx); the previous answer stays in view while a
// new period or selection loads, so the charts do not flash empty.

/** The funnel of the store, a tag or a video over a period. */
export const useFunnelCounts = (q: FunnelQuery, enabled = true) =>
  useApiQuery('funnel-counts', q, { enabled, placeholderData: (previous) => previous })

/** The funnel per tag or per video over a period (those without taps left out). */
export const useFunnelBreakdown = (
  by: 'tag' | 'video',
  q: Omit<FunnelQuery, 'tagId' | 'videoId'> = {},
  enabled = true,
) =>
  useApiQuery(
    'funnel-breakdown',
    { ...q, by },
    {
      enabled,
      // Another period of the same grouping stays in view; tags' rows never stand in for videos'.
      placeholderData: (previous, query) =>
        (query?.queryKey[1] as { by?: string } | undefined)?.by === by ? previous : undefined,
    },
  )

/** What the customer did with one transfer (nothing while `id` is null). */
export const useTransferFunnel = (id: number | null) =>
  useApiQuery('funnel-transfer', { id: id ?? 1 }, { enabled: id !== null })

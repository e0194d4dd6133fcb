import { z } from 'zod'
import type { ChainStore } from '../../../shared/contract/chain'

/**
 * What a store writes about itself to `stores/<id>/status.json` (its heartbeat), and headquarters reads for its
 * list of stores. Small (well under 1 KB), written over each time; never a key, never a path of the store's PC.
 */
export const StoreStatusSchema = z.object({
  v: z.literal(1),
  storeId: z.string(),
  storeName: z.string().nullable(),
  at: z.string(),
  appVersion: z.string(),
  state: z.string(),
  catalogVersion: z.number().nullable(),
  availableVersion: z.number().nullable(),
  lastSyncAt: z.string().nullable(),
  progress: z
    .object({ files: z.number(), filesDone: z.number(), bytes: z.number(), bytesDone: z.number() })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  disk: z.object({ freeBytes: z.number(), totalBytes: z.number() }).nullable(),
  videos: z.number(),
})
export type StoreStatus = z.infer<typeof StoreStatusSchema>

/** A store's status object as headquarters lists it; what does not parse is shown with the reason. */
export function storeFromStatus(storeId: string, body: Buffer | null, problem: string | null): ChainStore {
  const blank: ChainStore = {
    storeId,
    storeName: null,
    lastSeenAt: null,
    appVersion: null,
    state: 'unknown',
    catalogVersion: null,
    availableVersion: null,
    lastSyncAt: null,
    progress: null,
    error: null,
    disk: null,
    videos: 0,
    problem,
  }
  if (!body) return blank
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    return { ...blank, problem: 'its status object is not JSON' }
  }
  const s = StoreStatusSchema.safeParse(json)
  if (!s.success || s.data.storeId !== storeId)
    return { ...blank, problem: 'its status object is not one this hub can read' }
  return {
    storeId,
    storeName: s.data.storeName,
    lastSeenAt: s.data.at,
    appVersion: s.data.appVersion,
    state: s.data.state,
    catalogVersion: s.data.catalogVersion,
    availableVersion: s.data.availableVersion,
    lastSyncAt: s.data.lastSyncAt,
    progress: s.data.progress,
    error: s.data.error,
    disk: s.data.disk,
    videos: s.data.videos,
    problem: null,
  }
}

import type { ChainStore } from '../../../../shared/contract/chain'
import { listAll } from '../listing'
import { STORES_PREFIX, storeIdOfStatusKey } from '../keys'
import { isObjectStoreError, type ObjectStore } from '../object-store'
import { storeFromStatus } from '../store-status'

/** Status objects already read, by key: unchanged ones cost a conditional GET without a body. */
export type StatusCache = Map<string, { etag: string; body: Buffer }>

/**
 * Every store that has written its status object, read from the bucket (one listing, then one conditional GET per
 * store), in order of store id.
 */
export async function listStores(store: ObjectStore, seen: StatusCache): Promise<ChainStore[]> {
  const out: ChainStore[] = []
  const keys: string[] = []
  for await (const o of listAll(store, STORES_PREFIX)) if (storeIdOfStatusKey(o.key)) keys.push(o.key)
  if (seen.size > 10_000) seen.clear()
  await Promise.all(
    keys.map(async (key) => {
      const id = storeIdOfStatusKey(key)!
      const cacheKey = `${store.location} ${key}`
      const cached = seen.get(cacheKey)
      try {
        const got = await store.get(key, { ifNoneMatch: cached?.etag, maxBytes: 64 * 1024 })
        const body = got.status === 'ok' ? got.body : cached!.body
        if (got.status === 'ok') seen.set(cacheKey, { etag: got.info.etag, body: got.body })
        out.push(storeFromStatus(id, body, null))
      } catch (err) {
        if (isObjectStoreError(err, 'not-found')) return
        out.push(storeFromStatus(id, null, (err as Error).message))
      }
    }),
  )
  return out.sort((a, b) => a.storeId.localeCompare(b.storeId))
}

/**
 * The stores as last read (the status cache), when the bucket cannot be listed now: HQ keeps showing what it knew,
 * each store with `problem` saying why it is not current, rather than "no store has reported yet".
 */
export function cachedStores(location: string, seen: StatusCache, problem: string): ChainStore[] {
  const out: ChainStore[] = []
  for (const [cacheKey, { body }] of seen) {
    if (!cacheKey.startsWith(`${location} `)) continue
    const id = storeIdOfStatusKey(cacheKey.slice(location.length + 1))
    if (id) out.push({ ...storeFromStatus(id, body, null), problem })
  }
  return out.sort((a, b) => a.storeId.localeCompare(b.storeId))
}

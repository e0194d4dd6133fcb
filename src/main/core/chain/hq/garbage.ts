import { parseMeta, type Catalog, type FileRef, type VideoMeta } from '../catalog'
import { editCatalog, readCurrentCatalog } from '../catalog-io'
import { CATALOG_POINTER, CATALOG_PREFIX, MEDIA_PREFIX, META_PREFIX } from '../keys'
import { listAll } from '../listing'
import { isObjectStoreError, type ObjectStore } from '../object-store'

/** Metadata objects never change (their key is their SHA-256): read once per hub. */
const metas = new Map<string, VideoMeta | null>()

async function metaOf(store: ObjectStore, ref: FileRef): Promise<VideoMeta | null> {
  if (metas.has(ref.sha256)) return metas.get(ref.sha256)!
  if (metas.size > 50_000) metas.clear()
  try {
    const got = await store.get(ref.key)
    const meta = got.status === 'ok' ? parseMeta(got.body, ref.key) : null
    metas.set(ref.sha256, meta)
    return meta
  } catch (err) {
    if (isObjectStoreError(err, 'not-found')) return null
    throw err
  }
}

const filesOf = (m: VideoMeta): string[] => [
  ...m.renditions.map((r) => r.file.key),
  m.poster.key,
  m.thumb.key,
]

export interface GarbageResult {
  deleted: number
  retired: number
  catalogs: number
}

/**
 * Deletes from the bucket what nothing needs any more, never sooner than the grace period after the catalog let go
 * of it (stores still syncing an older catalog may be fetching it):
 * - media and metadata objects that neither the catalog's videos nor its retired videos still within the grace
 *   period name, and that were written before the grace period (a publish uploading right now is not touched);
 * - catalog versions older than the grace period, but the one in effect;
 * then a new catalog version without the retired entries whose time is up.
 */
export async function collectGarbage(
  store: ObjectStore,
  o: { graceMs: number; now: () => number; by: string },
): Promise<GarbageResult> {
  const cutoff = o.now() - o.graceMs
  const current = await readCurrentCatalog(store)
  const c: Catalog = current.catalog
  const keep = new Set<string>()
  const due = c.retired.filter((r) => Date.parse(r.at) <= cutoff)
  const kept = [
    ...c.videos.map((v) => v.meta),
    ...c.retired.filter((r) => !due.includes(r)).map((r) => r.meta),
  ]
  for (const ref of kept) {
    keep.add(ref.key)
    const meta = await metaOf(store, ref)
    // A metadata object that cannot be read: nothing is deleted this time rather than something still named.
    if (!meta) return { deleted: 0, retired: 0, catalogs: 0 }
    for (const k of filesOf(meta)) keep.add(k)
  }
  const doomed: string[] = []
  for (const prefix of [MEDIA_PREFIX, META_PREFIX])
    for await (const obj of listAll(store, prefix)) {
      const written = obj.lastModified ? Date.parse(obj.lastModified) : o.now()
      if (!keep.has(obj.key) && written <= cutoff) doomed.push(obj.key)
    }
  let catalogs = 0
  for await (const obj of listAll(store, CATALOG_PREFIX)) {
    if (obj.key === CATALOG_POINTER || obj.key === current.key) continue
    const written = obj.lastModified ? Date.parse(obj.lastModified) : o.now()
    if (written <= cutoff) {
      doomed.push(obj.key)
      catalogs++
    }
  }
  if (doomed.length) await store.deleteMany(doomed)
  if (due.length) {
    const ids = new Set(due.map((r) => `${r.id} ${r.at}`))
    await editCatalog(
      store,
      (next) => {
        const before = next.retired.length
        next.retired = next.retired.filter((r) => !ids.has(`${r.id} ${r.at}`))
        return next.retired.length === before ? null : next
      },
      { by: o.by, now: o.now },
    )
  }
  return { deleted: doomed.length, retired: due.length, catalogs }
}

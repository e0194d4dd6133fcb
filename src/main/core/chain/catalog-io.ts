import { HubError } from '../errors'
import { CatalogSchema, emptyCatalog, parseCatalog, type Catalog } from './catalog'
import { CATALOG_POINTER, catalogKey } from './keys'
import { isObjectStoreError, type ObjectStore } from './object-store'
import { readPointed, readPointer, writeThenPoint } from './pointer'

/** The catalog in effect and the ETag of the pointer naming it (null: nothing published yet). */
export interface CurrentCatalog {
  catalog: Catalog
  pointerEtag: string | null
  key: string | null
}

/** Reads the catalog the pointer names, checked against the pointer's size and SHA-256, and parsed. */
export async function readCurrentCatalog(store: ObjectStore, signal?: AbortSignal): Promise<CurrentCatalog> {
  const read = await readPointer(store, CATALOG_POINTER, { signal })
  if (read.status === 'missing') return { catalog: emptyCatalog(), pointerEtag: null, key: null }
  if (read.status !== 'ok') throw new Error('unreachable: no If-None-Match was sent')
  const body = await readPointed(store, read.pointer, { maxBytes: 64 * 1024 * 1024, signal })
  return { catalog: parseCatalog(body, read.pointer.key), pointerEtag: read.etag, key: read.pointer.key }
}

export interface CatalogEdit {
  catalog: Catalog
  /** False when the edit found nothing to change (no new version was written). */
  changed: boolean
  /** Times another writer got in first and the edit was made again on what it wrote. */
  raced: number
}

/**
 * Changes the catalog: read the one in effect, apply `edit` to a copy (null: nothing to change), write it as the next
 * version under a new key, then swap the pointer only if it still names what was read (compare-and-swap on its
 * ETag). Two headquarters consoles publishing at once cannot both win: the loser reads what the winner wrote and
 * makes its edit again on top, up to `attempts` times, then says so. A catalog that would not parse is never written.
 */
export async function editCatalog(
  store: ObjectStore,
  edit: (catalog: Catalog) => Catalog | null,
  options: { by: string; attempts?: number; signal?: AbortSignal; now?: () => number },
): Promise<CatalogEdit> {
  const attempts = options.attempts ?? 5
  const now = options.now ?? Date.now
  for (let raced = 0; ; raced++) {
    const current = await readCurrentCatalog(store, options.signal)
    const edited = edit(structuredClone(current.catalog))
    if (edited === null) return { catalog: current.catalog, changed: false, raced }
    const next = CatalogSchema.parse({
      ...edited,
      version: current.catalog.version + 1,
      publishedAt: new Date(now()).toISOString(),
      publishedBy: options.by.slice(0, 200),
    })
    const key = catalogKey(next.version)
    try {
      await writeThenPoint(
        store,
        CATALOG_POINTER,
        { key, body: JSON.stringify(next), contentType: 'application/json' },
        { expect: current.pointerEtag, extra: { version: next.version }, signal: options.signal },
      )
      return { catalog: next, changed: true, raced }
    } catch (err) {
      if (!isObjectStoreError(err, 'changed')) throw err
      // The version this writer lost with is never named by a pointer: nobody reads it.
      await store.delete(key).catch(() => {})
      if (raced + 1 >= attempts)
        throw new HubError(
          'chain-changed',
          `another headquarters console changed the catalog at the same moment ${attempts} times in a row; nothing was published — try again`,
          { raced: raced + 1 },
        )
    }
  }
}

import { randomBytes } from 'node:crypto'

/**
 * The bucket's layout, in one place. Files and metadata are content-addressed (the key is the SHA-256 of the bytes,
 * so the same bytes are stored once and an object is never rewritten); a catalog version gets a new key each time;
 * only the pointer and each store's status are written over.
 *
 *   media/<sha256>.mp4 | .jpg      renditions, posters, thumbnails
 *   meta/<sha256>.json             a video's metadata (title, renditions, captions)
 *   catalog/<version>-<rand>.json  one catalog version (never rewritten)
 *   catalog/current                the pointer naming the catalog in effect (compare-and-swap)
 *   stores/<storeId>/status.json   what each store last said about itself (its heartbeat)
 */
export const CATALOG_POINTER = 'catalog/current'
export const CATALOG_PREFIX = 'catalog/'
export const MEDIA_PREFIX = 'media/'
export const META_PREFIX = 'meta/'
export const STORES_PREFIX = 'stores/'

export const mediaKey = (sha256: string, ext: 'mp4' | 'jpg'): string => `${MEDIA_PREFIX}${sha256}.${ext}`
export const metaKey = (sha256: string): string => `${META_PREFIX}${sha256}.json`
export const storeStatusKey = (storeId: string): string => `${STORES_PREFIX}${storeId}/status.json`

/** Versions sort as text too (zero-padded); the random tail keeps two writers of one version apart. */
export const catalogKey = (version: number): string =>
  `${CATALOG_PREFIX}${String(version).padStart(10, '0')}-${randomBytes(4).toString('hex')}.json`

/** `stores/<id>/status.json` → `<id>`; anything else → null. */
export function storeIdOfStatusKey(key: string): string | null {
  return /^stores\/([a-z0-9][a-z0-9-]{0,39})\/status\.json$/.exec(key)?.[1] ?? null
}

export const contentTypeOf = (key: string): string =>
  key.endsWith('.mp4') ? 'video/mp4' : key.endsWith('.jpg') ? 'image/jpeg' : 'application/json'

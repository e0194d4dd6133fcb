import { z } from 'zod'
import { ObjectStoreError, type ObjectStore, type PutOptions, type PutResult } from './object-store'

/**
 * "Write a new object, then a pointer to it": how the chain changes what readers see in one step. The object goes
 * under a key never used before (content-addressed, or with a version in it); the pointer, a small JSON object under
 * a fixed key, is written last and names it with its size and SHA-256. A reader that polls the pointer (conditional
 * GET on its ETag: one request and no body while nothing changed) sees the old object or the new one, never a
 * half-written one, because the new object was complete before the pointer named it.
 */
export const PointerSchema = z.object({
  v: z.literal(1),
  /** The object pointed at. */
  key: z.string().min(1).max(1024),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  etag: z.string(),
  writtenAt: z.string(),
  /** Whatever the writer wants readers to know without fetching the object (a catalog version, say). */
  extra: z.record(z.string(), z.unknown()).optional(),
})
export type Pointer = z.infer<typeof PointerSchema>

export interface PointerWrite {
  target: PutResult
  pointer: Pointer
  /** The pointer object's own ETag: pass it as `ifMatch` next time to replace exactly this one. */
  pointerEtag: string
}

export interface PointTo {
  key: string
  body: Uint8Array | string
  contentType?: string
  metadata?: Record<string, string>
}

/**
 * Writes `target`, then the pointer at `pointerKey` naming it. `expect` makes the pointer a compare-and-swap: the
 * ETag of the pointer the writer read (it must still be that one), or null (there must be none yet); a writer that
 * lost the race gets reason `changed` and its object stays unnamed (clean it up or reuse it).
 */
export async function writeThenPoint(
  store: ObjectStore,
  pointerKey: string,
  target: PointTo,
  options: { expect?: string | null; extra?: Record<string, unknown>; signal?: AbortSignal } = {},
): Promise<PointerWrite> {
  const written = await store.put(target.key, target.body, {
    contentType: target.contentType,
    metadata: target.metadata,
    signal: options.signal,
  })
  const pointer: Pointer = {
    v: 1,
    key: written.key,
    size: written.size,
    sha256: written.sha256,
    etag: written.etag,
    writtenAt: new Date().toISOString(),
    ...(options.extra ? { extra: options.extra } : {}),
  }
  const condition: PutOptions =
    options.expect === undefined
      ? {}
      : options.expect === null
        ? { ifNoneMatch: '*' }
        : { ifMatch: options.expect }
  const put = await store.put(pointerKey, JSON.stringify(pointer), {
    contentType: 'application/json',
    signal: options.signal,
    ...condition,
  })
  return { target: written, pointer, pointerEtag: put.etag }
}

export type PointerRead =
  | { status: 'not-modified'; etag: string }
  | { status: 'missing' }
  | { status: 'ok'; etag: string; pointer: Pointer }

/** Reads the pointer; with the ETag last seen, an unchanged pointer costs one request and no body. */
export async function readPointer(
  store: ObjectStore,
  pointerKey: string,
  options: { ifNoneMatch?: string; signal?: AbortSignal } = {},
): Promise<PointerRead> {
  let got
  try {
    got = await store.get(pointerKey, {
      ifNoneMatch: options.ifNoneMatch,
      maxBytes: 64 * 1024,
      signal: options.signal,
    })
  } catch (err) {
    if (err instanceof ObjectStoreError && err.reason === 'not-found') return { status: 'missing' }
    throw err
  }
  if (got.status === 'not-modified') return got
  let parsed: unknown
  try {
    parsed = JSON.parse(got.body.toString('utf8'))
  } catch {
    parsed = undefined
  }
  const pointer = PointerSchema.safeParse(parsed)
  if (!pointer.success)
    throw new ObjectStoreError('invalid', `${pointerKey} is not a pointer this hub can read`, {
      op: 'get',
      key: pointerKey,
    })
  return { status: 'ok', etag: got.info.etag, pointer: pointer.data }
}

/** The object a pointer names (small: a catalog, a manifest), checked against the pointer's SHA-256 and size. */
export async function readPointed(
  store: ObjectStore,
  pointer: Pointer,
  options: { maxBytes?: number; signal?: AbortSignal } = {},
): Promise<Buffer> {
  const got = await store.get(pointer.key, { maxBytes: options.maxBytes, signal: options.signal })
  if (got.status !== 'ok') throw new Error('unreachable: no If-None-Match was sent')
  if (got.body.length !== pointer.size || got.info.sha256 !== pointer.sha256)
    throw new ObjectStoreError(
      'checksum',
      `${pointer.key} is not the object its pointer names (size or SHA-256 differ): it was replaced or damaged`,
      { op: 'get', key: pointer.key },
    )
  return got.body
}

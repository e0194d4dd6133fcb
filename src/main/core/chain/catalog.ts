import { z } from 'zod'
import {
  ChainDateSchema,
  ChainGroupNameSchema,
  ChainLabelSchema,
  ChainStoreIdSchema,
  ChainTargetsSchema,
  ChainVideoIdSchema,
} from '../../../shared/contract/chain'
import { StrategySchema, type Strategy } from '../../../shared/contract/tags'
import { ObjectStoreError } from './object-store'

/**
 * What headquarters publishes and stores read: the wire formats between hubs, checked with zod like any other
 * input from outside (a store refuses a catalog that does not parse, and keeps the last good one).
 */

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/)

/**
 * One object in the bucket, as a catalog or a metadata object names it: readers check its size and its SHA-256, or
 * its BLAKE3 where it has one and the reader can compute it (checksum.ts). Headquarters without our addon names no
 * BLAKE3; a store without it checks the SHA-256.
 */
export const FileRefSchema = z.object({
  key: z.string().min(1).max(1024),
  sha256: Sha256,
  blake3: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  size: z.number().int().nonnegative(),
})
export type FileRef = z.infer<typeof FileRefSchema>

const Text = (max: number) => z.string().max(max)

/** A video's metadata object (`meta/<sha256>.json`): everything a store needs to record and serve it. */
export const VideoMetaSchema = z.object({
  v: z.literal(1),
  id: ChainVideoIdSchema,
  title: Text(200),
  description: Text(4000),
  sourceSha256: Sha256,
  durationMs: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  renditions: z
    .array(
      z.object({
        label: z.string().regex(/^\d{2,4}p$/),
        width: z.number().int().positive(),
        height: z.number().int().positive(),
        bitRate: z.number().int().nonnegative().nullable(),
        durationMs: z.number().int().nonnegative().nullable(),
        file: FileRefSchema,
      }),
    )
    .min(1)
    .max(8),
  poster: FileRefSchema,
  thumb: FileRefSchema,
  /** The video's own captions at headquarters (not per tag), in their order. */
  captions: z
    .array(
      z.object({
        text: Text(4000),
        hashtags: z.array(Text(64)).max(40),
        mentions: z.array(Text(64)).max(20),
        poi: Text(120).nullable(),
      }),
    )
    .max(100),
})
export type VideoMeta = z.infer<typeof VideoMetaSchema>

export const CatalogVideoSchema = z.object({
  id: ChainVideoIdSchema,
  title: Text(200),
  meta: FileRefSchema,
  /** Every file of it together (renditions, poster, thumbnail): what a store must fetch, for planning. */
  bytes: z.number().int().nonnegative(),
  stores: ChainTargetsSchema,
  publishedAt: z.string(),
})
export type CatalogVideo = z.infer<typeof CatalogVideoSchema>

export const CatalogBindingSchema = z.object({
  id: z.string().regex(/^b-[0-9a-f]{8,16}$/),
  label: ChainLabelSchema,
  videos: z.array(ChainVideoIdSchema).min(1).max(50),
  strategy: StrategySchema,
  stores: ChainTargetsSchema,
  from: ChainDateSchema.nullable(),
  to: ChainDateSchema.nullable(),
  createdAt: z.string(),
})
export type CatalogBinding = z.infer<typeof CatalogBindingSchema>

/** A video taken out of the catalog: its files stay in the bucket until the grace period has passed. */
export const RetiredSchema = z.object({ id: ChainVideoIdSchema, meta: FileRefSchema, at: z.string() })

export const CatalogSchema = z
  .object({
    v: z.literal(1),
    version: z.number().int().positive(),
    publishedAt: z.string(),
    publishedBy: Text(200),
    videos: z.array(CatalogVideoSchema).max(10_000),
    bindings: z.array(CatalogBindingSchema).max(10_000),
    groups: z.record(ChainGroupNameSchema, z.array(ChainStoreIdSchema).max(1000)),
    retired: z.array(RetiredSchema).max(100_000),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>()
    for (const v of c.videos) {
      if (ids.has(v.id)) ctx.addIssue({ code: 'custom', message: `video ${v.id} is listed twice` })
      ids.add(v.id)
    }
    for (const b of c.bindings)
      for (const id of b.videos)
        if (!ids.has(id))
          ctx.addIssue({
            code: 'custom',
            message: `binding ${b.id} plays ${id}, which the catalog does not hold`,
          })
  })
export type Catalog = z.infer<typeof CatalogSchema>

/** The catalog before anything was published. */
export function emptyCatalog(): Catalog {
  return {
    v: 1,
    version: 0,
    publishedAt: '',
    publishedBy: '',
    videos: [],
    bindings: [],
    groups: {},
    retired: [],
  }
}

/** Parses a catalog object's bytes; what does not parse is refused with the first problems named. */
export function parseCatalog(bytes: Buffer, key: string): Catalog {
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch (err) {
    throw new ObjectStoreError('invalid', `the catalog ${key} is not JSON (${(err as Error).message})`, {
      op: 'catalog',
      key,
    })
  }
  const parsed = CatalogSchema.safeParse(json)
  if (!parsed.success)
    throw new ObjectStoreError(
      'invalid',
      `the catalog ${key} is not one this hub can read: ${problems(parsed.error)}`,
      {
        op: 'catalog',
        key,
      },
    )
  return parsed.data
}

export function parseMeta(bytes: Buffer, key: string): VideoMeta {
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch {
    json = undefined
  }
  const parsed = VideoMetaSchema.safeParse(json)
  if (!parsed.success)
    throw new ObjectStoreError(
      'invalid',
      `the video metadata ${key} is not one this hub can read: ${problems(parsed.error)}`,
      {
        op: 'meta',
        key,
      },
    )
  return parsed.data
}

function problems(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
}

/** Whether a list of targets names this store: `*`, its id, or a group it is in. */
export function targetsStore(
  targets: readonly string[],
  storeId: string,
  groups: Catalog['groups'],
): boolean {
  for (const t of targets) {
    if (t === '*' || t === storeId) return true
    if (t.startsWith('@') && groups[t.slice(1)]?.includes(storeId)) return true
  }
  return false
}

/** The bindings for this store. */
export function bindingsFor(catalog: Catalog, storeId: string): CatalogBinding[] {
  return catalog.bindings.filter((b) => targetsStore(b.stores, storeId, catalog.groups))
}

/** The videos a store should carry: those published to it, and those its bindings play. */
export function videosFor(catalog: Catalog, storeId: string): CatalogVideo[] {
  const bound = new Set(bindingsFor(catalog, storeId).flatMap((b) => b.videos))
  return catalog.videos.filter((v) => bound.has(v.id) || targetsStore(v.stores, storeId, catalog.groups))
}

/**
 * A binding's label names a placement: the tags labelled exactly so, and those a programming batch numbered from it
 * (`门口` also plays on `门口-01`, `门口-02` …). Compared after trimming, in Unicode's composed form.
 */
export function labelMatches(bindingLabel: string, tagLabel: string): boolean {
  const b = bindingLabel.trim().normalize('NFC')
  const t = tagLabel.trim().normalize('NFC')
  if (!b) return false
  return t === b || (t.startsWith(`${b}-`) && /^\d+$/.test(t.slice(b.length + 1)))
}

/** The store PC's local day (`2026-12-01`): bindings start and end on the store's own calendar. */
export function localDay(at: number): string {
  const d = new Date(at)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export function activeOn(b: Pick<CatalogBinding, 'from' | 'to'>, day: string): boolean {
  return (b.from === null || b.from <= day) && (b.to === null || day <= b.to)
}

/** One video plays as it is; a campaign of several goes round them unless the binding says otherwise. */
export function defaultStrategy(videos: number): Strategy {
  return videos > 1 ? 'rotate' : 'fixed'
}

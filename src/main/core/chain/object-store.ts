import type { Readable } from 'node:stream'
import type { ErrorCode } from '../../../shared/errors'
import { HubError } from '../errors'

/**
 * What the chain needs from an object store: the port. Core declares it; `src/main/chain/s3-store.ts` implements it
 * for any S3-compatible store (Ceph RGW, MinIO, Aliyun OSS, Tencent COS, AWS S3) and app/ passes it in. Keys are
 * '/'-separated, without a leading '/'. Every failure is an ObjectStoreError with one of the reasons below.
 *
 * Integrity: every write sends Content-MD5, which the store checks before it keeps the bytes (a part of a multipart
 * upload too), and records the whole object's SHA-256 as user metadata (`x-amz-meta-sha256`), which readers check
 * (RGW 16 ignores x-amz-checksum-sha256, so that header proves nothing there).
 */
export interface ObjectStore {
  /** "bucket B at https://…" for messages and logs; never a key. */
  readonly location: string
  /** Reaches the bucket with the keys (HEAD bucket): resolves, or throws the reason it cannot. */
  probe(signal?: AbortSignal): Promise<void>
  /** A small object from memory, in one request. */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<PutResult>
  /** A file of any size; multipart above the implementation's threshold, each part checked by the store. */
  putFile(key: string, path: string, options?: PutFileOptions): Promise<PutResult>
  /**
   * A small object into memory, checked against its recorded SHA-256 (or its MD5 ETag). With `ifNoneMatch` (the ETag
   * the caller holds) an unchanged object costs one request and no body: `{ status: 'not-modified' }`.
   */
  get(key: string, options?: GetOptions): Promise<GetResult>
  /** The object's bytes from `start`, as a stream; `ifMatch` refuses (reason `changed`) an object replaced since. */
  openRead(key: string, options?: OpenReadOptions): Promise<OpenedRead>
  /** The object's description, or null when there is none. */
  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null>
  /** One page of the objects whose keys start with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListPage>
  /** Removes the object; an absent one is not an error. */
  delete(key: string): Promise<void>
  /** Removes up to any number of objects (in batches the store accepts); absent ones are not an error. */
  deleteMany(keys: string[]): Promise<void>
  /** Lets go of kept-alive connections; the store is not used afterwards. */
  close(): void
}

export interface ObjectInfo {
  key: string
  size: number
  /** The store's ETag with its quotes (`"…"`, or `"…-N"` after a multipart upload). Compare it; do not parse it. */
  etag: string
  lastModified: string | null
  /** The writer's SHA-256 of the whole object (hex), from its metadata; null in listings and for foreign objects. */
  sha256: string | null
  contentType: string | null
  /** User metadata (lower-case names, without `x-amz-meta-`); empty in listings. */
  metadata: Record<string, string>
}

export interface PutOptions {
  contentType?: string
  /** User metadata: lower-case ASCII names; `sha256` is set by the store itself. */
  metadata?: Record<string, string>
  /** `'*'`: write only if no object has this key (a content-addressed object written once; `changed` otherwise). */
  ifNoneMatch?: '*'
  /** Write only if the current object still has this ETag (compare-and-swap on a pointer; `changed` otherwise). */
  ifMatch?: string
  signal?: AbortSignal
}

export interface PutFileOptions extends PutOptions {
  /** The file's SHA-256 (hex) when the caller knows it already (it names content-addressed keys); else computed. */
  sha256?: string
  onProgress?: (sent: number, total: number) => void
}

export interface PutResult {
  key: string
  etag: string
  size: number
  sha256: string
}

export interface GetOptions {
  ifNoneMatch?: string
  /** Larger objects are refused (reason `invalid`) before their body is read. Default 16 MiB. */
  maxBytes?: number
  signal?: AbortSignal
}

export type GetResult =
  { status: 'ok'; info: ObjectInfo; body: Buffer } | { status: 'not-modified'; etag: string }

export interface OpenReadOptions {
  start?: number
  ifMatch?: string
  signal?: AbortSignal
}

export interface OpenedRead {
  info: ObjectInfo
  /** The first byte's offset (the `start` asked for). */
  start: number
  body: Readable
  /** How long the body may be silent before the store's client gives up (a reader taking the socket over keeps it). */
  idleMs?: number
}

export interface ListOptions {
  /** Objects per page (the store may give fewer). Default 1000. */
  pageSize?: number
  /** The `next` of the previous page. */
  continuation?: string
  /** Only keys after this one (the first page; `continuation` carries it on). */
  startAfter?: string
  signal?: AbortSignal
}

export interface ListPage {
  objects: ObjectInfo[]
  /** Pass as `continuation` for the next page; null after the last. */
  next: string | null
}

/** Why an object-store call failed, each with the error code the API and the console use. */
export const OBJECT_STORE_FAILURES = {
  /** Wrong access key id or secret (InvalidAccessKeyId, SignatureDoesNotMatch). */
  credentials: 'chain-credentials',
  /** The keys are right but may not do this (AccessDenied). */
  forbidden: 'chain-forbidden',
  /** The bucket does not exist (NoSuchBucket). */
  'no-bucket': 'chain-no-bucket',
  /** This PC's clock is too far from the store's (RequestTimeTooSkewed). */
  'clock-skew': 'chain-clock-skew',
  /** No object has this key. */
  'not-found': 'chain-not-found',
  /** The bytes do not match their checksum (refused by the store on write, or by us on read). */
  checksum: 'chain-checksum',
  /** A condition failed: the object was replaced (If-Match) or exists already (If-None-Match: *). */
  changed: 'chain-changed',
  /** No answer: refused, reset, timed out, no route, DNS (after the retries). */
  network: 'chain-unreachable',
  /** The store's certificate is not trusted (set the CA file) or names another host. */
  tls: 'chain-tls',
  /** The store failed (5xx, after the retries). */
  server: 'chain-server',
  /** An object is not what it should be (too large, not parseable). */
  invalid: 'chain-invalid',
  /** Any other refusal. */
  refused: 'chain-refused',
} as const satisfies Record<string, ErrorCode>

export type ObjectStoreFailure = keyof typeof OBJECT_STORE_FAILURES

/**
 * A failed object-store call. `details` holds the reason, the operation, the key and the store's own error code and
 * HTTP status: never a key pair, never a signed header.
 */
export class ObjectStoreError extends HubError {
  readonly reason: ObjectStoreFailure

  constructor(
    reason: ObjectStoreFailure,
    message: string,
    details: { op: string; key?: string; status?: number; storeCode?: string } & Record<string, unknown>,
  ) {
    super(OBJECT_STORE_FAILURES[reason], message, { reason, ...details })
    this.name = 'ObjectStoreError'
    this.reason = reason
  }

  /** Worth another try after a pause: the store or the network may come back. */
  get transient(): boolean {
    return this.reason === 'network' || this.reason === 'server'
  }
}

export function isObjectStoreError(err: unknown, reason?: ObjectStoreFailure): err is ObjectStoreError {
  return err instanceof ObjectStoreError && (reason === undefined || err.reason === reason)
}

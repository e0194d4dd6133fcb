import { createHash } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { Readable } from 'node:stream'
import { rootCertificates } from 'node:tls'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3'
import type { Logger } from 'pino'
import type {
  GetOptions,
  GetResult,
  ListOptions,
  ListPage,
  ObjectInfo,
  ObjectStore,
  OpenReadOptions,
  OpenedRead,
  PutFileOptions,
  PutOptions,
  PutResult,
} from '../core/chain/object-store'
import { isObjectStoreError, type ObjectStoreError } from '../core/chain/object-store'
import type { ChainConnection } from '../core/chain/settings'
import { classify, storeError, type Where } from './s3-errors'

export interface S3StoreOptions extends ChainConnection {
  logger?: Logger
  /** Tries per request on network errors and 5xx answers (nothing else is retried). Default 4. */
  attempts?: number
  /** First pause between tries; each next one twice as long (±20 %), at most maxRetryMs. Default 250 ms / 4 s. */
  retryBaseMs?: number
  maxRetryMs?: number
  /** Connecting; and a socket with no byte either way for this long is given up. Defaults 5 s / 30 s. */
  connectTimeoutMs?: number
  idleTimeoutMs?: number
  /** Files above this go in parts of partBytes, `partConcurrency` at once. Defaults 16 MiB, 8 MiB, 3. */
  multipartThresholdBytes?: number
  partBytes?: number
  partConcurrency?: number
  /** Shifts the signing clock by this much (a test seam for a PC whose clock is wrong). */
  clockOffsetMs?: number
}

const MiB = 1024 * 1024
/** S3's limits: parts of 5 MiB at least (but the last), 10,000 parts, 1,000 keys per DeleteObjects. */
const MIN_PART = 5 * MiB
const MAX_PARTS = 10_000
const DELETE_BATCH = 1000

const md5Base64 = (data: Uint8Array | string) => createHash('md5').update(data).digest('base64')
const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) h.update(chunk as Buffer)
  return h.digest('hex')
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Ceph RGW 16 compares a PUT's If-Match with the bare ETag (a quoted one never matches); others accept both. */
const bareEtag = (etag: string) => etag.replace(/^W\//, '').replace(/"/g, '')

/**
 * The object-store port on any S3-compatible store, through the AWS SDK for JavaScript v3. What it sets, and why:
 * - explicit credentials and region (the SDK never looks at ~/.aws or AWS_* variables), path-style or virtual-host
 *   addressing as configured, a custom CA added to Node's own list;
 * - checksums only where S3 requires them and Content-MD5 on every upload, which every compatible store checks (the
 *   SDK's newer default CRC32 headers and aws-chunked trailers are refused or ignored by several of them);
 * - the SDK's own retries off: this file retries network errors and 5xx answers only, with back-off, and never a
 *   wrong key, a missing bucket or a clock skew;
 * - its logger off: requests are never logged by the library; this file logs retries without keys or secrets.
 */
export class S3ObjectStore implements ObjectStore {
  readonly location: string
  private readonly client: S3Client
  private readonly bucket: string
  private readonly idleMs: number
  private readonly endpoint: string
  private readonly attempts: number
  private readonly retryBaseMs: number
  private readonly maxRetryMs: number
  private readonly threshold: number
  private readonly partBytes: number
  private readonly partConcurrency: number
  private readonly logger: Logger | undefined

  constructor(private readonly options: S3StoreOptions) {
    this.bucket = options.bucket
    this.endpoint = options.endpoint
    this.location = `bucket ${options.bucket} at ${options.endpoint}`
    this.logger = options.logger
    this.attempts = Math.max(1, options.attempts ?? 4)
    this.retryBaseMs = options.retryBaseMs ?? 250
    this.maxRetryMs = options.maxRetryMs ?? 4000
    this.threshold = Math.max(MIN_PART, options.multipartThresholdBytes ?? 16 * MiB)
    this.partBytes = Math.max(MIN_PART, options.partBytes ?? 8 * MiB)
    this.partConcurrency = Math.max(1, options.partConcurrency ?? 3)
    // The SDK prints a notice on every start that its 2027 releases want Node 22 (README, Dependencies).
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    const agent = { keepAlive: true, maxSockets: 16 }
    let ca: string[] | undefined
    if (options.caFile) {
      try {
        ca = [...rootCertificates, readFileSync(options.caFile, 'utf8')]
      } catch (err) {
        throw storeError(
          'tls',
          this.where('connect'),
          `cannot read chainCaFile ${options.caFile}: ${(err as Error).message}`,
        )
      }
    }
    this.idleMs = options.idleTimeoutMs ?? 30_000
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: options.pathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      systemClockOffset: options.clockOffsetMs ?? 0,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 5000,
        socketTimeout: this.idleMs,
        httpAgent: new HttpAgent(agent),
        httpsAgent: new HttpsAgent({ ...agent, ...(ca ? { ca } : {}) }),
      },
    })
    // DeleteObjects must carry a checksum: Content-MD5 is the one every compatible store accepts (the SDK would send
    // x-amz-checksum-crc32, which Aliyun OSS and older Ceph refuse with "missing Content-MD5").
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const request = args.request as { headers?: Record<string, string>; body?: unknown }
        if (
          context.commandName === 'DeleteObjectsCommand' &&
          request.headers &&
          typeof request.body === 'string'
        ) {
          for (const h of Object.keys(request.headers))
            if (
              h.toLowerCase().startsWith('x-amz-checksum-') ||
              h.toLowerCase() === 'x-amz-sdk-checksum-algorithm'
            )
              delete request.headers[h]
          request.headers['content-md5'] = md5Base64(request.body)
        }
        return next(args)
      },
      { step: 'build', name: 'tapdropContentMd5', priority: 'low' },
    )
  }

  private where(op: string, key?: string): Where {
    return { op, bucket: this.bucket, endpoint: this.endpoint, ...(key !== undefined ? { key } : {}) }
  }

  /** One request with the retry rule: network errors and 5xx, `attempts` tries, doubling pauses. */
  private async send<T>(
    op: string,
    key: string | undefined,
    signal: AbortSignal | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn()
      } catch (raw) {
        if (signal?.aborted) throw signal.reason ?? raw
        const err = classify(raw, this.where(op, key))
        if (!err.transient || attempt >= this.attempts) throw err
        const pause =
          Math.min(this.maxRetryMs, this.retryBaseMs * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4)
        this.logger?.warn(
          { op, key, attempt, reason: err.reason, retryInMs: Math.round(pause), location: this.location },
          'object store request failed; retrying',
        )
        await sleep(pause, signal)
      }
    }
  }

  async probe(signal?: AbortSignal): Promise<void> {
    // A listing of one key rather than HEAD bucket: an error with a body names its cause (a wrong key, a missing
    // bucket, a skewed clock); HEAD answers a bare 403 or 404 to all of them.
    await this.send('probe', undefined, signal, () =>
      this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 1 }), {
        abortSignal: signal,
      }),
    )
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<PutResult> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body
    const sha256 = sha256Hex(bytes)
    const out = await this.send('put', key, options.signal, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentMD5: md5Base64(bytes),
          ContentType: options.contentType ?? 'application/octet-stream',
          Metadata: { ...options.metadata, sha256 },
          ...(options.ifNoneMatch ? { IfNoneMatch: options.ifNoneMatch } : {}),
          ...(options.ifMatch ? { IfMatch: bareEtag(options.ifMatch) } : {}),
        }),
        { abortSignal: options.signal },
      ),
    )
    return { key, etag: out.ETag ?? '', size: bytes.length, sha256 }
  }

  async putFile(key: string, path: string, options: PutFileOptions = {}): Promise<PutResult> {
    const { size } = await stat(path)
    if (size <= this.threshold) {
      const data = readFileSync(path)
      if (options.sha256 && options.sha256.toLowerCase() !== sha256Hex(data))
        throw storeError('checksum', this.where('put', key), `${path} changed while it was read`)
      const r = await this.put(key, data, options)
      options.onProgress?.(size, size)
      return r
    }
    const sha256 = options.sha256?.toLowerCase() ?? (await sha256File(path))
    // A condition cannot ride on the multipart completion everywhere: checked just before instead.
    if (options.ifNoneMatch || options.ifMatch) {
      const current = await this.head(key, options.signal)
      if (options.ifNoneMatch && current) throw storeError('changed', this.where('put', key))
      if (options.ifMatch && (!current || bareEtag(current.etag) !== bareEtag(options.ifMatch)))
        throw storeError('changed', this.where('put', key))
    }
    const partBytes = Math.max(this.partBytes, Math.ceil(size / MAX_PARTS))
    const parts = Math.ceil(size / partBytes)
    const created = await this.send('put', key, options.signal, () =>
      this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          ContentType: options.contentType ?? 'application/octet-stream',
          Metadata: { ...options.metadata, sha256 },
        }),
        { abortSignal: options.signal },
      ),
    )
    const uploadId = created.UploadId!
    const etags: string[] = new Array<string>(parts)
    const file = await open(path, 'r')
    let sent = 0
    let next = 0
    try {
      const worker = async () => {
        while (next < parts) {
          const index = next++
          const start = index * partBytes
          const length = Math.min(partBytes, size - start)
          const buf = Buffer.allocUnsafe(length)
          const { bytesRead } = await file.read(buf, 0, length, start)
          if (bytesRead !== length)
            throw storeError('checksum', this.where('put', key), `${path} shrank while it was sent`)
          const out = await this.send('put', key, options.signal, () =>
            this.client.send(
              new UploadPartCommand({
                Bucket: this.bucket,
                Key: key,
                UploadId: uploadId,
                PartNumber: index + 1,
                Body: buf,
                ContentLength: length,
                ContentMD5: md5Base64(buf),
              }),
              { abortSignal: options.signal },
            ),
          )
          etags[index] = out.ETag!
          sent += length
          options.onProgress?.(sent, size)
        }
      }
      await Promise.all(Array.from({ length: Math.min(this.partConcurrency, parts) }, worker))
      await this.send('put', key, options.signal, () =>
        this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
          }),
          { abortSignal: options.signal },
        ),
      )
    } catch (err) {
      // The parts already sent would be kept (and paid for) until aborted.
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
        .catch(() => {})
      throw err
    } finally {
      await file.close()
    }
    // Ceph RGW answers Complete with an empty ETag; HEAD has the right one ("…-N").
    const info = await this.head(key, options.signal)
    if (!info) throw storeError('not-found', this.where('put', key))
    if (info.size !== size || (info.sha256 && info.sha256 !== sha256))
      throw storeError('checksum', this.where('put', key), `the store holds ${info.size} bytes of ${size}`)
    return { key, etag: info.etag, size, sha256 }
  }

  private info(key: string, out: HeadObjectCommandOutput | GetObjectCommandOutput, size: number): ObjectInfo {
    const metadata = { ...(out.Metadata ?? {}) }
    const sha = metadata.sha256
    return {
      key,
      size,
      etag: out.ETag ?? '',
      lastModified: out.LastModified ? out.LastModified.toISOString() : null,
      sha256: sha && /^[0-9a-f]{64}$/i.test(sha) ? sha.toLowerCase() : null,
      contentType: out.ContentType ?? null,
      metadata,
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const maxBytes = options.maxBytes ?? 16 * MiB
    let out: GetObjectCommandOutput
    try {
      out = await this.send('get', key, options.signal, () =>
        this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ...(options.ifNoneMatch ? { IfNoneMatch: options.ifNoneMatch } : {}),
          }),
          { abortSignal: options.signal },
        ),
      )
    } catch (err) {
      if ((err as ObjectStoreError).details?.status === 304)
        return { status: 'not-modified', etag: options.ifNoneMatch! }
      throw err
    }
    const size = out.ContentLength ?? 0
    const body = out.Body as Readable
    if (size > maxBytes) {
      body.destroy()
      throw storeError('invalid', this.where('get', key), `${size} bytes, more than the ${maxBytes} expected`)
    }
    const chunks: Buffer[] = []
    let got = 0
    try {
      for await (const chunk of body) {
        got += (chunk as Buffer).length
        if (got > maxBytes) {
          body.destroy()
          throw storeError('invalid', this.where('get', key), `more than the ${maxBytes} bytes expected`)
        }
        chunks.push(chunk as Buffer)
      }
    } catch (err) {
      if (isObjectStoreError(err)) throw err
      throw classify(err, this.where('get', key))
    }
    const data = Buffer.concat(chunks)
    const info = this.info(key, out, data.length)
    const plainMd5 = /^"?([0-9a-f]{32})"?$/i.exec(info.etag)?.[1]?.toLowerCase()
    if (data.length !== size)
      throw storeError('checksum', this.where('get', key), `${data.length} bytes of ${size}`)
    if (info.sha256 && sha256Hex(data) !== info.sha256)
      throw storeError('checksum', this.where('get', key), 'its SHA-256 differs from the one recorded')
    if (!info.sha256 && plainMd5 && createHash('md5').update(data).digest('hex') !== plainMd5)
      throw storeError('checksum', this.where('get', key), 'its MD5 differs from its ETag')
    return { status: 'ok', info, body: data }
  }

  async openRead(key: string, options: OpenReadOptions = {}): Promise<OpenedRead> {
    const start = options.start ?? 0
    try {
      const out = await this.send('get', key, options.signal, () =>
        this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ...(start > 0 ? { Range: `bytes=${start}-` } : {}),
            ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
          }),
          { abortSignal: options.signal },
        ),
      )
      // "bytes 100-199/200": the whole object's size is after the slash.
      const total = out.ContentRange ? Number(out.ContentRange.split('/')[1]) : (out.ContentLength ?? 0)
      return { info: this.info(key, out, total), start, body: out.Body as Readable, idleMs: this.idleMs }
    } catch (err) {
      // Nothing left to read (S3 answers 416 to a range starting at the end): an empty body.
      if ((err as ObjectStoreError).details?.status === 416) {
        const info = await this.head(key, options.signal)
        if (
          info &&
          info.size === start &&
          (!options.ifMatch || bareEtag(info.etag) === bareEtag(options.ifMatch))
        )
          return { info, start, body: Readable.from([]) }
      }
      throw err
    }
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    try {
      const out = await this.send('head', key, signal, () =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal }),
      )
      return this.info(key, out, out.ContentLength ?? 0)
    } catch (err) {
      // HEAD has no body to tell a missing key from a missing bucket, or a wrong key from a missing permission:
      // a listing of the bucket says which.
      if (isObjectStoreError(err, 'not-found')) {
        await this.probe(signal)
        return null
      }
      if ((err as ObjectStoreError).details?.status === 403) {
        await this.probe(signal)
        throw storeError('forbidden', this.where('head', key))
      }
      throw err
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const out = await this.send('list', prefix, options.signal, () =>
      this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: options.pageSize ?? 1000,
          ...(options.continuation ? { ContinuationToken: options.continuation } : {}),
          ...(options.startAfter ? { StartAfter: options.startAfter } : {}),
        }),
        { abortSignal: options.signal },
      ),
    )
    return {
      objects: (out.Contents ?? []).map((o) => ({
        key: o.Key!,
        size: o.Size ?? 0,
        etag: o.ETag ?? '',
        lastModified: o.LastModified ? o.LastModified.toISOString() : null,
        sha256: null,
        contentType: null,
        metadata: {},
      })),
      next: out.IsTruncated && out.NextContinuationToken ? out.NextContinuationToken : null,
    }
  }

  async delete(key: string): Promise<void> {
    await this.send('delete', key, undefined, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    )
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH)
      const out = await this.send('delete', batch[0], undefined, () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      )
      const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey')
      if (failed.length)
        throw storeError(
          failed[0]!.Code === 'AccessDenied' ? 'forbidden' : 'refused',
          this.where('delete', failed[0]!.Key),
          `${failed.length} of ${batch.length} not deleted: ${failed[0]!.Code ?? 'unknown'}`,
        )
    }
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.client.destroy()
  }
}

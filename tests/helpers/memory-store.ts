import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  ObjectStoreError,
  type GetResult,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  type OpenedRead,
  type OpenReadOptions,
  type PutOptions,
  type PutResult,
} from '../../src/main/core/chain/object-store'

/**
 * An object store in memory, for unit tests of what builds on the port (the records outbox and ingest, downloads):
 * keys in order, If-None-Match, If-Match on reads, SHA-256 recorded and checked on get, and switches to fail the next calls or to lose the
 * answer of a put that landed (what a crash between the store's answer and our bookkeeping looks like).
 */
export class MemoryStore implements ObjectStore {
  readonly location = 'memory'
  readonly objects = new Map<string, { body: Buffer; sha256: string; etag: string }>()
  /** The next calls throw `network` (the store away). */
  down = false
  /** The next put lands, then throws as if the answer was lost. */
  loseNextAnswer = false
  puts = 0

  private away(op: string, key?: string): void {
    if (this.down) throw new ObjectStoreError('network', 'the object store does not answer', { op, key })
  }

  async probe(): Promise<void> {
    this.away('probe')
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<PutResult> {
    this.away('put', key)
    this.puts++
    if (options.ifNoneMatch && this.objects.has(key))
      throw new ObjectStoreError('changed', `${key} exists`, { op: 'put', key })
    const bytes = Buffer.from(typeof body === 'string' ? Buffer.from(body) : body)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    const etag = `"${createHash('md5').update(bytes).digest('hex')}"`
    this.objects.set(key, { body: bytes, sha256, etag })
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false
      throw new ObjectStoreError('network', 'the connection was cut before the answer', { op: 'put', key })
    }
    return { key, etag, size: bytes.length, sha256 }
  }

  async putFile(): Promise<PutResult> {
    throw new Error('not used')
  }

  private info(key: string): ObjectInfo | null {
    const o = this.objects.get(key)
    if (!o) return null
    return {
      key,
      size: o.body.length,
      etag: o.etag,
      lastModified: null,
      sha256: o.sha256 || null,
      contentType: null,
      metadata: { sha256: o.sha256 },
    }
  }

  async get(key: string): Promise<GetResult> {
    this.away('get', key)
    const o = this.objects.get(key)
    if (!o) throw new ObjectStoreError('not-found', `${key} is not there`, { op: 'get', key })
    // A planted object without a recorded SHA-256 is read as it is (a foreign object).
    if (o.sha256 && createHash('sha256').update(o.body).digest('hex') !== o.sha256)
      throw new ObjectStoreError('checksum', `${key} does not match its SHA-256`, { op: 'get', key })
    return { status: 'ok', info: this.info(key)!, body: Buffer.from(o.body) }
  }

  /** The bytes from `start` in 64 KiB chunks, as a socket gives them; not checked (downloadToFile checks them). */
  async openRead(key: string, options: OpenReadOptions = {}): Promise<OpenedRead> {
    this.away('openRead', key)
    const o = this.objects.get(key)
    if (!o) throw new ObjectStoreError('not-found', `${key} is not there`, { op: 'openRead', key })
    if (options.ifMatch !== undefined && options.ifMatch !== o.etag)
      throw new ObjectStoreError('changed', `${key} was replaced`, { op: 'openRead', key })
    const start = options.start ?? 0
    const chunks: Buffer[] = []
    for (let at = start; at < o.body.length; at += 65_536)
      chunks.push(Buffer.from(o.body.subarray(at, Math.min(at + 65_536, o.body.length))))
    return { info: this.info(key)!, start, body: Readable.from(chunks) }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    this.away('head', key)
    return this.info(key)
  }

  async list(
    prefix: string,
    options: { pageSize?: number; continuation?: string; startAfter?: string } = {},
  ): Promise<ListPage> {
    this.away('list', prefix)
    const after = options.continuation ?? options.startAfter ?? ''
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort()
    const page = keys.slice(0, options.pageSize ?? 1000)
    return {
      objects: page.map((k) => ({ ...this.info(k)!, sha256: null, metadata: {} })),
      next: keys.length > page.length ? page[page.length - 1]! : null,
    }
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key)
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (const k of keys) this.objects.delete(k)
  }

  close(): void {}
}

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInflateRaw, type InflateRaw } from 'node:zlib'
import { Unzip, type AsyncFlateStreamHandler, type FlateError, type UnzipDecoder } from 'fflate'
import { english, hubText, type HubText } from '../../../shared/contract/texts'

export const MAX_ARCHIVE_BYTES = 8 * 1024 * 1024
const MAX_FILES = 20
const MAX_UNPACKED = 6 * 1024 * 1024
const NAME = /^(brand\.json|[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.(svg|png))$/

const END_RECORD = Buffer.from([0x50, 0x4b, 0x05, 0x06])
const TOO_LARGE = hubText('zipTooLarge', { mb: MAX_UNPACKED / 1024 / 1024 })

/**
 * Unpacks a brand profile archive (.zip of brand.json and its images, at the top or in one folder) into `dir`.
 * Everything else is refused with the reason: folders deeper than one, other file types, too many or too large
 * files. Sizes are counted as the bytes come out, not taken from the headers (which a crafted archive fills with
 * small numbers), and inflating stops at the limit. It runs on libuv's thread pool (Node's zlib), so phones' pages
 * and media are served meanwhile; only the zip's structure is read here, by fflate.
 */
export async function unpackProfile(zip: Buffer, dir: string): Promise<void> {
  const files = await inflateEntries(zip)
  const reasons: HubText[] = []
  const names = [...files.keys()]
  const prefixes = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/') + 1) : '')))
  const prefix = prefixes.size === 1 ? [...prefixes][0]! : ''
  for (const n of names) {
    const base = n.slice(prefix.length)
    if (!NAME.test(base)) reasons.push(hubText('zipFileNotAllowed', { name: n }))
  }
  if (!names.some((n) => n.slice(prefix.length) === 'brand.json')) reasons.push(hubText('zipNoBrandJson'))
  if (reasons.length) throw new ArchiveError(reasons)
  mkdirSync(dir, { recursive: true })
  for (const [n, data] of files) writeFileSync(join(dir, n.slice(prefix.length)), data)
}

/** Every file entry of the archive, inflated; throws ArchiveError at the first limit crossed. */
async function inflateEntries(zip: Buffer): Promise<Map<string, Buffer>> {
  // A zip starts with a file's header (or is empty: only the end record) and ends with its directory's end record
  // (22 bytes and a comment of up to 64 KB): anything else is not a zip, or one cut short.
  const signature = zip.length >= 4 ? zip.readUInt32LE(0) : 0
  if (signature !== 0x04034b50 && signature !== 0x06054b50) throw new ArchiveError([hubText('zipNotZip')])
  const tail = zip.subarray(Math.max(0, zip.length - 22 - 0xffff))
  if (tail.lastIndexOf(END_RECORD) < 0 || tail.length - tail.lastIndexOf(END_RECORD) < 22)
    throw new ArchiveError([hubText('zipCutShort')])
  const entries = new Map<string, { chunks: Uint8Array[]; done: boolean }>()
  const decoders: Decoder[] = []
  let count = 0
  let unpacked = 0
  let open = 0
  let refusal: HubText | null = null
  let broken: string | null = null
  let settle = () => {}
  const settled = new Promise<void>((resolve) => (settle = resolve))
  const check = () => {
    if (refusal || broken || open === 0) settle()
  }
  const unzip = new Unzip((file) => {
    if (refusal || broken || file.name.endsWith('/')) return
    if (++count > MAX_FILES) {
      refusal = hubText('zipTooManyFiles', { max: MAX_FILES })
      return
    }
    // What the header declares is only a first check: an honest archive that is too large costs nothing.
    if (unpacked + (file.originalSize ?? 0) > MAX_UNPACKED) {
      refusal = TOO_LARGE
      return
    }
    const entry = { chunks: [] as Uint8Array[], done: false }
    entries.set(file.name, entry)
    open++
    file.ondata = (err, data, final) => {
      if (entry.done) return
      if (err) broken ??= `${file.name}: ${err.message}`
      else if ((unpacked += data.length) > MAX_UNPACKED) refusal ??= TOO_LARGE
      else entry.chunks.push(data)
      if (err || final) {
        entry.done = true
        open--
      }
      check()
    }
    file.start()
  })
  unzip.register(decoderFor(0, decoders))
  unzip.register(decoderFor(8, decoders))
  try {
    unzip.push(zip, true)
  } catch (err) {
    broken = (err as Error).message
  }
  // An entry whose data runs past the end of the archive is never told it is complete.
  if (decoders.some((d) => !d.complete)) broken ??= 'an entry ends before its data does'
  check()
  await settled
  // Refused or broken: whatever still inflates stops here.
  for (const d of decoders) d.terminate()
  if (refusal) throw new ArchiveError([refusal])
  if (broken) throw new ArchiveError([hubText('zipBroken', { why: broken })])
  return new Map([...entries].map(([name, e]) => [name, Buffer.concat(e.chunks)]))
}

interface Decoder extends UnzipDecoder {
  /** Every byte of the entry was handed over. */
  readonly complete: boolean
  terminate(): void
}

/**
 * fflate's Unzip reads the zip's structure; its entries' bytes go to these. Deflated ones (method 8) are inflated by
 * Node's zlib on libuv's thread pool, 64 KB at a time; stored ones (method 0) are passed on. Each decoder made is
 * listed in `made`, so the caller can stop them all.
 */
function decoderFor(compression: 0 | 8, made: Decoder[]) {
  return class implements Decoder {
    static readonly compression = compression
    ondata: AsyncFlateStreamHandler = () => {}
    complete = false
    private readonly z: InflateRaw | null =
      compression === 8 ? createInflateRaw({ chunkSize: 64 * 1024 }) : null

    constructor() {
      made.push(this)
      this.z?.on('data', (c: Buffer) => this.ondata(null, c as Uint8Array<ArrayBuffer>, false))
      this.z?.on('end', () => this.ondata(null, new Uint8Array(0), true))
      this.z?.on('error', (err) =>
        this.ondata(Object.assign(err, { code: 0 }) as FlateError, new Uint8Array(0), true),
      )
    }

    push(chunk: Uint8Array, final: boolean): void {
      if (final) this.complete = true
      if (!this.z) return this.ondata(null, chunk as Uint8Array<ArrayBuffer>, final)
      if (this.z.destroyed) return
      // Copied: fflate lends the bytes only for this call, and zlib reads them later.
      if (chunk.length) this.z.write(Buffer.from(chunk))
      if (final) this.z.end()
    }

    terminate(): void {
      this.z?.destroy()
    }
  }
}

/** Why an archive was refused, as texts of the shared table (the console words them in its language). */
export class ArchiveError extends Error {
  readonly reasons: string[]
  constructor(readonly texts: HubText[]) {
    const reasons = texts.map(english)
    super(reasons.join('; '))
    this.reasons = reasons
  }
}

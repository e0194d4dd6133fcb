import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib'

/** One file in a hand-made zip; `size` is what the headers claim it inflates to (a crafted archive lies here). */
export interface ZipEntry {
  name: string
  /** The bytes as stored: deflated (method 8) or plain (method 0). */
  data: Buffer
  method: 0 | 8
  crc: number
  size: number
  /** Sizes and CRC after the data instead of in the local header, as macOS and streaming zip tools write them. */
  dataDescriptor?: boolean
}

/** An honest deflated entry. */
export function deflated(name: string, content: Uint8Array | string): ZipEntry {
  const raw = Buffer.from(content)
  return { name, data: deflateRawSync(raw), method: 8, crc: crc32(raw), size: raw.length }
}

/**
 * One deflate stream of `mib` MiB of zeros, about 1 KB per MiB (deflate's best ratio), as zip tools make it: no
 * flush points in between (those leave stored blocks some inflaters trip over early). Fed a MiB at a time, so the
 * inflated bytes are never held; run-length matching makes it quick (~0.2 s for 512 MiB).
 */
export async function zeros(mib: number): Promise<Buffer> {
  const deflate = createDeflateRaw({ level: 1, strategy: constants.Z_RLE })
  const out: Buffer[] = []
  deflate.on('data', (c: Buffer) => out.push(c))
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject))
  const zero = Buffer.alloc(1 << 20)
  for (let i = 0; i < mib; i++) if (!deflate.write(zero)) await new Promise((r) => deflate.once('drain', r))
  deflate.end()
  await done
  return Buffer.concat(out)
}

/** A zip archive of `entries`, written field by field (APPNOTE 4.3), so tests can make the ones tools refuse to. */
export function writeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name)
    const flags = 0x0800 | (e.dataDescriptor ? 0x0008 : 0)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(e.method, 8)
    local.writeUInt32LE(e.dataDescriptor ? 0 : e.crc >>> 0, 14)
    local.writeUInt32LE(e.dataDescriptor ? 0 : e.data.length, 18)
    local.writeUInt32LE(e.dataDescriptor ? 0 : e.size, 22)
    local.writeUInt16LE(name.length, 26)
    const descriptor = Buffer.alloc(e.dataDescriptor ? 16 : 0)
    if (e.dataDescriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0)
      descriptor.writeUInt32LE(e.crc >>> 0, 4)
      descriptor.writeUInt32LE(e.data.length, 8)
      descriptor.writeUInt32LE(e.size, 12)
    }
    locals.push(local, name, e.data, descriptor)
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(20, 4)
    c.writeUInt16LE(20, 6)
    c.writeUInt16LE(flags, 8)
    c.writeUInt16LE(e.method, 10)
    c.writeUInt32LE(e.crc >>> 0, 16)
    c.writeUInt32LE(e.data.length, 20)
    c.writeUInt32LE(e.size, 24)
    c.writeUInt16LE(name.length, 28)
    c.writeUInt32LE(offset, 42)
    central.push(c, name)
    offset += local.length + name.length + e.data.length + descriptor.length
  }
  const directory = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

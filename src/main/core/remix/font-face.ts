import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { OverlayFont } from './glyphs'

/** What was decided per font file (its path, size and time) and face: no file is read twice. */
const decided = new Map<string, string>()

/**
 * The file ffmpeg's drawtext should draw `font` with. drawtext's `fontfile` always opens the first face of a
 * collection (.ttc), and the first face of Noto Sans CJK is the Japanese one: a Chinese store's overlay came out
 * with Japanese shapes of common characters (直, 骨, 角 …). A face further in is copied out once into a font file
 * of its own in `cacheDir` (the same tables, nothing redrawn) and that file is drawn with. A plain font file, a
 * collection whose wanted face is the first, a face not found by name, or a file that cannot be read as a
 * collection is drawn as it is (logged): the overlay keeps working with the first face.
 */
export function drawableFontFile(font: OverlayFont, cacheDir: string, logger?: Logger): string {
  if (!font.family) return font.path
  let stat
  try {
    stat = statSync(font.path)
  } catch {
    return font.path
  }
  const memo = `${font.path}\n${font.family}\n${stat.size}\n${stat.mtimeMs}`
  const known = decided.get(memo)
  if (known && (known === font.path || existsSync(known))) return known
  let file = font.path
  try {
    file = copyFace(font.path, font.family, stat, cacheDir)
  } catch (err) {
    logger?.warn(
      { font: font.path, face: font.family, err: (err as Error).message },
      'the font’s face could not be copied out; the overlay uses the file’s first face',
    )
  }
  decided.set(memo, file)
  return file
}

function copyFace(
  path: string,
  family: string,
  stat: { size: number; mtimeMs: number },
  cacheDir: string,
): string {
  // Named for the face and the source's size and time, so a font updated by the system is copied again.
  const base = family.replace(/[^A-Za-z0-9_]/g, '_')
  const name = `${base}-${stat.size}-${Math.trunc(stat.mtimeMs)}.otf`
  const out = join(cacheDir, name)
  if (existsSync(out)) return out
  const ttc = readFileSync(path)
  if (ttc.length < 12 || ttc.toString('latin1', 0, 4) !== 'ttcf') return path
  const index = faceNames(ttc).indexOf(family)
  if (index <= 0) return path
  const body = faceFile(ttc, faceOffsets(ttc)[index]!)
  mkdirSync(cacheDir, { recursive: true })
  // Older copies of this face (the system's font was updated) go; other faces' copies stay.
  const older = new RegExp(`^${base}-\\d+-\\d+\\.otf(\\.\\d+\\.tmp)?$`)
  for (const f of readdirSync(cacheDir))
    if (older.test(f) && f !== name) rmSync(join(cacheDir, f), { force: true })
  const tmp = `${out}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, body)
    renameSync(tmp, out)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  return out
}

/** Where each face's table directory starts (the TTC header's offset table), each checked to lie in the file. */
function faceOffsets(ttc: Buffer): number[] {
  const count = ttc.readUInt32BE(8)
  if (count === 0 || count > 256 || 12 + count * 4 > ttc.length) throw new Error('not a font collection')
  return Array.from({ length: count }, (_, i) => {
    const at = ttc.readUInt32BE(12 + i * 4)
    if (at + 12 > ttc.length) throw new Error(`face ${i} starts past the end of the file`)
    return at
  })
}

interface TableRecord {
  tag: string
  checksum: number
  offset: number
  length: number
}

function tables(ttc: Buffer, at: number): TableRecord[] {
  const n = ttc.readUInt16BE(at + 4)
  if (n === 0 || at + 12 + n * 16 > ttc.length) throw new Error('a face’s table directory runs past the file')
  return Array.from({ length: n }, (_, i) => {
    const r = at + 12 + i * 16
    const t = {
      tag: ttc.toString('latin1', r, r + 4),
      checksum: ttc.readUInt32BE(r + 4),
      offset: ttc.readUInt32BE(r + 8),
      length: ttc.readUInt32BE(r + 12),
    }
    if (t.offset + t.length > ttc.length) throw new Error(`table ${t.tag} runs past the end of the file`)
    return t
  })
}

/** Each face's PostScript name (name ID 6), '' where it has none. */
export function faceNames(ttc: Buffer): string[] {
  return faceOffsets(ttc).map((at) => {
    const name = tables(ttc, at).find((t) => t.tag === 'name')
    if (!name || name.length < 6) return ''
    const end = name.offset + name.length
    const count = ttc.readUInt16BE(name.offset + 2)
    const strings = name.offset + ttc.readUInt16BE(name.offset + 4)
    for (let i = 0; i < count && name.offset + 6 + (i + 1) * 12 <= end; i++) {
      const r = name.offset + 6 + i * 12
      const platform = ttc.readUInt16BE(r)
      if (ttc.readUInt16BE(r + 6) !== 6) continue
      const start = strings + ttc.readUInt16BE(r + 10)
      const length = ttc.readUInt16BE(r + 8)
      if (start + length > end) continue
      const bytes = ttc.subarray(start, start + length)
      // Windows names are UTF-16BE; Macintosh ones single-byte.
      if (platform === 3 && length % 2 === 0) return Buffer.from(bytes).swap16().toString('utf16le')
      if (platform === 1) return bytes.toString('latin1')
    }
    return ''
  })
}

/** One face as a font file of its own: its table directory, then its tables, each on a 4-byte boundary. */
function faceFile(ttc: Buffer, at: number): Buffer {
  const list = tables(ttc, at)
  const header = 12 + list.length * 16
  const size = list.reduce((n, t) => n + Math.ceil(t.length / 4) * 4, header)
  // Faces share tables in a collection: one face is never larger than the whole file.
  if (size > ttc.length + header + 4 * list.length) throw new Error('a face larger than its collection')
  const out = Buffer.alloc(size)
  ttc.copy(out, 0, at, at + 12)
  let offset = header
  list.forEach((t, i) => {
    const r = 12 + i * 16
    out.write(t.tag, r, 'latin1')
    out.writeUInt32BE(t.checksum, r + 4)
    out.writeUInt32BE(offset, r + 8)
    out.writeUInt32BE(t.length, r + 12)
    ttc.copy(out, offset, t.offset, t.offset + t.length)
    offset += Math.ceil(t.length / 4) * 4
  })
  return out
}

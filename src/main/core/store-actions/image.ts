import type { QrImageType } from '../../../shared/contract/store-actions'

export interface ImageInfo {
  type: QrImageType
  width: number
  height: number
}

/** Smallest and largest side of a WeChat QR image that a phone can still show and scan. */
const MIN_SIDE = 64
const MAX_SIDE = 4096

/**
 * What an uploaded picture really is, from its bytes (never its name): a PNG or a baseline/progressive JPEG with
 * its size in pixels, or null. Anything else — an SVG (it can carry script), a GIF, a truncated file — is refused.
 */
export function sniffImage(data: Buffer): ImageInfo | null {
  const info = png(data) ?? jpeg(data)
  if (!info) return null
  if (Math.min(info.width, info.height) < MIN_SIDE || Math.max(info.width, info.height) > MAX_SIDE)
    return null
  return info
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function png(d: Buffer): ImageInfo | null {
  // Signature, then the IHDR chunk first: length 13, type, width and height (big-endian).
  if (d.length < 33 || !d.subarray(0, 8).equals(PNG_SIGNATURE)) return null
  if (d.readUInt32BE(8) !== 13 || d.toString('latin1', 12, 16) !== 'IHDR') return null
  // The file must end with IEND, or it was cut short.
  if (d.toString('latin1', d.length - 8, d.length - 4) !== 'IEND') return null
  return { type: 'image/png', width: d.readUInt32BE(16), height: d.readUInt32BE(20) }
}

function jpeg(d: Buffer): ImageInfo | null {
  if (d.length < 4 || d[0] !== 0xff || d[1] !== 0xd8) return null
  // Ends with EOI (allowing for padding some encoders add).
  const tail = d.subarray(Math.max(0, d.length - 16))
  if (!tail.includes(Buffer.from([0xff, 0xd9]))) return null
  let i = 2
  while (i + 4 <= d.length) {
    if (d[i] !== 0xff) return null
    const marker = d[i + 1]!
    // Fill bytes, and markers without a length.
    if (marker === 0xff) {
      i++
      continue
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2
      continue
    }
    const length = d.readUInt16BE(i + 2)
    if (length < 2) return null
    // SOF0–SOF15 carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > d.length) return null
      return { type: 'image/jpeg', height: d.readUInt16BE(i + 5), width: d.readUInt16BE(i + 7) }
    }
    // Start of scan before any frame header: not an image we can read.
    if (marker === 0xda) return null
    i += 2 + length
  }
  return null
}

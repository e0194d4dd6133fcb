/**
 * NDEF on NFC Forum Type 2 tags (NTAG21x): one short URI record in a TLV. Written by hand because no maintained,
 * typed npm library does this; tested byte for byte against known encodings.
 */

/** URI identifier codes (NFC Forum RTD URI, table 3). Longest match wins. */
export const URI_PREFIXES = [
  '',
  'http://www.',
  'https://www.',
  'http://',
  'https://',
  'tel:',
  'mailto:',
  'ftp://anonymous:anonymous@',
  'ftp://ftp.',
  'ftps://',
  'sftp://',
  'smb://',
  'nfs://',
  'ftp://',
  'dav://',
  'news:',
  'telnet://',
  'imap:',
  'rtsp://',
  'urn:',
  'pop:',
  'sip:',
  'sips:',
  'tftp:',
  'btspp://',
  'btl2cap://',
  'btgoep://',
  'tcpobex://',
  'irdaobex://',
  'file://',
  'urn:epc:id:',
  'urn:epc:tag:',
  'urn:epc:pat:',
  'urn:epc:raw:',
  'urn:epc:',
  'urn:nfc:',
] as const

/** One short NDEF record (MB, ME, SR; TNF well-known; type "U"). */
export function uriRecord(uri: string): Buffer {
  let code = 0
  for (let i = 1; i < URI_PREFIXES.length; i++)
    if (uri.startsWith(URI_PREFIXES[i]!) && URI_PREFIXES[i]!.length > URI_PREFIXES[code]!.length) code = i
  const rest = Buffer.from(uri.slice(URI_PREFIXES[code]!.length), 'utf8')
  const payloadLength = 1 + rest.length
  if (payloadLength > 255) throw new Error('URI too long for a short record')
  return Buffer.concat([Buffer.from([0xd1, 0x01, payloadLength, 0x55, code]), rest])
}

/** The NDEF message TLV with its terminator, as it is laid out from page 4. */
export function ndefTlv(message: Buffer): Buffer {
  const head =
    message.length < 0xff
      ? Buffer.from([0x03, message.length])
      : Buffer.from([0x03, 0xff, message.length >> 8, message.length & 0xff])
  return Buffer.concat([head, message, Buffer.from([0xfe])])
}

/** An empty NDEF message: what a blank tag holds, and what a torn write leaves. */
export const EMPTY_NDEF = Buffer.from([0x03, 0x00, 0xfe, 0x00])

export type NdefContent =
  | { kind: 'empty' }
  | { kind: 'uri'; uri: string }
  /** Some other NDEF (text, vCard, several records…). */
  | { kind: 'other'; tnf: number; type: string }
  /** Not NDEF at all (random bytes, a proprietary layout). */
  | { kind: 'unformatted' }

/** Reads the user memory (from page 4) back into what it says. Never throws on odd bytes: tags come from anywhere. */
export function parseNdef(memory: Buffer): NdefContent {
  let i = 0
  while (i < memory.length) {
    const t = memory[i]!
    if (t === 0x00) {
      i++
      continue // NULL TLV
    }
    if (t === 0xfe) return { kind: 'empty' }
    if (i + 1 >= memory.length) return { kind: 'unformatted' }
    let len = memory[i + 1]!
    let start = i + 2
    if (len === 0xff) {
      if (i + 3 >= memory.length) return { kind: 'unformatted' }
      len = memory.readUInt16BE(i + 2)
      start = i + 4
    }
    if (t !== 0x03) {
      // Lock control, memory control or proprietary TLVs come before the NDEF one: skip them.
      if (t === 0x01 || t === 0x02 || t === 0xfd) {
        i = start + len
        continue
      }
      return { kind: 'unformatted' }
    }
    if (len === 0) return { kind: 'empty' }
    const msg = memory.subarray(start, start + len)
    if (msg.length < len || msg.length < 3) return { kind: 'unformatted' }
    const header = msg[0]!
    const tnf = header & 0x07
    const short = (header & 0x10) !== 0
    const typeLength = msg[1]!
    const payloadLength = short ? msg[2]! : msg.readUInt32BE(2)
    const idLength = header & 0x08 ? msg[short ? 3 : 6]! : 0
    const typeStart = (short ? 3 : 6) + (header & 0x08 ? 1 : 0)
    const type = msg.subarray(typeStart, typeStart + typeLength).toString('latin1')
    const payload = msg.subarray(
      typeStart + typeLength + idLength,
      typeStart + typeLength + idLength + payloadLength,
    )
    if (tnf === 0x01 && type === 'U' && payload.length >= 1) {
      const prefix = URI_PREFIXES[payload[0]!] ?? ''
      return { kind: 'uri', uri: prefix + payload.subarray(1).toString('utf8') }
    }
    return { kind: 'other', tnf, type }
  }
  return { kind: 'unformatted' }
}

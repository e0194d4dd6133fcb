/**
 * An independent NDEF decoder for the tests (written from the NFC Forum Type 2 / URI RTD specs, sharing no code
 * with src/main/nfc/ndef.ts): what any phone would read from the tag's user memory.
 */
const PREFIXES: Record<number, string> = {
  0: '',
  1: 'http://www.',
  2: 'https://www.',
  3: 'http://',
  4: 'https://',
}

export function phoneReadsUrl(userMemory: Buffer): string | null {
  let i = 0
  while (userMemory[i] === 0x00) i++
  if (userMemory[i] !== 0x03) return null
  let len = userMemory[i + 1]!
  let at = i + 2
  if (len === 0xff) {
    len = (userMemory[i + 2]! << 8) | userMemory[i + 3]!
    at = i + 4
  }
  if (len === 0) return null
  const record = userMemory.subarray(at, at + len)
  if (userMemory[at + len] !== 0xfe) throw new Error('NDEF TLV has no terminator after the message')
  // Short record, MB+ME, well-known type "U".
  if ((record[0]! & 0xd7) !== 0xd1) throw new Error(`unexpected record header ${record[0]!.toString(16)}`)
  if (record[1] !== 1 || record[3] !== 0x55) throw new Error('not a URI record')
  const payload = record.subarray(4, 4 + record[2]!)
  const prefix = PREFIXES[payload[0]!]
  if (prefix === undefined) throw new Error(`unknown URI prefix code ${payload[0]}`)
  return prefix + payload.subarray(1).toString('utf8')
}

/** True when the memory is a well-formed NDEF area: an empty message or a complete message with a terminator. */
export function isValidNdef(userMemory: Buffer): boolean {
  try {
    phoneReadsUrl(userMemory)
    return userMemory[0] === 0x03
  } catch {
    return false
  }
}

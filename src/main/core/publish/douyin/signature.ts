import { createHash, randomInt } from 'node:crypto'

export interface SignedFields {
  nonceStr: string
  ticket: string
  /** Seconds since the epoch, as the string the schema carries. */
  timestamp: string
}

/**
 * Douyin's H5 share signature (docs/douyin.md §5): the fields sorted by name, `key=value` joined with `&`, values
 * as they are (not URL-encoded), MD5 as lower-case hex.
 */
export function signShare(f: SignedFields): string {
  const fields: Record<string, string> = { nonce_str: f.nonceStr, ticket: f.ticket, timestamp: f.timestamp }
  const string1 = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&')
  return createHash('md5').update(string1, 'utf8').digest('hex')
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random nonce like the documentation's example (16 letters and digits). */
export function newNonce(length = 16): string {
  let out = ''
  for (let i = 0; i < length; i++) out += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)]
  return out
}

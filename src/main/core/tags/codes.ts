import { randomBytes } from 'node:crypto'

/**
 * A tag code: 72 random bits as 12 URL-safe characters. `http://192.168.100.200:8080/t/` + code is 43 bytes,
 * far below the ~130 an NTAG213 holds.
 */
export function newTagCode(): string {
  return randomBytes(9).toString('base64url')
}

export const TAG_CODE = /^[A-Za-z0-9_-]{12}$/

export function tagUrl(baseUrl: string, code: string): string {
  return `${baseUrl}/t/${code}`
}

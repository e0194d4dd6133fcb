import { randomBytes } from 'node:crypto'

/**
 * A tag code: 72 random bits as 12 URL-safe characters. `http://192.168.100.200:8080/t/` + code is 43 bytes,
 * far below the ~130 an NTAG213 holds. Never one that starts with `-` (one in 64 did): a spreadsheet reads it as a
 * formula (the CSV export defuses it with a quote, so it no longer matched the console) and a command line as a flag.
 */
export function newTagCode(): string {
  for (;;) {
    const code = randomBytes(9).toString('base64url')
    if (code[0] !== '-') return code
  }
}

export const TAG_CODE = /^[A-Za-z0-9_-]{12}$/

export function tagUrl(baseUrl: string, code: string): string {
  return `${baseUrl}/t/${code}`
}

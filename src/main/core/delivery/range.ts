export type RangeResult =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' }

/**
 * One byte range from a Range header (RFC 9110): `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several ranges in one request
 * are answered with the whole file (allowed by the RFC; phones never ask for them). Anything malformed is ignored,
 * which also means the whole file. `end` is inclusive.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return { kind: 'full' }
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim())
  if (!m) return { kind: 'full' }
  const [, a, b] = m
  if (a === '' && b === '') return { kind: 'full' }
  if (a === '') {
    const n = Number(b)
    if (!Number.isSafeInteger(n)) return { kind: 'full' }
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(a)
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'full' }
  if (b !== '' && Number(b) < start) return { kind: 'full' }
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end }
}

/**
 * If-Range: the range applies only while the file is still the one the client started with (strong ETag match, or
 * the same Last-Modified date); otherwise the client gets the whole new file.
 */
export function ifRangeAllows(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true
  const v = ifRange.trim()
  if (v.startsWith('"') || v.startsWith('W/')) return v === etag
  return v === lastModified
}

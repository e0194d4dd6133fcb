import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'

export const MAX_ARCHIVE_BYTES = 8 * 1024 * 1024
const MAX_FILES = 20
const MAX_UNPACKED = 6 * 1024 * 1024
const NAME = /^(brand\.json|[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.(svg|png))$/

/**
 * Unpacks a brand profile archive (.zip of brand.json and its images, at the top or in one folder) into `dir`.
 * Everything else is refused with the reason: folders deeper than one, other file types, too many or too large
 * files (sizes are checked before anything is inflated, so a zip bomb costs nothing).
 */
export function unpackProfile(zip: Buffer, dir: string): void {
  const reasons: string[] = []
  let unpacked = 0
  let count = 0
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(new Uint8Array(zip), {
      filter: (f) => {
        if (f.name.endsWith('/')) return false
        count++
        unpacked += f.originalSize
        return count <= MAX_FILES && unpacked <= MAX_UNPACKED
      },
    })
  } catch (err) {
    throw new ArchiveError([`not a readable .zip archive (${(err as Error).message})`])
  }
  if (count > MAX_FILES)
    reasons.push(`the archive holds ${count} files; a brand profile has at most ${MAX_FILES}`)
  if (unpacked > MAX_UNPACKED)
    reasons.push(`the archive unpacks to more than ${MAX_UNPACKED / 1024 / 1024} MB`)
  const names = Object.keys(files)
  const prefixes = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/') + 1) : '')))
  const prefix = prefixes.size === 1 ? [...prefixes][0]! : ''
  for (const n of names) {
    const base = n.slice(prefix.length)
    if (!NAME.test(base))
      reasons.push(`"${n}": only brand.json and .svg/.png images belong in a brand profile`)
  }
  if (!names.some((n) => n.slice(prefix.length) === 'brand.json'))
    reasons.push('brand.json: not found in the archive')
  if (reasons.length) throw new ArchiveError(reasons)
  mkdirSync(dir, { recursive: true })
  for (const n of names) writeFileSync(join(dir, n.slice(prefix.length)), files[n]!)
}

export class ArchiveError extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '))
  }
}

import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { BrandFileSchema } from '../../../shared/contract/brand'
import type { Brand } from './brand'

/** A brand profile that cannot be used, with every reason (each naming the field or file). */
export class BrandProfileError extends Error {
  constructor(
    readonly dir: string,
    readonly reasons: string[],
  ) {
    super(`brand profile ${dir} is not valid:\n  - ${reasons.join('\n  - ')}`)
  }
}

const MAX_JSON = 64 * 1024
const MAX_ASSET = 1024 * 1024
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Width and height from a PNG's IHDR, or null when the bytes are no PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG) || bytes.toString('latin1', 12, 16) !== 'IHDR')
    return null
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Why an SVG may not be shown in the console and on phones, or null when it is a plain drawing. */
export function svgProblem(text: string): string | null {
  if (!/<svg[\s>]/i.test(text)) return 'is not an SVG image'
  if (/<script[\s>]/i.test(text)) return 'must not contain scripts'
  if (/\son[a-z]+\s*=/i.test(text)) return 'must not contain event handlers (on…=)'
  if (/<foreignObject[\s>]/i.test(text)) return 'must not contain foreignObject'
  if (/(href|src)\s*=\s*["']\s*(https?:|javascript:|\/\/)/i.test(text))
    return 'must not load anything from outside'
  return null
}

function checkAsset(
  dir: string,
  field: 'logo' | 'icon',
  name: string,
  reasons: string[],
): { path: string; mtimeMs: number } | null {
  const path = join(dir, name)
  const st = existsSync(path) ? statSync(path) : null
  if (!st?.isFile()) {
    reasons.push(`${field}: file "${name}" not found in the profile folder`)
    return null
  }
  if (st.size > MAX_ASSET) {
    reasons.push(`${field}: "${name}" is ${Math.round(st.size / 1024)} KB; at most 1024 KB`)
    return null
  }
  const bytes = readFileSync(path)
  if (name.endsWith('.png')) {
    const size = pngSize(bytes)
    if (!size) {
      reasons.push(`${field}: "${name}" is not a PNG image`)
      return null
    }
    if (field === 'icon' && (size.width !== size.height || size.width < 256))
      reasons.push(
        `icon: "${name}" must be square and at least 256×256 pixels (it is ${size.width}×${size.height})`,
      )
    if (field === 'logo' && (size.width < 64 || size.height < 64))
      reasons.push(`logo: "${name}" must be at least 64×64 pixels (it is ${size.width}×${size.height})`)
  } else {
    const problem = svgProblem(bytes.toString('utf8'))
    if (problem) reasons.push(`${field}: "${name}" ${problem}`)
  }
  return { path, mtimeMs: st.mtimeMs }
}

/**
 * Reads and checks a profile folder: `brand.json` against the schema, then its logo (SVG or PNG) and app icon
 * (square PNG, ≥ 256 px). All problems are collected, so a reseller fixes them in one go.
 */
export function loadProfile(dir: string, builtin: boolean): Brand {
  const reasons: string[] = []
  const file = join(dir, 'brand.json')
  if (!existsSync(file)) throw new BrandProfileError(dir, ['brand.json: not found in the profile folder'])
  const size = statSync(file).size
  if (size > MAX_JSON) throw new BrandProfileError(dir, [`brand.json: ${size} bytes; at most 64 KB`])
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new BrandProfileError(dir, [`brand.json: not valid JSON (${(err as Error).message})`])
  }
  const parsed = BrandFileSchema.safeParse(raw)
  if (!parsed.success) {
    for (const i of parsed.error.issues)
      reasons.push(`brand.json: ${i.path.join('.') || '(top level)'}: ${i.message}`)
    throw new BrandProfileError(dir, reasons)
  }
  const p = parsed.data
  const logo = checkAsset(dir, 'logo', p.logo, reasons)
  const icon = checkAsset(dir, 'icon', p.icon, reasons)
  if (reasons.length) throw new BrandProfileError(dir, reasons)
  return {
    ...p,
    logoPath: logo?.path ?? null,
    logoUrl: logo ? `/brand/logo?v=${p.id}-${Math.floor(logo.mtimeMs).toString(36)}` : null,
    iconPath: icon?.path ?? null,
    builtin,
  }
}

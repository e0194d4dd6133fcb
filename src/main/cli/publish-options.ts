import {
  CaptionStrategySchema,
  PlatformSchema,
  type CaptionStrategy,
  type Platform,
} from '../../shared/contract/publish'
import { CliError } from './errors'

/** One id given to a flag (`--video 3`). */
export function oneId(text: string, flag: string): number {
  const n = Number(text.trim())
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0)
    throw new CliError(`${flag} must be an id like 3`, 2)
  return n
}

/** `--platforms douyin,kuaishou`: the platforms a tag offers, in that order; `none` (or nothing) = none. */
export function platformList(text: string): Platform[] {
  const names = text
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter(Boolean)
  if (names.length === 1 && names[0] === 'none') return []
  const out: Platform[] = []
  for (const name of names) {
    const p = PlatformSchema.safeParse(name).data
    if (!p)
      throw new CliError(
        `--platforms: unknown platform "${name}"; use ${PlatformSchema.options.join(',')}`,
        2,
      )
    if (out.includes(p)) throw new CliError(`--platforms: ${p} is listed twice`, 2)
    out.push(p)
  }
  return out
}

export function captionStrategy(text: string): CaptionStrategy {
  const s = CaptionStrategySchema.safeParse(text).data
  if (!s)
    throw new CliError(`--caption-strategy must be one of ${CaptionStrategySchema.options.join(', ')}`, 2)
  return s
}

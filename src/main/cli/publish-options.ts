import {
  CaptionStrategySchema,
  PlatformSchema,
  type CaptionStrategy,
  type Platform,
} from '../../shared/contract/publish'
import { StoreActionSchema, type StoreAction } from '../../shared/contract/store-actions'
import { CliError } from './errors'

/** One id given to a flag (`--video 3`). */
export function oneId(text: string, flag: string): number {
  const n = Number(text.trim())
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0)
    throw new CliError(`${flag} must be an id like 3`, 2)
  return n
}

/** A comma-separated list of one enum's values, in order, each once; `none` (or nothing) = none. */
function enumList<T extends string>(schema: { readonly options: readonly T[] }, flag: string, what: string) {
  return (text: string): T[] => {
    const names = text
      .split(/[,，]/)
      .map((s) => s.trim())
      .filter(Boolean)
    if (names.length === 1 && names[0] === 'none') return []
    const out: T[] = []
    for (const name of names) {
      const p = schema.options.find((o) => o === name)
      if (!p) throw new CliError(`${flag}: unknown ${what} "${name}"; use ${schema.options.join(',')}`, 2)
      if (out.includes(p)) throw new CliError(`${flag}: ${p} is listed twice`, 2)
      out.push(p)
    }
    return out
  }
}

/** `--platforms douyin,kuaishou`: the platforms a tag offers, in that order; `none` (or nothing) = none. */
export const platformList: (text: string) => Platform[] = enumList(PlatformSchema, '--platforms', 'platform')

/** `--store-actions wifi,coupon`: the store actions a tag's page shows, in that order; `none` = none. */
export const storeActionList: (text: string) => StoreAction[] = enumList(
  StoreActionSchema,
  '--store-actions',
  'store action',
)

export function captionStrategy(text: string): CaptionStrategy {
  const s = CaptionStrategySchema.safeParse(text).data
  if (!s)
    throw new CliError(`--caption-strategy must be one of ${CaptionStrategySchema.options.join(', ')}`, 2)
  return s
}

import {
  HashtagFormSchema,
  PlatformLimitsSchema,
  PlatformSchema,
  type PlatformLimits,
  type PlatformLimitsMap,
  type Platform,
} from '../../../../shared/contract/publish'

/** One column of the platforms' limits table: a limit of PlatformLimits, its bounds read from the contract. */
export type LimitColumn =
  | { key: 'maxChars' | 'maxHashtags'; kind: 'number'; min: number; max: number; label: string }
  | { key: 'hashtagForm'; kind: 'choice'; options: readonly string[]; label: string }

const bounds = (key: 'maxChars' | 'maxHashtags') => {
  const schema = PlatformLimitsSchema.shape[key]
  return { min: schema.minValue ?? 0, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER }
}

export const LIMIT_COLUMNS: readonly LimitColumn[] = [
  { key: 'maxChars', kind: 'number', ...bounds('maxChars'), label: 'publish.maxChars' },
  { key: 'maxHashtags', kind: 'number', ...bounds('maxHashtags'), label: 'publish.maxHashtags' },
  { key: 'hashtagForm', kind: 'choice', options: HashtagFormSchema.options, label: 'publish.hashtagForm' },
]

export const PLATFORM_ROWS: readonly Platform[] = PlatformSchema.options

/** The form's values: the store name and one row per platform. */
export interface PublishingForm {
  storeName: string
  limits: PlatformLimitsMap
}

/** Only the platforms whose limits differ from what the hub holds are sent. */
export function limitsPatch(
  current: PlatformLimitsMap,
  typed: PlatformLimitsMap,
): Partial<Record<Platform, PlatformLimits>> {
  const out: Partial<Record<Platform, PlatformLimits>> = {}
  for (const p of PLATFORM_ROWS)
    if (JSON.stringify(current[p]) !== JSON.stringify(typed[p])) out[p] = { ...current[p], ...typed[p] }
  return out
}

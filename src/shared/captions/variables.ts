import type { Language } from '../languages'

/**
 * The values a caption can name in braces, filled in for each tap: the store's name (Settings → Publishing), the
 * day of the tap, and the placement label of the tapped tag. Each has a Chinese and an English spelling.
 */
export const CAPTION_VARIABLES = {
  store: ['门店', 'store'],
  date: ['日期', 'date'],
  placement: ['标签位置', 'placement'],
} as const
export type CaptionVariable = keyof typeof CAPTION_VARIABLES
export type CaptionValues = Record<CaptionVariable, string>

const BY_NAME = new Map<string, CaptionVariable>(
  (Object.entries(CAPTION_VARIABLES) as Array<[CaptionVariable, readonly string[]]>).flatMap(([v, names]) =>
    names.map((n) => [n, v] as const),
  ),
)

/** Every spelling people may write, for messages: `{门店}, {日期}, {标签位置}, {store}, {date}, {placement}`. */
export const VARIABLE_SPELLINGS: readonly string[] = [
  ...Object.values(CAPTION_VARIABLES).map((n) => `{${n[0]}}`),
  ...Object.values(CAPTION_VARIABLES).map((n) => `{${n[1]}}`),
]

// A brace pair around a short run without spaces or braces is a variable; anything else in braces (`{ }`, a lone
// `{`) is text. There is no escape: a caption cannot show `{门店}` literally.
const REFERENCE = /\{([^{}\s]{1,20})\}/g

/** The variable a name in braces stands for (`门店`, `store`), or null for a name that is none. */
export function variableNamed(name: string): CaptionVariable | null {
  return BY_NAME.get(name) ?? null
}

/** Names in braces that are no variable, in order of appearance, each once. */
export function unknownVariables(text: string): string[] {
  const out = new Set<string>()
  for (const m of text.matchAll(REFERENCE)) if (!BY_NAME.has(m[1]!)) out.add(m[1]!)
  return [...out]
}

/** Which variables a text uses. */
export function variablesUsed(text: string): Set<CaptionVariable> {
  const out = new Set<CaptionVariable>()
  for (const m of text.matchAll(REFERENCE)) {
    const v = BY_NAME.get(m[1]!)
    if (v) out.add(v)
  }
  return out
}

/** The text with each variable replaced by its value (unknown names are left as written). */
export function fillVariables(text: string, values: CaptionValues): string {
  if (!text.includes('{')) return text
  return text.replace(REFERENCE, (whole, name: string) => {
    const v = BY_NAME.get(name)
    return v ? values[v] : whole
  })
}

/** `{日期}` as a caption says it, in the hub's language: 5月3日 / May 3 (the store PC's local day). */
export function captionDate(at: number | Date, language: Language): string {
  const d = new Date(at)
  if (language === 'zh-CN') return `${d.getMonth() + 1}月${d.getDate()}日`
  return d.toLocaleDateString('en-US', { month: 'long', day: 'numeric' })
}

import type { Language } from '../languages'
import type { Labels } from './types'
import { zhCN } from './zh-CN'
import { en } from './en'

export type { ChainRecordsField, Labels, TransferField } from './types'

/** The user-facing words of every status and kind, per language (see types.ts). */
export const LABELS: Record<Language, Labels> = { 'zh-CN': zhCN, en }

/** A label with its placeholders filled: `fill('第 {{n}} 位', { n: 3 })` → `第 3 位`. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  )
}

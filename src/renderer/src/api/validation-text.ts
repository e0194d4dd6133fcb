import type { TFunction } from 'i18next'
import type { ValidationIssue } from '../../../shared/errors'
import type { Language } from '../../../shared/languages'
import { CONTRACT_TEXTS, contractTextKey } from '../i18n/contract-texts'

const FORMATS = new Set(['url', 'email', 'datetime', 'date', 'ipv4', 'ipv6'])

/** What is wrong, in the console's language: from the issue's code and figures, or the contract's own text. */
export function describeIssue(i: ValidationIssue, t: TFunction, language: Language): string {
  const n = i.minimum ?? i.maximum ?? i.divisor
  const chars = i.origin === 'string'
  const items = i.origin === 'array' || i.origin === 'set'
  const size = i.origin === 'file'
  if ((i.code === 'too_small' || i.code === 'too_big') && i.exact && chars)
    return t('validation.exactChars', { n })
  switch (i.code) {
    case 'too_small':
      if (chars) return t(Number(n) === 1 ? 'validation.empty' : 'validation.minChars', { n })
      if (items) return t('validation.minItems', { n })
      if (size) return t('validation.minSize', { n })
      return t(i.inclusive === false ? 'validation.minExclusive' : 'validation.min', { n })
    case 'too_big':
      if (chars) return t('validation.maxChars', { n })
      if (items) return t('validation.maxItems', { n })
      if (size) return t('validation.maxSize', { n })
      return t(i.inclusive === false ? 'validation.maxExclusive' : 'validation.max', { n })
    case 'not_multiple_of':
      return t('validation.multipleOf', { n })
    case 'invalid_type':
      // The message names what came; nothing at all is a missing field.
      if (/received undefined$/.test(i.message)) return t('validation.required')
      if (i.expected === 'int') return t('validation.int')
      if (i.expected === 'number') return t('validation.number')
      break
    case 'invalid_value':
      if (i.values?.length)
        return t('validation.oneOf', { values: i.values.map((v) => JSON.stringify(v)).join(' / ') })
      break
    case 'unrecognized_keys':
      return t('validation.unknownKeys', { keys: (i.keys ?? []).join(', ') })
  }
  const own = contractTextKey(i.message)
  if (own) return CONTRACT_TEXTS[language][own]
  // A caption's problem is worded by the caption editor's own table.
  const problem = i.params?.problem as { kind?: string; name?: string } | undefined
  if (problem?.kind && t(`captions.problem.${problem.kind}`) !== `captions.problem.${problem.kind}`)
    return t(`captions.problem.${problem.kind}`, {
      ...problem,
      name: problem.kind === 'unknown-variable' ? `{${problem.name}}` : undefined,
    })
  if (i.code === 'invalid_format')
    return t(`validation.format.${FORMATS.has(i.format ?? '') ? i.format : 'other'}`)
  if (i.code === 'invalid_type') return t('validation.type', { expected: i.expected ?? '' })
  // A text the console has no words for: the API's own, rather than nothing.
  return language === 'en' ? i.message : `${t('validation.invalid')}（${i.message}）`
}

/** A form's own name for a field of its input, by the field's path (null: not one of its fields). */
export type LabelOf = (path: string) => string | null

/** The field's name as the form or the console shows it, or its path as the API names it. */
function fieldName(path: string, t: TFunction, labelOf?: LabelOf): string {
  const own = labelOf?.(path)
  if (own) return own
  const last = path.split('.').pop() ?? ''
  const key = `validation.fields.${last}`
  const label = last ? t(key) : ''
  return label && label !== key ? label : path
}

/** A `validation-failed` answer's issues as one sentence in the console's language. */
export function describeIssues(
  issues: ValidationIssue[],
  t: TFunction,
  language: Language,
  labelOf?: LabelOf,
): string {
  return issues
    .map((i) => {
      const text = describeIssue(i, t, language)
      return i.path ? t('validation.field', { field: fieldName(i.path, t, labelOf), text }) : text
    })
    .join(t('validation.separator'))
}

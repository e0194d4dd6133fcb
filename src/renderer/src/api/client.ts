import { ApiError, createApiClient } from '../../../shared/api-client'
import i18n, { languageOf } from '../i18n'
import type { ValidationIssue } from '../../../shared/errors'
import type { Language } from '../../../shared/languages'
import { TEXT, type HubText } from '../../../shared/contract/texts'
import { sayText } from '../i18n/contract-texts'
import { describeIssue, describeIssues, type LabelOf } from './validation-text'

/** The console talks to the hub it was served from; the session cookie rides along. */
export const api = createApiClient({ baseUrl: '' })

const consoleLanguage = (): Language => languageOf(i18n.language)

/** The texts of the shared table a refusal names (details.text, or details.texts for several reasons). */
function hubTextsOf(err: ApiError): HubText[] {
  const d = err.details ?? {}
  const list = Array.isArray(d.texts) ? d.texts : d.text ? [d.text] : []
  return (list as HubText[]).filter((x) => typeof x?.key === 'string' && Object.hasOwn(TEXT, x.key))
}

function issuesOf(err: unknown): ValidationIssue[] {
  if (!(err instanceof ApiError) || err.code !== 'validation-failed') return []
  const issues = err.details?.issues
  return Array.isArray(issues) ? (issues as ValidationIssue[]) : []
}

/**
 * A person-readable message for any failure, in the current language, keyed by the hub's stable error code.
 * `labelOf` names a refused field as the form shows it (else the console's common names, else the API's).
 */
export function errorMessage(err: unknown, labelOf?: LabelOf): string {
  if (err instanceof ApiError) {
    const reason = err.details?.reason
    if (err.code === 'video-refused' && typeof reason === 'string' && i18n.exists(`label.refusal.${reason}`))
      return i18n.t(`label.refusal.${reason}`)
    const key = `errors.${err.code}`
    const seconds = (err.details?.retryAfterSeconds as number | undefined) ?? ''
    const similarTo = (err.details?.similarTo as string | undefined) ?? ''
    const issues = issuesOf(err)
    // The hub's message is English; the refusals it lists, or the text of its table it names, are worded here, in
    // the console's language.
    const texts = hubTextsOf(err)
    const message = issues.length
      ? describeIssues(issues, i18n.t, consoleLanguage(), labelOf)
      : texts.length
        ? texts.map((x) => sayText(x, consoleLanguage())).join(i18n.t('validation.separator'))
        : err.message
    const text = i18n.t(key, { message, seconds, similarTo })
    return text === key ? err.message : text
  }
  return (err as Error)?.message ?? String(err)
}

/** A refusal's fields and what is wrong with each, worded for the console: to show under a form's fields. */
export function refusedFields(err: unknown): Array<{ path: string; text: string }> {
  return issuesOf(err)
    .filter((i) => i.path)
    .map((i) => ({ path: i.path, text: describeIssue(i, i18n.t, consoleLanguage()) }))
}

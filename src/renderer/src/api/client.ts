import { ApiError, createApiClient } from '../../../shared/api-client'
import i18n from '../i18n'

/** The console talks to the hub it was served from; the session cookie rides along. */
export const api = createApiClient({ baseUrl: '' })

/** A person-readable message for any failure, in the current language, keyed by the hub's stable error code. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const reason = err.details?.reason
    if (err.code === 'video-refused' && typeof reason === 'string' && i18n.exists(`label.refusal.${reason}`))
      return i18n.t(`label.refusal.${reason}`)
    const key = `errors.${err.code}`
    const seconds = (err.details?.retryAfterSeconds as number | undefined) ?? ''
    const similarTo = (err.details?.similarTo as string | undefined) ?? ''
    const text = i18n.t(key, { message: err.message, seconds, similarTo })
    return text === key ? err.message : text
  }
  return (err as Error)?.message ?? String(err)
}

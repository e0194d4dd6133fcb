import { HubError } from '../../errors'

export type NfcErrorCode =
  | 'unavailable'
  | 'no-reader'
  | 'timeout'
  | 'removed'
  | 'unsupported-chip'
  | 'capacity'
  | 'locked'
  | 'password'
  | 'foreign-content'
  | 'known-tag'
  | 'busy'
  | 'verify-failed'
  | 'io'

/** A tag operation that did not succeed, with a reason staff can act on. */
export class NfcError extends Error {
  constructor(
    readonly code: NfcErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'NfcError'
  }
}

/** The API's error for a failed tag operation (one code per reason, so the console can translate it). */
export function nfcHubError(err: NfcError): HubError {
  return new HubError(`nfc-${err.code}`, err.message, err.details)
}

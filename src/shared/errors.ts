// Stable error codes shared by the hub, the admin console and the CLI. The HTTP answer is always
// `{ error: { code, message, details? } }`; UIs translate by code, the message is English for logs and CLI.
export const ERROR_STATUS = {
  'bad-request': 400,
  'validation-failed': 400,
  'unknown-method': 404,
  unauthenticated: 401,
  'invalid-credentials': 401,
  'setup-token-invalid': 403,
  forbidden: 403,
  'host-not-allowed': 403,
  'origin-not-allowed': 403,
  'not-found': 404,
  'user-not-found': 404,
  'video-not-found': 404,
  'transfer-not-found': 404,
  'brand-not-found': 404,
  conflict: 409,
  'user-exists': 409,
  // A new user name that looks like an existing one (ｏｗｎｅｒ, Cyrillic ѕtaff1); details.similarTo names it.
  'user-confusable': 409,
  'setup-done': 409,
  'last-admin': 409,
  'self-change': 409,
  'video-in-use': 409,
  'brand-locked': 409,
  'video-refused': 422,
  // Remix (issue 19): a template whose rules cannot make any variant (details.problems lists why), an audio file
  // that is not music (not audio, silent), a template still used by tags.
  'remix-impossible': 422,
  'music-refused': 422,
  'template-in-use': 409,
  'brand-invalid': 422,
  'payload-too-large': 413,
  throttled: 429,
  'internal-error': 500,
  // The hub's disk is full (a database or file write failed for lack of space): nothing was changed.
  'disk-full': 507,
  // SQLite found the database file damaged while reading what was asked for (the integrity check says where).
  'database-damaged': 500,
  unavailable: 503,
  // NFC: the tag operation failed; details.reason repeats what staff can do about it.
  'nfc-unavailable': 503,
  'nfc-no-reader': 409,
  'nfc-timeout': 408,
  'nfc-removed': 409,
  'nfc-unsupported-chip': 422,
  'nfc-capacity': 422,
  'nfc-locked': 409,
  'nfc-password': 403,
  'nfc-foreign-content': 409,
  'nfc-known-tag': 409,
  'nfc-verify-failed': 409,
  'nfc-busy': 409,
  'nfc-io': 502,
  // The chain's object store (core/chain/object-store.ts): what went wrong there, in words staff can act on. None is
  // 401/403: those are about the console's own session.
  'chain-not-configured': 409,
  'chain-credentials': 502,
  'chain-forbidden': 502,
  'chain-no-bucket': 502,
  'chain-clock-skew': 502,
  'chain-not-found': 404,
  'chain-checksum': 502,
  'chain-changed': 409,
  'chain-unreachable': 503,
  'chain-tls': 502,
  'chain-server': 502,
  'chain-invalid': 502,
  'chain-refused': 502,
  // A chain video at a store: headquarters owns it (edit it there and publish again).
  'chain-read-only': 409,
  // A store's sync could not finish: no room on the disk for what the catalog needs (details say how much).
  'chain-disk-full': 507,
  // The request is for headquarters (chainRole hq) or for a store, and this hub is the other.
  'chain-wrong-role': 409,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/**
 * One refusal of a `validation-failed` answer (details.issues): where, zod's issue code and the figures it names, and
 * the English message. The console words it in its own language from `code` and the figures (the message is the
 * API's English, from the contract).
 */
export interface ValidationIssue {
  /** The field's path, dot-joined ('' for the whole input). */
  path: string
  code: string
  message: string
  /** What the limit applies to: string, number, array, set, date … */
  origin?: string
  minimum?: number | string
  maximum?: number | string
  inclusive?: boolean
  /** The length must be exactly this (`.length(n)`). */
  exact?: boolean
  /** The type wanted (invalid_type). */
  expected?: string
  /** The format wanted (invalid_format): regex, url, email, datetime … */
  format?: string
  /** The values allowed (invalid_value). */
  values?: unknown[]
  /** Keys that are not part of the input (unrecognized_keys). */
  keys?: string[]
  divisor?: number | string
  /** A refinement's own figures (a caption problem …). */
  params?: Record<string, unknown>
}

export interface ErrorBody {
  code: ErrorCode
  message: string
  details?: Record<string, unknown>
}

export interface ErrorEnvelope {
  error: ErrorBody
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value)
}

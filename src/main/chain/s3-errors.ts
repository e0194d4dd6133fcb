import { ObjectStoreError, type ObjectStoreFailure } from '../core/chain/object-store'

/** What the S3 library's error (or Node's, under it) says, without anything from the request. */
interface Failure {
  name?: string
  code?: string
  Code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
  $fault?: 'client' | 'server'
  cause?: unknown
}

const CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken'])
const CHECKSUM = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch'])
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
])
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException'])
const TLS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

function storeCode(f: Failure): string | undefined {
  return f.Code ?? (f.name && f.name !== 'Error' && f.name !== 'Unknown' ? f.name : undefined)
}

/** The Node error code, looked for on the error and its causes (the library wraps socket errors). */
function systemCode(err: unknown): string | undefined {
  for (let e = err as Failure | undefined, depth = 0; e && depth < 5; e = e.cause as Failure, depth++) {
    if (typeof e.code === 'string') return e.code
  }
  return undefined
}

export interface Where {
  op: string
  key?: string
  bucket: string
  endpoint: string
}

const MESSAGES: Record<ObjectStoreFailure, (w: Where, detail: string) => string> = {
  credentials: (w) =>
    `the object store at ${w.endpoint} refused the access key or secret (${w.op}); check chainAccessKey and chainSecretKey`,
  forbidden: (w) =>
    `the keys may not ${w.op} in bucket ${w.bucket}${w.key ? ` (${w.key})` : ''}; give them that permission in the object store`,
  'no-bucket': (w) => `bucket ${w.bucket} does not exist at ${w.endpoint}; create it, or correct chainBucket`,
  'clock-skew': (w) =>
    `the object store at ${w.endpoint} refused the request because this PC's clock differs too much from its own; set the PC's date and time`,
  'not-found': (w) => `${w.key ?? 'the object'} does not exist in bucket ${w.bucket}`,
  checksum: (w) =>
    `the object store refused ${w.key ?? 'the upload'}: its bytes did not match their checksum (damaged on the way); try again`,
  changed: (w) =>
    `${w.key ?? 'the object'} was changed by someone else meanwhile (${w.op} expected another version); read it again`,
  network: (w, d) => `cannot reach the object store at ${w.endpoint} (${d})`,
  tls: (w, d) =>
    `the object store's certificate at ${w.endpoint} is not trusted (${d}); set chainCaFile to its CA certificate (PEM) or correct the address`,
  server: (w, d) => `the object store at ${w.endpoint} failed (${d}); it may be overloaded or down`,
  invalid: (w, d) => `${w.key ?? 'an object'} in bucket ${w.bucket} is not usable: ${d}`,
  refused: (w, d) => `the object store refused ${w.op}${w.key ? ` of ${w.key}` : ''} (${d})`,
}

export function storeError(
  reason: ObjectStoreFailure,
  where: Where,
  detail = '',
  extra: Record<string, unknown> = {},
) {
  return new ObjectStoreError(reason, MESSAGES[reason](where, detail), {
    op: where.op,
    ...(where.key !== undefined ? { key: where.key } : {}),
    ...extra,
  })
}

/** Turns whatever the S3 library threw into an ObjectStoreError with its reason. */
export function classify(err: unknown, where: Where): ObjectStoreError {
  if (err instanceof ObjectStoreError) return err
  const f = (err ?? {}) as Failure
  const status = f.$metadata?.httpStatusCode
  const code = storeCode(f)
  const sys = systemCode(err)
  const extra = { ...(status !== undefined ? { status } : {}), ...(code ? { storeCode: code } : {}) }
  const detail = [status ? `HTTP ${status}` : null, code ?? sys ?? f.message].filter(Boolean).join(' ')
  let reason: ObjectStoreFailure
  if (code && CREDENTIALS.has(code)) reason = 'credentials'
  else if (code === 'RequestTimeTooSkewed') reason = 'clock-skew'
  else if (code === 'NoSuchBucket') reason = 'no-bucket'
  else if (code === 'NoSuchKey') reason = 'not-found'
  else if (code === 'AccessDenied') reason = 'forbidden'
  else if (code && CHECKSUM.has(code)) reason = 'checksum'
  else if (code === 'PreconditionFailed' || status === 412) reason = 'changed'
  else if (sys && TLS.has(sys)) reason = 'tls'
  else if ((sys && NETWORK.has(sys)) || (f.name && NETWORK_NAMES.has(f.name)) || status === 408)
    reason = 'network'
  else if (status !== undefined && status >= 500) reason = 'server'
  else if (status === undefined && !code)
    // No HTTP answer at all: the connection failed in a way without a known code (socket hang up, aborted).
    reason = 'network'
  else if (status === 404) reason = 'not-found'
  else reason = 'refused'
  return storeError(reason, where, detail || 'no details', extra)
}

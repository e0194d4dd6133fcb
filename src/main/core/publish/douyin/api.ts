import { z } from 'zod'

/**
 * Codes Douyin answers when the client_token is expired or invalid (docs/douyin.md §3): the caller fetches a new
 * token and tries once more.
 */
export const AUTH_ERROR_CODES: ReadonlySet<number> = new Set([28001008, 28001003, 10008, 2190008])

/** unreachable: no answer (network, timeout, 5xx); auth: the client_token was refused; refused: any other error. */
export type DouyinFailureKind = 'unreachable' | 'auth' | 'refused'

/** A failed call to Douyin. Its message names the endpoint and Douyin's code, never a token or the secret. */
export class DouyinApiError extends Error {
  constructor(
    readonly kind: DouyinFailureKind,
    message: string,
    readonly code: number | null = null,
  ) {
    super(message)
    this.name = 'DouyinApiError'
  }
}

/** A token or ticket and how long Douyin says it lives. */
export interface Expiring {
  value: string
  expiresInSeconds: number
}

/** The documented lifetime, used when an answer leaves `expires_in` out. */
const DEFAULT_EXPIRES_IN = 7200
/** Douyin's answers are a few hundred bytes; anything far larger is not one. */
const MAX_ANSWER_BYTES = 64 * 1024

const code = z.coerce.number().optional()
// Only what the hub reads; Douyin adds fields freely.
const AnswerSchema = z.object({
  data: z
    .object({
      error_code: code,
      description: z.string().optional(),
      access_token: z.string().optional(),
      ticket: z.string().optional(),
      share_id: z.union([z.string(), z.number()]).optional(),
      expires_in: z.coerce.number().optional(),
    })
    .optional(),
  extra: z.object({ error_code: code, description: z.string().optional() }).optional(),
  err_no: code,
  err_msg: z.string().optional(),
})
type Answer = z.infer<typeof AnswerSchema>

export interface DouyinApiDeps {
  fetch: typeof fetch
  /** Per request; a phone waits for the answer. */
  timeoutMs: number
}

/**
 * The three Douyin OpenAPI calls the H5 share needs, over an injected fetch. Stateless: the base URL and the
 * credentials come with each call, so a change in Settings applies to the next one.
 */
export class DouyinApi {
  constructor(private readonly d: DouyinApiDeps) {}

  /** POST /oauth/client_token/ (docs/douyin.md §2). */
  async clientToken(baseUrl: string, clientKey: string, clientSecret: string): Promise<Expiring> {
    const a = await this.call(baseUrl, '/oauth/client_token/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_key: clientKey,
        client_secret: clientSecret,
        grant_type: 'client_credential',
      }),
    })
    return expiring(a.data?.access_token, a.data?.expires_in, 'client_token')
  }

  /** GET /open/getticket/ (docs/douyin.md §3). */
  async ticket(baseUrl: string, clientToken: string): Promise<Expiring> {
    const a = await this.call(baseUrl, '/open/getticket/', {
      method: 'GET',
      headers: { 'access-token': clientToken, 'content-type': 'application/json' },
    })
    return expiring(a.data?.ticket, a.data?.expires_in, 'ticket')
  }

  /** GET /share-id/?need_callback=true (docs/douyin.md §4): an id Douyin reports the share's result under. */
  async shareId(baseUrl: string, clientToken: string): Promise<string> {
    const a = await this.call(baseUrl, '/share-id/?need_callback=true', {
      method: 'GET',
      headers: { 'access-token': clientToken, 'content-type': 'application/json' },
    })
    const id = a.data?.share_id
    if (id === undefined || id === '')
      throw new DouyinApiError('refused', 'share-id: no share_id in the answer')
    return String(id)
  }

  private async call(baseUrl: string, path: string, init: RequestInit): Promise<Answer> {
    const endpoint = path.split('?')[0]!
    let res: Response
    let text: string
    try {
      res = await this.d.fetch(baseUrl + path, { ...init, signal: AbortSignal.timeout(this.d.timeoutMs) })
      text = await res.text()
    } catch (err) {
      const why =
        (err as Error).name === 'TimeoutError' ? `no answer within ${this.d.timeoutMs} ms` : 'no answer'
      throw new DouyinApiError('unreachable', `${endpoint}: ${why} (${(err as Error).message})`)
    }
    if (res.status >= 500) throw new DouyinApiError('unreachable', `${endpoint}: HTTP ${res.status}`)
    if (!res.ok) throw new DouyinApiError('refused', `${endpoint}: HTTP ${res.status}`)
    if (text.length > MAX_ANSWER_BYTES) throw new DouyinApiError('refused', `${endpoint}: answer too large`)
    let parsed: Answer
    try {
      parsed = AnswerSchema.parse(JSON.parse(text))
    } catch {
      throw new DouyinApiError('refused', `${endpoint}: not an answer Douyin documents`)
    }
    const failed = [parsed.data?.error_code, parsed.extra?.error_code, parsed.err_no].find((c) => !!c)
    if (failed) {
      const description = (
        parsed.data?.description ||
        parsed.extra?.description ||
        parsed.err_msg ||
        ''
      ).slice(0, 120)
      throw new DouyinApiError(
        AUTH_ERROR_CODES.has(failed) ? 'auth' : 'refused',
        `${endpoint}: error ${failed}${description ? ` (${description})` : ''}`,
        failed,
      )
    }
    return parsed
  }
}

function expiring(value: string | undefined, expiresIn: number | undefined, what: string): Expiring {
  if (!value) throw new DouyinApiError('refused', `${what}: missing in the answer`)
  const seconds = expiresIn && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN
  return { value, expiresInSeconds: seconds }
}

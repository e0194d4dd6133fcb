import type { MethodInput, MethodName, MethodResult } from './contract'
import { isErrorCode, type ErrorCode } from './errors'

/** An error answered by the hub (its stable code), or a transport failure (`unavailable`). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface ApiClientOptions {
  /** '' in the browser (same origin), the hub's admin URL in the CLI. */
  baseUrl: string
  headers?: Record<string, string>
  fetchImpl?: typeof fetch
}

export type Invoke = <M extends MethodName>(name: M, args: MethodInput<M>) => Promise<MethodResult<M>>

/** The one way anything talks to the admin API: `invoke('user-create', {...})`, typed end to end by the contract. */
export function createApiClient(options: ApiClientOptions): { invoke: Invoke } {
  const doFetch = options.fetchImpl ?? fetch
  const invoke: Invoke = async (name, args) => {
    let res: Response
    try {
      res = await doFetch(`${options.baseUrl}/api/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...options.headers },
        body: JSON.stringify(args ?? {}),
        credentials: 'same-origin',
      })
    } catch (err) {
      throw new ApiError('unavailable', `cannot reach the hub (${(err as Error).message})`, 0)
    }
    let body: unknown = null
    try {
      body = await res.json()
    } catch {
      /* not JSON: handled below */
    }
    if (res.ok && body && typeof body === 'object' && 'result' in body)
      return (body as { result: never }).result
    const error =
      body && typeof body === 'object' && 'error' in body
        ? (body as { error: { code?: unknown; message?: unknown; details?: Record<string, unknown> } }).error
        : null
    const code = isErrorCode(error?.code) ? error.code : 'internal-error'
    throw new ApiError(
      code,
      typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`,
      res.status,
      error?.details,
    )
  }
  return { invoke }
}

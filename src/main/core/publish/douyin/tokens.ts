import type { Logger } from 'pino'
import { DouyinApiError, type DouyinApi, type Expiring } from './api'

export interface DouyinCredentials {
  apiBaseUrl: string
  clientKey: string
  clientSecret: string
}

/** A cached token or ticket and the moments that matter for it. */
interface Held {
  value: string
  /** From here on, a background request replaces it. */
  refreshAt: number
  /** From here on it is no longer handed out: a caller waits for the new one. */
  deadAt: number
}

/** Fresh for this share of its lifetime (docs/douyin.md §9). */
const FRESH_SHARE = 0.8
/** Never handed out this close to its end: the phone still has to open Douyin, which checks the signature. */
const END_MARGIN_MS = 5 * 60_000

function hold(e: Expiring, now: number): Held {
  const life = e.expiresInSeconds * 1000
  return {
    value: e.value,
    refreshAt: now + FRESH_SHARE * life,
    deadAt: now + life - Math.min(END_MARGIN_MS, 0.1 * life),
  }
}

type Kind = 'client_token' | 'ticket'

export interface DouyinTokensDeps {
  api: DouyinApi
  credentials: () => DouyinCredentials
  now: () => number
  logger: Logger
  /** After a failed request, later callers that need one fail at once for this long instead of each waiting. */
  failureCooldownMs: number
}

/**
 * The hub's one client_token and one ticket (docs/douyin.md §9): fetched on first need, shared by every share,
 * one request in flight per kind, refreshed in the background before they expire, and replaced after Douyin
 * refuses the client_token. Values never leave this object except to sign or to call Douyin.
 */
export class DouyinTokens {
  private held: Record<Kind, Held | null> = { client_token: null, ticket: null }
  private flights: Record<Kind, Promise<string> | null> = { client_token: null, ticket: null }
  /** Bumped by reset(): answers to requests made before it are not kept. */
  private generation = 0
  private failure: { error: DouyinApiError; until: number } | null = null

  constructor(private readonly d: DouyinTokensDeps) {}

  /** Forgets both (the credentials or the API address changed). */
  reset(): void {
    this.generation++
    this.held = { client_token: null, ticket: null }
    this.flights = { client_token: null, ticket: null }
    this.failure = null
  }

  /** A ticket that is valid for a while yet; throws a DouyinApiError when none can be had. */
  ticket(): Promise<string> {
    return this.get('ticket', () =>
      this.withClientToken((token) => this.d.api.ticket(this.d.credentials().apiBaseUrl, token)),
    )
  }

  /** True while a recent failure makes requests that need Douyin fail at once. */
  coolingDown(): boolean {
    return !!this.failure && this.d.now() < this.failure.until
  }

  /**
   * Runs a call that needs the client_token; when Douyin answers that the token is expired or invalid, drops it,
   * fetches a new one and runs the call once more.
   */
  async withClientToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.clientToken()
    try {
      return await call(token)
    } catch (err) {
      if (!(err instanceof DouyinApiError) || err.kind !== 'auth') throw err
      this.d.logger.warn({ code: err.code }, 'Douyin refused the client_token; fetching a new one')
      if (this.held.client_token?.value === token) this.held.client_token = null
      return call(await this.clientToken())
    }
  }

  private clientToken(): Promise<string> {
    return this.get('client_token', () => {
      const c = this.d.credentials()
      return this.d.api.clientToken(c.apiBaseUrl, c.clientKey, c.clientSecret)
    })
  }

  private get(kind: Kind, fetchIt: () => Promise<Expiring>): Promise<string> {
    const held = this.held[kind]
    const now = this.d.now()
    if (held && now < held.refreshAt) return Promise.resolve(held.value)
    if (held && now < held.deadAt) {
      // Still good: this caller goes on with it while one request replaces it (not again right after a failure);
      // the flight logs its own failure.
      if (!this.coolingDown()) this.refresh(kind, fetchIt).catch(() => {})
      return Promise.resolve(held.value)
    }
    return this.refresh(kind, fetchIt)
  }

  private refresh(kind: Kind, fetchIt: () => Promise<Expiring>): Promise<string> {
    const inFlight = this.flights[kind]
    if (inFlight) return inFlight
    if (this.failure && this.d.now() < this.failure.until) return Promise.reject(this.failure.error)
    const generation = this.generation
    const flight = (async () => {
      try {
        // Started on the next tick, so the flight is registered before anything it does can finish.
        const e = await Promise.resolve().then(fetchIt)
        if (generation === this.generation) {
          this.held[kind] = hold(e, this.d.now())
          this.failure = null
          this.d.logger.info({ expiresIn: e.expiresInSeconds }, `Douyin ${kind} obtained`)
        }
        return e.value
      } catch (err) {
        const error =
          err instanceof DouyinApiError ? err : new DouyinApiError('unreachable', `${kind}: ${describe(err)}`)
        if (generation === this.generation) {
          this.failure = { error, until: this.d.now() + this.d.failureCooldownMs }
          this.d.logger.warn({ err: error.message, code: error.code }, `Douyin ${kind} request failed`)
        }
        throw error
      } finally {
        if (generation === this.generation) this.flights[kind] = null
      }
    })()
    this.flights[kind] = flight
    return flight
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

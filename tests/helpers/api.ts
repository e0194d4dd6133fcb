import { request as httpRequest } from 'node:http'
import { createApiClient, type Invoke } from '../../src/shared/api-client'

/**
 * A browser-like API client for tests: keeps the session cookie the hub sets, like a real browser would, and
 * sends the Origin header a browser on the console page sends.
 */
export class TestSession {
  cookie: string | null = null
  readonly invoke: Invoke

  constructor(
    readonly baseUrl: string,
    extraHeaders: Record<string, string> = {},
  ) {
    const fetchWithCookies: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers)
      headers.set('Origin', baseUrl)
      for (const [k, v] of Object.entries(extraHeaders)) headers.set(k, v)
      if (this.cookie) headers.set('Cookie', this.cookie)
      const res = await fetch(input, { ...init, headers })
      const set = res.headers.getSetCookie()
      for (const c of set) {
        const [pair = ''] = c.split(';')
        if (/expires=Thu, 01 Jan 1970/i.test(c) || pair.endsWith('=')) this.cookie = null
        else this.cookie = pair
      }
      return res
    }
    this.invoke = createApiClient({ baseUrl, fetchImpl: fetchWithCookies }).invoke
  }
}

/** Raw POST to an API method, for asserting status codes and headers. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    json = text
  }
  return { status: res.status, json, headers: res.headers }
}

/** A request with full control of headers (fetch refuses to set Host). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.end(options.body)
  })
}

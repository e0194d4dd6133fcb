import { request as httpRequest } from 'node:http'
import { createReadStream, statSync } from 'node:fs'
import { basename } from 'node:path'
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

/**
 * Streams a file to the upload endpoint like a browser does. `chunked` sends no Content-Length;
 * `abortAfterBytes` cuts the connection mid-body, as a closed laptop lid would.
 */
export function uploadFile(
  adminUrl: string,
  file: string,
  options: {
    name?: string
    title?: string
    cookie?: string | null
    chunked?: boolean
    abortAfterBytes?: number
    headers?: Record<string, string>
  } = {},
): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const size = statSync(file).size
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'X-Tapdrop-Filename': encodeURIComponent(options.name ?? basename(file)),
      Origin: adminUrl,
      ...options.headers,
    }
    if (options.title) headers['X-Tapdrop-Title'] = encodeURIComponent(options.title)
    if (options.cookie) headers.Cookie = options.cookie
    if (!options.chunked) headers['Content-Length'] = String(size)
    const req = httpRequest(`${adminUrl}/api/videos/upload`, { method: 'POST', headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (body += d))
      res.on('end', () => {
        let json: unknown = body
        try {
          json = JSON.parse(body)
        } catch {
          /* keep text */
        }
        resolve({ status: res.statusCode ?? 0, json })
      })
    })
    req.on('error', (err) =>
      options.abortAfterBytes !== undefined ? resolve({ status: -1, json: null }) : reject(err),
    )
    let sent = 0
    const stream = createReadStream(file, { highWaterMark: 64 * 1024 })
    stream.on('data', (chunk: string | Buffer) => {
      sent += chunk.length
      if (options.abortAfterBytes !== undefined && sent > options.abortAfterBytes) {
        stream.destroy()
        req.destroy()
        setTimeout(() => resolve({ status: -1, json: null }), 300)
        return
      }
      if (!req.write(chunk)) {
        stream.pause()
        req.once('drain', () => stream.resume())
      }
    })
    stream.on('end', () => req.end())
  })
}

import type { IncomingMessage } from 'node:http'
import { HubError } from '../core/errors'

/**
 * The Host values the admin listener answers to. Checking Host defeats DNS rebinding (a web page on the LAN or
 * the internet pointing its own name at 127.0.0.1); checking Origin stops other sites from driving the API.
 */
export function allowedAdminHosts(boundHost: string, port: number, extra: readonly string[]): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', ...extra.map((h) => h.toLowerCase())])
  if (boundHost !== '0.0.0.0' && boundHost !== '::')
    names.add(boundHost.includes(':') ? `[${boundHost}]` : boundHost)
  const out = new Set<string>()
  for (const name of names) {
    out.add(`${name}:${port}`)
    if (port === 80) out.add(name)
  }
  return out
}

export function checkHost(req: IncomingMessage, allowed: Set<string>): void {
  const host = (req.headers.host ?? '').toLowerCase()
  if (!allowed.has(host))
    throw new HubError(
      'host-not-allowed',
      `this admin console does not answer to the host "${host.slice(0, 100)}"`,
    )
}

/** A request without Origin (the CLI, curl) passes here and still needs credentials; a browser's must match. */
export function checkOrigin(req: IncomingMessage, allowed: Set<string>): void {
  const origin = req.headers.origin
  if (req.headers['sec-fetch-site'] === 'cross-site')
    throw new HubError('origin-not-allowed', 'cross-site requests are refused')
  if (origin === undefined) return
  let host: string
  try {
    const url = new URL(origin)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme')
    host = url.host.toLowerCase()
  } catch {
    throw new HubError('origin-not-allowed', 'requests from this origin are refused')
  }
  if (!allowed.has(host))
    throw new HubError('origin-not-allowed', `requests from ${origin.slice(0, 100)} are refused`)
}

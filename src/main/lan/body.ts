import type { IncomingMessage } from 'node:http'

/** What a phone's small POST body came to. */
export type SmallBody = { ok: true; data: Buffer } | { ok: false; reason: 'too-large' | 'timeout' }

/**
 * Reads a phone's POST body of at most `max` bytes: a declared or actual larger one is refused without being kept
 * (the rest is drained), a body that does not arrive in time ends the connection. A beacon is a few dozen bytes.
 */
export function readSmallBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<SmallBody> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > max) {
      req.resume()
      return resolve({ ok: false, reason: 'too-large' })
    }
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (v: SmallBody) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(v)
    }
    const timer = setTimeout(() => {
      settle({ ok: false, reason: 'timeout' })
      req.destroy()
    }, timeoutMs)
    req.on('data', (c: Buffer) => {
      if (settled) return
      size += c.length
      if (size > max) {
        chunks.length = 0
        settle({ ok: false, reason: 'too-large' })
        return
      }
      chunks.push(c)
    })
    req.on('end', () => settle({ ok: true, data: Buffer.concat(chunks) }))
    req.on('error', () => settle({ ok: false, reason: 'timeout' }))
  })
}

/** A beacon's body as sent: JSON (sendBeacon's text/plain, or application/json), or a form (`k=played`). */
export function parseBeaconBody(data: Buffer, contentType: string | undefined): unknown {
  const text = data.toString('utf8')
  if (contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text))
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

/**
 * Whether a phone's request comes from the hub's own page: no Origin, or one naming the host asked (and no
 * browser saying it is cross-site). Beacons and coupon requests from other sites are refused.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site']
  if (site && site !== 'same-origin' && site !== 'none') return false
  const origin = req.headers.origin
  if (!origin) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

import { readFileSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Brand } from '../core/brand/brand'

/**
 * GET /brand/logo on both listeners: the brand's logo (checked when the profile was loaded: an SVG without scripts
 * or outside references, or a PNG). SVGs also get a CSP of their own, in case one is opened as a page.
 */
export function sendBrandLogo(req: IncomingMessage, res: ServerResponse, brand: Brand): void {
  const path = brand.logoPath
  const st = path ? statSync(path, { throwIfNoEntry: false }) : undefined
  if (!path || !st) {
    res.statusCode = 404
    res.end()
    return
  }
  const etag = `"${brand.id}-${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`
  res.setHeader('ETag', etag)
  res.setHeader('Cache-Control', 'public, max-age=300')
  res.setHeader('Content-Type', path.endsWith('.svg') ? 'image/svg+xml' : 'image/png')
  if (path.endsWith('.svg'))
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304
    res.end()
    return
  }
  const body = readFileSync(path)
  res.setHeader('Content-Length', String(body.length))
  res.end(req.method === 'HEAD' ? undefined : body)
}

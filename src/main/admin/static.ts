import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import express, { type Router } from 'express'

/**
 * Serves the built admin console (out/renderer). Hashed assets are cached for good; index.html never is, and
 * every other non-API path gets it so the console's routes survive a reload.
 */
export function staticRouter(dir: string | null): Router {
  const router = express.Router()
  const index = dir ? join(dir, 'index.html') : null
  if (!dir || !index || !existsSync(index)) {
    router.get('/{*rest}', (_req, res) => {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The admin console has not been built. Run `npm run build` in the TapDrop folder, then reload.')
    })
    return router
  }
  const html = readFileSync(index)
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
      redirect: false,
    }),
  )
  router.use(express.static(dir, { index: false, maxAge: 0, redirect: false }))
  router.get('/{*rest}', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache')
    res.type('text/html; charset=utf-8').send(html)
  })
  return router
}

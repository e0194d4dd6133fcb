import { basename, dirname } from 'node:path'
import express, { type Router } from 'express'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import { HubError } from '../core/errors'
import type { RemixService } from '../core/remix/service'
import { resolveActor } from './context'
import { sendError } from './rpc'

/** A rendered remix preview for the console's player (any logged-in role; the name is checked, not followed). */
export function remixMediaRouter(remix: RemixService, auth: AuthService, logger: Logger): Router {
  const router = express.Router()
  router.get('/media/remix/preview/:file', (req, res) => {
    if (resolveActor(req, auth).kind === 'anonymous')
      return sendError(res, new HubError('unauthenticated', 'log in first'), logger)
    const path = remix.previewFile(String(req.params.file))
    if (!path) return sendError(res, new HubError('not-found', 'no such preview'), logger)
    res.sendFile(basename(path), { root: dirname(path), dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) sendError(res, new HubError('not-found', 'no such preview'), logger)
    })
  })
  return router
}

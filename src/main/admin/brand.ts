import express, { type Router } from 'express'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import type { BrandService } from '../core/brand/service'
import { MAX_ARCHIVE_BYTES } from '../core/brand/archive'
import { HubError } from '../core/errors'
import { sendBrandLogo } from '../http/brand-logo'
import { callContext } from './context'
import { sendError } from './rpc'

/**
 * GET /brand/logo: public, like the brand itself (the login page shows it before anyone logs in).
 * POST /api/brand/import (under /api/, so Origin-checked like the API): a reseller's profile archive (.zip, at most 8 MB) as the request body; admin only.
 */
export function brandRouter(d: { brand: BrandService; auth: AuthService; logger: Logger }): Router {
  const router = express.Router()
  router.get('/brand/logo', (req, res) => sendBrandLogo(req, res, d.brand.current()))
  router.post(
    '/api/brand/import',
    (req, res, next) => {
      // Who may import is checked before the body is read.
      const ctx = callContext(req, res, d.auth)
      if (ctx.actor.kind === 'anonymous')
        return sendError(res, new HubError('unauthenticated', 'log in first'), d.logger)
      next()
    },
    express.raw({ type: () => true, limit: MAX_ARCHIVE_BYTES }),
    async (req, res) => {
      try {
        if (!Buffer.isBuffer(req.body) || req.body.length === 0)
          throw new HubError('bad-request', 'send the brand profile archive (.zip) as the request body')
        const view = await d.brand.importArchive(callContext(req, res, d.auth), req.body)
        res.json({ result: view })
      } catch (err) {
        sendError(res, err, d.logger)
      }
    },
  )
  router.use(
    '/api/brand/import',
    (
      err: Error & { type?: string },
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (err.type === 'entity.too.large')
        return sendError(
          res,
          new HubError('payload-too-large', 'a brand profile archive is at most 8 MB'),
          d.logger,
        )
      next(err)
    },
  )
  return router
}

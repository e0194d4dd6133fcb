import express, { type Router } from 'express'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import { HubError } from '../core/errors'
import type { StoreActionsService } from '../core/store-actions/service'
import { resolveActor } from './context'
import { sendError } from './rpc'

/**
 * GET /media/store/wechat-qr: the WeChat QR image staff uploaded, for the Settings card's preview (phones get the
 * same bytes from the LAN listener's /i/wechat-qr). Any logged-in role, as `store-actions-get` is.
 */
export function wechatQrRouter(d: {
  storeActions: Pick<StoreActionsService, 'wechatQrImage'>
  auth: AuthService
  logger: Logger
}): Router {
  const router = express.Router()
  router.get('/media/store/wechat-qr', (req, res) => {
    if (resolveActor(req, d.auth).kind === 'anonymous')
      return sendError(res, new HubError('unauthenticated', 'log in first'), d.logger)
    const qr = d.storeActions.wechatQrImage()
    if (!qr) return sendError(res, new HubError('not-found', 'no WeChat QR image was uploaded'), d.logger)
    res.setHeader('ETag', qr.etag)
    // The console asks with the image's time in the URL; a changed image is a new URL.
    res.setHeader('Cache-Control', 'private, max-age=300')
    if (req.headers['if-none-match'] === qr.etag) return void res.status(304).end()
    res.type(qr.type).send(qr.body)
  })
  return router
}

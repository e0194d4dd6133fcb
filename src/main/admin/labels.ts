import express, { type Router } from 'express'
import type { Logger } from 'pino'
import type { Language } from '../../shared/languages'
import type { AuthService } from '../core/auth/service'
import type { Brand } from '../core/brand/brand'
import { HubError } from '../core/errors'
import type { TagsService } from '../core/tags/service'
import { findCjkFont } from '../labels/font'
import { LabelFontMissingError, renderLabels } from '../labels/pdf'
import type { WifiInfo } from '../labels/wifi'
import { resolveActor } from './context'
import { sendError } from './rpc'

/** GET /labels.pdf?tags=1,2,3[&lang=en]: printable labels and placement cards. Any logged-in role. */
export function labelsRouter(d: {
  tags: TagsService
  auth: AuthService
  logger: Logger
  brand: () => Brand
  language: () => Language
  wifi: () => WifiInfo | null
}): Router {
  const router = express.Router()
  router.get('/labels.pdf', async (req, res) => {
    const actor = resolveActor(req, d.auth)
    if (actor.kind === 'anonymous')
      return sendError(res, new HubError('unauthenticated', 'log in first'), d.logger)
    const raw = typeof req.query.tags === 'string' ? req.query.tags : ''
    const ids = raw.split(',').map((s) => Number(s))
    if (!raw || ids.length > 500 || ids.some((n) => !Number.isSafeInteger(n) || n <= 0))
      return sendError(
        res,
        new HubError('bad-request', 'tags must be tag ids like 3,4,5 (at most 500)'),
        d.logger,
      )
    const lang = req.query.lang === 'en' || req.query.lang === 'zh-CN' ? req.query.lang : d.language()
    try {
      const ctx = { actor, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null }
      const tags = [...new Set(ids)].map((id) => d.tags.get(ctx, id))
      const pdf = await renderLabels({
        tags: tags.map((t) => ({
          code: t.code,
          url: t.url,
          label: t.label,
          videoTitles: t.videos.map((v) => v.title),
        })),
        brand: d.brand(),
        language: lang,
        wifi: d.wifi(),
        font: findCjkFont(),
      })
      res
        .set({
          'Content-Type': 'application/pdf',
          'Content-Disposition': `inline; filename="tapdrop-labels.pdf"`,
          'Cache-Control': 'no-store',
        })
        .send(pdf)
    } catch (err) {
      if (err instanceof LabelFontMissingError)
        return sendError(res, new HubError('unavailable', err.message), d.logger)
      sendError(res, err, d.logger)
    }
  })
  return router
}

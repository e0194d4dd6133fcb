import express, { type Router } from 'express'
import type { Logger } from 'pino'
import { ChainRecordsCsvQuerySchema } from '../../shared/contract/chain'
import type { Language } from '../../shared/languages'
import type { AuthService } from '../core/auth/service'
import type { RecordsDashboard } from '../core/chain/records/dashboard'
import { HubError, validationError } from '../core/errors'
import { resolveActor } from './context'
import { sendError } from './rpc'

/**
 * GET /chain-records.csv?what=stores|days[&since=ISO][&store=ID][&lang=en]: headquarters' per-store table or daily
 * trend for the period the chain dashboard shows, as CSV. Who may read it and where (any role, at HQ) is the
 * dashboard's own check, the same as its API methods'.
 */
export function chainRecordsCsvRouter(d: {
  dashboard: RecordsDashboard
  auth: AuthService
  logger: Logger
  language: () => Language
}): Router {
  const router = express.Router()
  router.get('/chain-records.csv', async (req, res) => {
    const actor = resolveActor(req, d.auth)
    if (actor.kind === 'anonymous')
      return sendError(res, new HubError('unauthenticated', 'log in first'), d.logger)
    const lang: Language =
      req.query.lang === 'en' || req.query.lang === 'zh-CN' ? req.query.lang : d.language()
    const one = (k: string) => {
      const v = req.query[k]
      return typeof v === 'string' && v !== '' ? v : undefined
    }
    try {
      const parsed = ChainRecordsCsvQuerySchema.safeParse({
        what: one('what'),
        since: one('since'),
        store: one('store'),
      })
      if (!parsed.success) throw validationError(parsed.error.issues)
      const ctx = { actor, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null }
      const body = await d.dashboard.csv(ctx, parsed.data, lang)
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '')
      res.set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="tapdrop-chain-${parsed.data.what}-${stamp}.csv"`,
        'Cache-Control': 'no-store',
      })
      res.send(body)
    } catch (err) {
      sendError(res, err, d.logger)
    }
  })
  return router
}

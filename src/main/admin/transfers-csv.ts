import express, { type Response, type Router } from 'express'
import type { Logger } from 'pino'
import { z } from 'zod'
import type { Language } from '../../shared/languages'
import { HistoryQuerySchema } from '../../shared/contract/monitoring'
import type { AuthService } from '../core/auth/service'
import { HubError, validationError } from '../core/errors'
import { toFilter, type HistoryService } from '../core/monitoring/history'
import { resolveActor } from './context'
import { sendError } from './rpc'

const CsvQuery = HistoryQuerySchema.pick({ from: true, to: true, tagId: true, videoId: true, status: true })

/** Query-string values are text: numbers and the comma-separated status list are read here, then validated. */
function parseQuery(q: Record<string, unknown>): z.output<typeof CsvQuery> {
  const one = (k: string) => (typeof q[k] === 'string' && q[k] !== '' ? q[k] : undefined)
  const num = (k: string) => (one(k) === undefined ? undefined : Number(one(k)))
  const parsed = CsvQuery.safeParse({
    from: one('from'),
    to: one('to'),
    tagId: num('tagId'),
    videoId: num('videoId'),
    status: one('status')?.split(','),
  })
  if (!parsed.success) throw validationError(parsed.error.issues)
  return parsed.data
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/**
 * GET /transfers.csv?from=&to=&tagId=&videoId=&status=completed,failed[&lang=en]: the filtered history as CSV
 * (UTF-8 with BOM so Excel shows Chinese), streamed in steps with back-pressure. Any logged-in role.
 */
export function transfersCsvRouter(d: {
  history: HistoryService
  auth: AuthService
  logger: Logger
  language: () => Language
}): Router {
  const router = express.Router()
  router.get('/transfers.csv', async (req, res) => {
    const actor = resolveActor(req, d.auth)
    if (actor.kind === 'anonymous')
      return sendError(res, new HubError('unauthenticated', 'log in first'), d.logger)
    const lang: Language =
      req.query.lang === 'en' || req.query.lang === 'zh-CN' ? req.query.lang : d.language()
    let pieces: Generator<string>
    let first: IteratorResult<string>
    try {
      const filter = toFilter(parseQuery(req.query as Record<string, unknown>))
      const ctx = { actor, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null }
      pieces = d.history.exportCsv(ctx, filter, lang)
      first = pieces.next()
    } catch (err) {
      return sendError(res, err, d.logger)
    }
    const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '')
    res.set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="tapdrop-transfers-${stamp}.csv"`,
      'Cache-Control': 'no-store',
    })
    try {
      for (let p = first; !p.done; p = pieces.next()) {
        if (res.destroyed) return pieces.return(undefined)
        if (!res.write(p.value)) await drained(res)
      }
      res.end()
    } catch (err) {
      d.logger.error({ err }, 'CSV export failed midway')
      res.destroy(err as Error)
    }
  })
  return router
}

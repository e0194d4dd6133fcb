import express, { type Request, type Response, type NextFunction, type Router } from 'express'
import type { Logger } from 'pino'
import { z } from 'zod'
import { contract, isMethodName } from '../../shared/contract'
import { explainError, HubError, toErrorBody, validationError } from '../core/errors'
import type { AuthService } from '../core/auth/service'
import type { Handlers } from '../core/handlers'
import { callContext } from './context'

export function sendError(
  res: Response,
  err: unknown,
  logger: Logger,
  where: Record<string, unknown> = {},
): void {
  err = explainError(err)
  const body = toErrorBody(err)
  const status = err instanceof HubError ? err.status : 500
  if (status >= 500) logger.error({ err, ...where }, 'request failed')
  if (
    err instanceof HubError &&
    err.code === 'throttled' &&
    typeof err.details?.retryAfterSeconds === 'number'
  )
    res.setHeader('Retry-After', String(err.details.retryAfterSeconds))
  res.status(status).json({ error: body })
}

/** `POST /api/<method>` with a JSON body: validate with the contract's schema, then call the domain handler. */
export function rpcRouter(handlers: Handlers, auth: AuthService, logger: Logger): Router {
  const router = express.Router()
  router.use(express.json({ limit: '256kb', strict: true, type: () => true }))
  router.post('/api/:method', async (req: Request, res: Response) => {
    const name = String(req.params.method)
    res.setHeader('Cache-Control', 'no-store')
    try {
      if (!isMethodName(name)) throw new HubError('unknown-method', `no API method "${name.slice(0, 64)}"`)
      const spec = contract[name]
      const ctx = callContext(req, res, auth)
      if (spec.auth === 'user' && ctx.actor.kind === 'anonymous')
        throw new HubError('unauthenticated', 'log in first')
      const parsed = (spec.input as z.ZodType).safeParse(req.body ?? {})
      if (!parsed.success) throw validationError(parsed.error.issues)
      const handler = handlers[name] as (args: unknown, c: typeof ctx) => unknown
      const result = await handler(parsed.data, ctx)
      res.json({ result })
    } catch (err) {
      sendError(res, err, logger, { method: name })
    }
  })
  router.all('/api/{*rest}', (req, res) =>
    sendError(res, new HubError('unknown-method', `use POST /api/<method>`), logger),
  )
  // Body parser failures (bad JSON, too large) arrive here.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number }
    if (e.type === 'entity.too.large')
      return sendError(res, new HubError('payload-too-large', 'the request body is too large'), logger)
    if (e.status && e.status < 500)
      return sendError(res, new HubError('bad-request', 'the request body is not valid JSON'), logger)
    return sendError(res, err, logger)
  })
  return router
}

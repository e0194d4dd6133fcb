import type { NextFunction, Request, Response } from 'express'
import type { Logger } from 'pino'
import { HubError } from '../core/errors'
import { sendError } from './rpc'

/** What nothing else answered (a method or path the console does not use): the error envelope, like the API. */
export function notFound(logger: Logger) {
  return (_req: Request, res: Response) => sendError(res, new HubError('not-found', 'no such page'), logger)
}

/**
 * The last word on errors Express itself raises (a path that does not decode, a static file path leaving its
 * folder): the error envelope instead of Express's page, which shows the stack and the install folder.
 * Refused static paths answer "not found", so a probe learns nothing about what exists.
 */
export function errorEnvelope(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      // Half an answer is already out: all that can be said is that it ends here.
      logger.warn({ err, url: req.originalUrl.slice(0, 200) }, 'response failed after its headers')
      res.destroy()
      return
    }
    sendError(res, toHubError(err), logger, { url: req.originalUrl.slice(0, 200) })
  }
}

function toHubError(err: unknown): unknown {
  if (err instanceof HubError) return err
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status
  if (typeof status !== 'number' || status < 400 || status >= 500) return err
  if (status === 403 || status === 404) return new HubError('not-found', 'no such file')
  if (status === 413) return new HubError('payload-too-large', 'the request body is too large')
  return new HubError('bad-request', 'the address of this request is not valid')
}

import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import express, { type Request, type Response, type Router } from 'express'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import { HubError } from '../core/errors'
import { HashingCounter, incomingFile, LimitExceededError, type VideoStorage } from '../core/videos/storage'
import { RefusedError, type VideoService } from '../core/videos/service'
import { callContext } from './context'
import { REFUSAL_TEXT } from '../../shared/video-refusals'
import { sendError } from './rpc'
import { canReceiveDirect, ReceiveError, receiveDirect } from './direct-receive'

class ClientGoneError extends Error {}

/**
 * Copies the request body into `temp` through the hashing counter. Unlike stream.pipeline, this leaves the
 * request alone when the size limit trips, so the hub can still answer 422 before closing the connection.
 */
function receive(req: IncomingMessage, counter: HashingCounter, temp: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = incomingFile(temp)
    let settled = false
    const fail = (err: Error) => {
      if (settled) return
      settled = true
      req.unpipe(counter)
      counter.unpipe(out)
      out.destroy()
      reject(err)
    }
    counter.on('error', fail)
    out.on('error', fail)
    req.on('close', () => {
      if (!req.complete) fail(new ClientGoneError('the client went away'))
    })
    out.on('finish', () => {
      if (settled) return
      settled = true
      resolve()
    })
    req.pipe(counter).pipe(out)
  })
}

function headerText(req: Request, name: string, max: number): string | null {
  const raw = req.get(name)
  if (raw === undefined) return null
  let text: string
  try {
    text = decodeURIComponent(raw)
  } catch {
    throw new HubError('bad-request', `${name} must be URI-encoded`)
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (text.length > max || /[\u0000-\u001f\u007f]/.test(text))
    throw new HubError('bad-request', `${name} is not a valid name`)
  return text
}

/**
 * A direct receive holds one thread of libuv's pool (four in all) until its body is in, however slowly a laptop
 * sends it. The pool also serves the console's files, the uploads' own read-back hashing and their writeback: with
 * four uploads holding it, all of that waited (the console did not load). Beyond two at once, uploads stream
 * through Node instead, which holds no thread.
 */
const MAX_DIRECT_RECEIVES = 2
let directReceives = 0

/**
 * `POST /api/videos/upload`: the raw file as the body (no multipart), its name in `X-Tapdrop-Filename` (URI-encoded),
 * optionally `X-Tapdrop-Title`. Written to a temp file as it arrives and hashed, so a multi-GB file never sits in
 * memory: on Linux by our addon straight from the socket when the size is declared (direct-receive.ts), else
 * streamed through Node. Role, quota, size and free disk are checked before a byte is read.
 */
export function uploadRouter(
  videos: VideoService,
  storage: VideoStorage,
  auth: AuthService,
  logger: Logger,
): Router {
  const router = express.Router()
  router.post('/api/videos/upload', async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store')
    let temp: string | null = null
    let direct = false
    try {
      const ctx = callContext(req, res, auth)
      if (ctx.actor.kind === 'anonymous') throw new HubError('unauthenticated', 'log in first')
      const name = headerText(req, 'X-Tapdrop-Filename', 255)
      if (!name) throw new HubError('bad-request', 'X-Tapdrop-Filename is required')
      const title = headerText(req, 'X-Tapdrop-Title', 120) ?? undefined
      const lengthHeader = req.get('content-length')
      const declared = lengthHeader !== undefined ? Number(lengthHeader) : null
      if (declared !== null && (!Number.isSafeInteger(declared) || declared < 0))
        throw new HubError('bad-request', 'bad Content-Length')
      videos.assertCanUpload(ctx, declared)

      temp = storage.newTempPath()
      const t0 = performance.now()
      let body: { bytes: number; sha256: string }
      if (declared !== null && directReceives < MAX_DIRECT_RECEIVES && canReceiveDirect(req)) {
        // The addon reads the body past Node's parser: this connection cannot carry another request.
        direct = true
        res.shouldKeepAlive = false
        directReceives++
        try {
          body = await receiveDirect(req, temp, declared)
        } finally {
          directReceives--
        }
      } else {
        const counter = new HashingCounter(videos.maxBytes())
        await receive(req, counter, temp)
        body = { bytes: counter.bytes, sha256: counter.hash.digest('hex') }
      }
      const t1 = performance.now()
      if (declared !== null && body.bytes !== declared)
        throw new HubError('bad-request', 'the upload ended early')
      const result = await videos.ingest(ctx, {
        tempPath: temp,
        originalName: name,
        title,
        sizeBytes: body.bytes,
        sha256: body.sha256,
      })
      temp = null // ingest owns it now (stored or removed)
      logger.info(
        {
          bytes: body.bytes,
          direct,
          receiveMs: Math.round(t1 - t0),
          checkAndStoreMs: Math.round(performance.now() - t1),
          status: result.status,
        },
        'upload handled',
      )
      if (result.status === 'refused') {
        const messageZh = result.reason ? REFUSAL_TEXT[result.reason]['zh-CN'] : null
        res.status(422).json({
          error: {
            code: 'video-refused',
            message: result.error,
            details: { reason: result.reason, messageZh, result },
          },
        })
        return
      }
      res.status(result.duplicate ? 200 : 201).json({ result })
    } catch (err) {
      if (temp) await rm(temp, { force: true })
      if (
        err instanceof ClientGoneError ||
        (err instanceof ReceiveError && err.clientGone) ||
        res.headersSent
      ) {
        logger.info({ err: (err as Error).message }, 'upload abandoned by the client')
        if (direct) req.socket.destroy()
        return
      }
      // The client may still be sending: keep the connection, discard the rest of the body, and answer. Closing
      // it instead would reset the connection mid-send, and the client would see a network error, not the reason.
      // (After a direct receive Node's parser no longer knows where the body ends: the answer closes instead.)
      if (!req.complete && !direct) req.resume()
      if (err instanceof LimitExceededError) return sendError(res, new RefusedError('too-large'), logger)
      // The disk filled up while the file arrived (the free-space check before the first byte cannot see other
      // writers): the same refusal as when it is full from the start; the partial file is gone.
      const refused = (err as NodeJS.ErrnoException).code === 'ENOSPC' ? new RefusedError('disk-full') : err
      if (refused instanceof RefusedError) {
        res.status(422).json({ error: refused.toBody() })
        return
      }
      sendError(res, err, logger, { route: 'upload' })
    }
  })
  return router
}

import { basename, dirname } from 'node:path'
import express, { type Router } from 'express'
import type { Logger } from 'pino'
import type { AuthService } from '../core/auth/service'
import { HubError } from '../core/errors'
import type { VideoService } from '../core/videos/service'
import { resolveActor } from './context'
import { sendError } from './rpc'

/** Posters, thumbnails and renditions for the console (preview player, downloads). Any logged-in role. */
export function mediaRouter(videos: VideoService, auth: AuthService, logger: Logger): Router {
  const router = express.Router()
  router.get('/media/videos/:id/:file', (req, res) => {
    const actor = resolveActor(req, auth)
    if (actor.kind === 'anonymous')
      return sendError(res, new HubError('unauthenticated', 'log in first'), logger)
    const id = Number(req.params.id)
    const path = Number.isSafeInteger(id) && id > 0 ? videos.mediaFile(id, String(req.params.file)) : null
    if (!path) return sendError(res, new HubError('not-found', 'no such file'), logger)
    // The file is one the hub named (mediaFile maps the request to a stored path; nothing of the URL reaches the
    // disk). It is sent from its own folder: `send` checks dot files in the whole path when it has no root, and
    // Linux's default data directory (~/.config/TapDrop) would refuse every file.
    res.sendFile(
      basename(path),
      { root: dirname(path), dotfiles: 'deny', headers: { 'Cache-Control': 'private, max-age=300' } },
      (err) => {
        if (err && !res.headersSent) sendError(res, new HubError('not-found', 'no such file'), logger)
      },
    )
  })
  return router
}

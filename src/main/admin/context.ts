import type { IncomingMessage } from 'node:http'
import type { Response } from 'express'
import type { AuthService } from '../core/auth/service'
import type { Actor, CallContext } from '../core/auth/actor'
import { readCookie } from '../http/cookies'

export const SESSION_COOKIE = 'td_admin'

export function clientIp(req: IncomingMessage): string | null {
  const ip = req.socket.remoteAddress ?? null
  return ip?.startsWith('::ffff:') ? ip.slice(7) : ip
}

/** Who is calling: the CLI's bearer token, else the session cookie, else nobody. */
export function resolveActor(req: IncomingMessage, auth: AuthService): Actor {
  const header = req.headers.authorization
  if (header?.startsWith('Bearer '))
    return auth.authenticateLocalToken(header.slice(7).trim()) ?? { kind: 'anonymous' }
  const token = readCookie(req.headers.cookie, SESSION_COOKIE)
  return (token && auth.authenticateSession(token)) || { kind: 'anonymous' }
}

export function callContext(req: IncomingMessage, res: Response, auth: AuthService): CallContext {
  return {
    actor: resolveActor(req, auth),
    ip: clientIp(req),
    userAgent: req.headers['user-agent'] ?? null,
    session: {
      set(token, expiresAt) {
        res.cookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          expires: new Date(expiresAt),
        })
      },
      clear() {
        res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' })
      },
    },
  }
}

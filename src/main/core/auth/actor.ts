import { HubError } from '../errors'
import { roleAtLeast, type Role } from '../../../shared/roles'

export type Actor =
  | { kind: 'user'; userId: number; username: string; displayName: string; role: Role; sessionId: number }
  /** Whoever holds the local token file in the data directory (the CLI on the hub's own PC): owner rights. */
  | { kind: 'local'; role: 'admin' }
  | { kind: 'anonymous' }

/** Who is calling and from where; every service method takes one. */
export interface CallContext {
  actor: Actor
  ip: string | null
  userAgent: string | null
  /** Set by the HTTP layer so login/logout can place or clear the session cookie. */
  session?: { set(token: string, expiresAt: number): void; clear(): void }
}

export function actorName(actor: Actor): string {
  if (actor.kind === 'user') return actor.username
  if (actor.kind === 'local') return 'local-cli'
  return 'anonymous'
}

export function actorUserId(actor: Actor): number | null {
  return actor.kind === 'user' ? actor.userId : null
}

/** The service-layer gate: every privileged method calls this first, whatever the transport. */
export function requireRole(ctx: CallContext, role: Role): void {
  if (ctx.actor.kind === 'anonymous') throw new HubError('unauthenticated', 'log in first')
  if (!roleAtLeast(ctx.actor.role, role))
    throw new HubError('forbidden', `this needs the ${role} role`, { needed: role })
}

export const systemContext: CallContext = {
  actor: { kind: 'local', role: 'admin' },
  ip: null,
  userAgent: null,
}

import type { Logger } from 'pino'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import type { UserRecord } from '../../db/repos/users'
import type { SessionUser } from '../../../shared/contract/auth'
import type { Role } from '../../../shared/roles'
import { HubError } from '../errors'
import type { AuditService } from '../audit/service'
import { requireFreeUsername } from '../users/usernames'
import { dummyHash, hashPassword, verifyPassword } from './passwords'
import { LoginThrottle } from './throttle'
import { hashToken, newToken, sameSecret } from './tokens'
import type { Actor, CallContext } from './actor'

export interface SessionPolicy {
  idleMinutes: number
  maxDays: number
}

export function toSessionUser(u: Pick<UserRecord, 'id' | 'username' | 'displayName' | 'role'>): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role }
}

/**
 * Logins, sessions, the first-run owner account and the local CLI token. Sessions slide with use up to an
 * absolute limit; a disabled account or a reset password ends its sessions at once.
 */
export class AuthService {
  private setupToken: string | null = null
  readonly localToken = newToken()
  readonly throttle: LoginThrottle
  private readonly endedListeners = new Set<() => void>()

  constructor(
    private readonly repos: Repos,
    private readonly audit: AuditService,
    private readonly policy: () => SessionPolicy,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    throttle?: LoginThrottle,
  ) {
    this.throttle = throttle ?? new LoginThrottle()
  }

  /** Setup is needed while no active admin exists; the one-time token is made then and shown only on the console. */
  setupRequired(): boolean {
    return this.repos.users.counts().activeAdmins === 0
  }

  issueSetupToken(): string | null {
    if (!this.setupRequired()) return (this.setupToken = null)
    this.setupToken ??= newToken(24)
    return this.setupToken
  }

  currentUser(ctx: CallContext): SessionUser | null {
    return ctx.actor.kind === 'user' ? toSessionUser({ ...ctx.actor, id: ctx.actor.userId }) : null
  }

  async setup(
    ctx: CallContext,
    input: { token: string; username: string; password: string; displayName?: string },
  ): Promise<SessionUser> {
    if (!this.setupRequired())
      throw new HubError('setup-done', 'the owner account already exists; log in instead')
    const client = ctx.ip ?? 'unknown'
    const wait = this.throttle.retryAfterMs('#setup', client)
    if (wait > 0) throw this.throttled(wait)
    if (!this.setupToken || !sameSecret(input.token, this.setupToken)) {
      this.throttle.fail('#setup', client)
      throw new HubError(
        'setup-token-invalid',
        'the setup link is not valid; use the link printed when the hub started',
      )
    }
    const passwordHash = await hashPassword(input.password)
    const now = this.now()
    const user = inWriteTransaction(this.repos.db, () => {
      // Checked again inside the transaction: two setup forms submitted at once must not create two owners.
      if (!this.setupRequired())
        throw new HubError('setup-done', 'the owner account already exists; log in instead')
      requireFreeUsername(this.repos.users, input.username)
      const id = this.repos.users.insert({
        username: input.username,
        displayName: input.displayName ?? '',
        role: 'admin',
        passwordHash,
        now,
      })
      // Setting up logs the owner in: the users list says so (it said "never logged in" to the one using it).
      this.repos.users.touchLogin(id, now)
      this.audit.record({ ...ctx, actor: { kind: 'anonymous' } }, 'setup.owner-created', `user:${id}`, {
        username: input.username,
      })
      return this.repos.users.findById(id)!
    })
    this.setupToken = null
    this.logger.info({ userId: user.id }, 'owner account created')
    this.startSession(ctx, user)
    return toSessionUser(user)
  }

  async login(ctx: CallContext, input: { username: string; password: string }): Promise<SessionUser> {
    const client = ctx.ip ?? 'unknown'
    const wait = this.throttle.retryAfterMs(input.username, client)
    if (wait > 0) {
      this.logger.warn({ username: input.username, ip: client }, 'login refused: throttled')
      throw this.throttled(wait)
    }
    const user = this.repos.users.findByUsername(input.username)
    const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash()))
    if (!user || !ok) {
      this.throttle.fail(input.username, client)
      this.audit.record(ctx, 'auth.login-failed', null, { username: input.username })
      this.logger.warn({ username: input.username, ip: client }, 'login failed')
      throw new HubError('invalid-credentials', 'wrong user name or password')
    }
    if (user.disabled)
      throw new HubError('forbidden', 'this account is disabled; ask an admin', { reason: 'disabled' })
    this.throttle.succeed(input.username)
    inWriteTransaction(this.repos.db, () => {
      this.repos.users.touchLogin(user.id, this.now())
      this.audit.record(
        {
          ...ctx,
          actor: {
            kind: 'user',
            userId: user.id,
            username: user.username,
            displayName: user.displayName,
            role: user.role,
            sessionId: 0,
          },
        },
        'auth.login',
        `user:${user.id}`,
      )
    })
    this.startSession(ctx, user)
    this.logger.info({ userId: user.id, ip: client }, 'login')
    return toSessionUser(user)
  }

  logout(ctx: CallContext): void {
    if (ctx.actor.kind === 'user') {
      this.repos.sessions.delete(ctx.actor.sessionId)
      this.audit.record(ctx, 'auth.logout', `user:${ctx.actor.userId}`)
      this.sessionsEnded()
    }
    ctx.session?.clear()
  }

  async changePassword(
    ctx: CallContext,
    input: { currentPassword: string; newPassword: string },
  ): Promise<void> {
    if (ctx.actor.kind !== 'user')
      throw new HubError('forbidden', 'only a logged-in person can change their own password')
    const actor = ctx.actor
    const client = ctx.ip ?? 'unknown'
    const wait = this.throttle.retryAfterMs(actor.username, client)
    if (wait > 0) throw this.throttled(wait)
    const user = this.repos.users.findById(actor.userId)
    if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
      this.throttle.fail(actor.username, client)
      throw new HubError('invalid-credentials', 'the current password is wrong')
    }
    const hash = await hashPassword(input.newPassword)
    inWriteTransaction(this.repos.db, () => {
      this.repos.users.setPasswordHash(user.id, hash, this.now())
      // Other devices logged in as this person are logged out; this one stays.
      this.repos.sessions.deleteForUser(user.id, actor.sessionId)
      this.audit.record(ctx, 'user.password-changed', `user:${user.id}`)
    })
    this.sessionsEnded()
  }

  /**
   * `listener` runs after this service ended sessions (a logout, a password change), so channels that stay open
   * past the request that opened them (the console's event socket) can check theirs again. Changes an admin makes
   * to an account (role, disable, password reset) are announced as `users-changed` on the event bus.
   */
  onSessionsEnded(listener: () => void): () => void {
    this.endedListeners.add(listener)
    return () => this.endedListeners.delete(listener)
  }

  private sessionsEnded(): void {
    for (const listener of this.endedListeners) {
      try {
        listener()
      } catch (err) {
        // The sessions are ended already; a listener that failed must not make the logout look failed.
        this.logger.error({ err }, 'a sessions-ended listener failed')
      }
    }
  }

  /**
   * The session as it stands now, without sliding it (a channel's re-check is not the person using the console):
   * null when it was ended, has expired, or its account is disabled.
   */
  sessionStanding(sessionId: number): { role: Role; expiresAt: number } | null {
    const s = this.repos.sessions.findById(sessionId)
    if (!s || s.disabled || s.expiresAt <= this.now()) return null
    return { role: s.role, expiresAt: s.expiresAt }
  }

  /** Resolves a session cookie to an actor, sliding its expiry; null when unknown, expired or disabled. */
  authenticateSession(token: string): Actor | null {
    if (!token || token.length > 200) return null
    const s = this.repos.sessions.findByTokenHash(hashToken(token))
    if (!s) return null
    const now = this.now()
    if (s.expiresAt <= now || s.disabled) {
      this.repos.sessions.delete(s.id)
      return null
    }
    // Slide at most once a minute: a busy console should not turn every request into a write.
    if (now - s.lastSeenAt > 60_000) this.repos.sessions.touch(s.id, now, this.expiry(s.createdAt, now))
    return {
      kind: 'user',
      userId: s.userId,
      username: s.username,
      displayName: s.displayName,
      role: s.role,
      sessionId: s.id,
    }
  }

  authenticateLocalToken(token: string): Actor | null {
    return token && sameSecret(token, this.localToken) ? { kind: 'local', role: 'admin' } : null
  }

  purgeExpiredSessions(): number {
    return this.repos.sessions.deleteExpired(this.now())
  }

  private startSession(ctx: CallContext, user: UserRecord): void {
    const token = newToken()
    const now = this.now()
    const expiresAt = this.expiry(now, now)
    this.repos.sessions.insert({
      tokenHash: hashToken(token),
      userId: user.id,
      now,
      expiresAt,
      ip: ctx.ip,
      userAgent: ctx.userAgent?.slice(0, 300) ?? null,
    })
    ctx.session?.set(token, expiresAt)
  }

  private expiry(createdAt: number, now: number): number {
    const { idleMinutes, maxDays } = this.policy()
    return Math.min(now + idleMinutes * 60_000, createdAt + maxDays * 86_400_000)
  }

  private throttled(waitMs: number): HubError {
    const seconds = Math.ceil(waitMs / 1000)
    return new HubError('throttled', `too many failed attempts; try again in ${seconds} s`, {
      retryAfterSeconds: seconds,
    })
  }
}

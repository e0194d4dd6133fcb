import type { Logger } from 'pino'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import type { UserRecord } from '../../db/repos/users'
import type { User } from '../../../shared/contract/users'
import type { Role } from '../../../shared/roles'
import { HubError } from '../errors'
import type { AuditService } from '../audit/service'
import type { EventBus } from '../events/bus'
import { hashPassword } from '../auth/passwords'
import { requireRole, type CallContext } from '../auth/actor'
import { requireFreeUsername } from './usernames'

export function toUser(u: UserRecord): User {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    createdAt: new Date(u.createdAt).toISOString(),
    lastLoginAt: u.lastLoginAt === null ? null : new Date(u.lastLoginAt).toISOString(),
  }
}

/** Staff accounts. Admin only, enforced here so the HTTP API, the CLI and any future transport all refuse alike. */
export class UsersService {
  constructor(
    private readonly repos: Repos,
    private readonly audit: AuditService,
    private readonly events: EventBus,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  list(ctx: CallContext): User[] {
    requireRole(ctx, 'admin')
    return this.repos.users.list().map(toUser)
  }

  async create(
    ctx: CallContext,
    input: { username: string; displayName?: string; role: Role; password: string },
  ): Promise<User> {
    requireRole(ctx, 'admin')
    requireFreeUsername(this.repos.users, input.username)
    const passwordHash = await hashPassword(input.password)
    const user = inWriteTransaction(this.repos.db, () => {
      requireFreeUsername(this.repos.users, input.username)
      const id = this.repos.users.insert({
        username: input.username,
        displayName: input.displayName ?? '',
        role: input.role,
        passwordHash,
        now: this.now(),
      })
      this.audit.record(ctx, 'user.create', `user:${id}`, { username: input.username, role: input.role })
      return this.repos.users.findById(id)!
    })
    this.logger.info({ userId: user.id, role: user.role }, 'user created')
    this.events.emit({ type: 'users-changed' })
    return toUser(user)
  }

  setRole(ctx: CallContext, input: { userId: number; role: Role }): User {
    requireRole(ctx, 'admin')
    const user = this.change(ctx, input.userId, (u) => {
      if (u.role === input.role) return false
      if (u.role === 'admin' && !u.disabled) this.ensureAnotherAdmin()
      this.repos.users.setRole(u.id, input.role, this.now())
      this.audit.record(ctx, 'user.role-change', `user:${u.id}`, {
        username: u.username,
        from: u.role,
        to: input.role,
      })
      return true
    })
    return toUser(user)
  }

  setDisabled(ctx: CallContext, input: { userId: number; disabled: boolean }): User {
    requireRole(ctx, 'admin')
    const user = this.change(ctx, input.userId, (u) => {
      if (u.disabled === input.disabled) return false
      if (input.disabled && u.role === 'admin') this.ensureAnotherAdmin()
      this.repos.users.setDisabled(u.id, input.disabled, this.now())
      if (input.disabled) this.repos.sessions.deleteForUser(u.id)
      this.audit.record(ctx, input.disabled ? 'user.disable' : 'user.enable', `user:${u.id}`, {
        username: u.username,
      })
      return true
    })
    return toUser(user)
  }

  async resetPassword(ctx: CallContext, input: { userId: number; password: string }): Promise<void> {
    requireRole(ctx, 'admin')
    const hash = await hashPassword(input.password)
    this.change(ctx, input.userId, (u) => {
      this.repos.users.setPasswordHash(u.id, hash, this.now())
      this.repos.sessions.deleteForUser(u.id)
      this.audit.record(ctx, 'user.password-reset', `user:${u.id}`, { username: u.username })
      return true
    })
  }

  /** Applies one change to another person's account in a transaction; nobody edits their own role or status. */
  private change(ctx: CallContext, userId: number, apply: (u: UserRecord) => boolean): UserRecord {
    if (ctx.actor.kind === 'user' && ctx.actor.userId === userId)
      throw new HubError('self-change', 'you cannot change your own role or status; ask another admin')
    const { user, changed } = inWriteTransaction(this.repos.db, () => {
      const u = this.repos.users.findById(userId)
      if (!u) throw new HubError('user-not-found', `no user with id ${userId}`)
      return { changed: apply(u), user: u }
    })
    if (changed) {
      this.logger.info({ userId }, 'user changed')
      this.events.emit({ type: 'users-changed' })
    }
    return this.repos.users.findById(user.id)!
  }

  private ensureAnotherAdmin(): void {
    if (this.repos.users.counts().activeAdmins <= 1)
      throw new HubError('last-admin', 'this is the last active admin; make someone else admin first')
  }
}

import type { AuditRepo } from '../../db/repos/audit'
import type { AuditAction, AuditEntry } from '../../../shared/contract/audit'
import { actorName, actorUserId, requireRole, type CallContext } from '../auth/actor'

/** Who did what, when: written in the same transaction as the change it describes. */
export class AuditService {
  constructor(
    private readonly repo: AuditRepo,
    private readonly now: () => number = Date.now,
  ) {}

  record(
    ctx: CallContext,
    action: AuditAction,
    target: string | null,
    details?: Record<string, unknown>,
  ): void {
    this.repo.insert({
      at: this.now(),
      actorUserId: actorUserId(ctx.actor),
      actor: actorName(ctx.actor),
      action,
      target,
      details: details ?? null,
      ip: ctx.ip,
    })
  }

  list(
    ctx: CallContext,
    q: { limit: number; beforeId?: number; action?: string },
  ): { entries: AuditEntry[]; nextBeforeId: number | null } {
    requireRole(ctx, 'admin')
    const rows = this.repo.list(q)
    return {
      entries: rows.map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        action: r.action,
        target: r.target,
        details: r.details,
        ip: r.ip,
      })),
      nextBeforeId: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
    }
  }
}

import type { HandlerMap } from '../handlers'
import type { AuditService } from './service'

export function auditHandlers(audit: AuditService): HandlerMap<'audit-list'> {
  return { 'audit-list': (args, ctx) => audit.list(ctx, args) }
}

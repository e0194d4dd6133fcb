import { z } from 'zod'
import { method } from './define'

/** What the hub writes to its audit log. */
export const AuditActionSchema = z.enum([
  'setup.owner-created',
  'auth.login',
  'auth.login-failed',
  'auth.logout',
  'user.create',
  'user.disable',
  'user.enable',
  'user.password-changed',
  'user.password-reset',
  'user.role-change',
  'settings.update',
  'brand.import',
  'brand.reset',
  'brand.select',
  'brand.update',
  'video.upload',
  'video.update',
  'video.delete',
  'video.retry',
  'video.raise',
  'video.cancel',
  'tag.create',
  'tag.update',
  'tag.delete',
  'tag.program',
  'caption.create',
  'caption.update',
  'caption.delete',
  'coupon.import',
  'coupon.clear',
  'template.create',
  'template.delete',
  'music.import',
  'chain.publish',
  'chain.unpublish',
  'chain.bind',
  'chain.unbind',
  'chain.group',
])
export type AuditAction = z.infer<typeof AuditActionSchema>

export const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  /** An AuditAction; read back as text, since the log keeps what older versions wrote too. */
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
})
export type AuditEntry = z.infer<typeof AuditEntrySchema>

export const auditContract = {
  'audit-list': method({
    input: z.strictObject({
      limit: z.number().int().min(1).max(500).default(100),
      beforeId: z.number().int().positive().optional(),
      action: z.string().max(64).optional(),
    }),
    output: z.object({ entries: z.array(AuditEntrySchema), nextBeforeId: z.number().nullable() }),
    auth: 'user',
  }),
}

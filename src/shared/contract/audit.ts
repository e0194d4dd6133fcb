import { z } from 'zod'
import { method } from './define'

export const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
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

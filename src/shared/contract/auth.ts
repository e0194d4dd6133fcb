import { z } from 'zod'
import { method } from './define'
import {
  DisplayNameSchema,
  Empty,
  LanguageSchema,
  Ok,
  PasswordSchema,
  RoleSchema,
  UsernameSchema,
} from './common'

export const SessionUserSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
})
export type SessionUser = z.infer<typeof SessionUserSchema>

export const authContract = {
  'auth-status': method({
    input: Empty,
    output: z.object({
      setupRequired: z.boolean(),
      user: SessionUserSchema.nullable(),
      /** The hub's default language (Settings), used before the person picks one. */
      language: LanguageSchema,
      productName: z.string(),
    }),
    auth: 'public',
  }),
  'auth-setup': method({
    input: z.strictObject({
      token: z.string().min(1).max(200),
      username: UsernameSchema,
      displayName: DisplayNameSchema.optional(),
      password: PasswordSchema,
    }),
    output: SessionUserSchema,
    auth: 'public',
  }),
  'auth-login': method({
    input: z.strictObject({
      username: z.string().trim().normalize('NFC').toLowerCase().min(1).max(64),
      password: z.string().min(1).max(256),
    }),
    output: SessionUserSchema,
    auth: 'public',
  }),
  'auth-logout': method({ input: Empty, output: Ok, auth: 'user' }),
  'auth-change-password': method({
    input: z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: PasswordSchema }),
    output: Ok,
    auth: 'user',
  }),
}

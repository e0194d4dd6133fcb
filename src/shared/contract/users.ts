import { z } from 'zod'
import { method } from './define'
import { DisplayNameSchema, Empty, IdSchema, Ok, PasswordSchema, RoleSchema, UsernameSchema } from './common'

export const UserSchema = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
})
export type User = z.infer<typeof UserSchema>

export const usersContract = {
  'user-list': method({ input: Empty, output: z.array(UserSchema), auth: 'user' }),
  'user-create': method({
    input: z.strictObject({
      username: UsernameSchema,
      displayName: DisplayNameSchema.optional(),
      role: RoleSchema,
      password: PasswordSchema,
    }),
    output: UserSchema,
    auth: 'user',
  }),
  'user-set-role': method({
    input: z.strictObject({ userId: IdSchema, role: RoleSchema }),
    output: UserSchema,
    auth: 'user',
  }),
  'user-set-disabled': method({
    input: z.strictObject({ userId: IdSchema, disabled: z.boolean() }),
    output: UserSchema,
    auth: 'user',
  }),
  'user-reset-password': method({
    input: z.strictObject({ userId: IdSchema, password: PasswordSchema }),
    output: Ok,
    auth: 'user',
  }),
}

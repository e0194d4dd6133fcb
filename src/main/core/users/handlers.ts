import type { HandlerMap } from '../handlers'
import type { UsersService } from './service'

export function usersHandlers(
  users: UsersService,
): HandlerMap<'user-list' | 'user-create' | 'user-set-role' | 'user-set-disabled' | 'user-reset-password'> {
  return {
    'user-list': (_args, ctx) => users.list(ctx),
    'user-create': (args, ctx) => users.create(ctx, args),
    'user-set-role': (args, ctx) => users.setRole(ctx, args),
    'user-set-disabled': (args, ctx) => users.setDisabled(ctx, args),
    'user-reset-password': async (args, ctx) => {
      await users.resetPassword(ctx, args)
      return { ok: true as const }
    },
  }
}

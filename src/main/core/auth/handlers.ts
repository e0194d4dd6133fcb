import type { HandlerMap } from '../handlers'
import type { AuthService } from './service'

export function authHandlers(
  auth: AuthService,
  info: { language(): 'zh-CN' | 'en'; productName(): string },
): HandlerMap<'auth-status' | 'auth-setup' | 'auth-login' | 'auth-logout' | 'auth-change-password'> {
  return {
    'auth-status': (_args, ctx) => ({
      setupRequired: auth.setupRequired(),
      user: auth.currentUser(ctx),
      language: info.language(),
      productName: info.productName(),
    }),
    'auth-setup': (args, ctx) => auth.setup(ctx, args),
    'auth-login': (args, ctx) => auth.login(ctx, args),
    'auth-logout': (_args, ctx) => {
      auth.logout(ctx)
      return { ok: true as const }
    },
    'auth-change-password': async (args, ctx) => {
      await auth.changePassword(ctx, args)
      return { ok: true as const }
    },
  }
}

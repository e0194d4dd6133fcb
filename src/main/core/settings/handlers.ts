import type { HubInfo } from '../../../shared/contract/hub'
import type { CallContext } from '../auth/actor'
import type { HandlerMap } from '../handlers'
import type { SettingsService } from './service'

export function settingsHandlers(
  settings: SettingsService,
  hubInfo: (ctx: CallContext) => HubInfo,
): HandlerMap<'settings-get' | 'settings-update' | 'hub-info'> {
  return {
    'settings-get': (_args, ctx) => settings.view(ctx),
    'settings-update': (args, ctx) => settings.update(ctx, args),
    'hub-info': (_args, ctx) => hubInfo(ctx),
  }
}

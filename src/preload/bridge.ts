import type { TapdropDesktopApi } from '../shared/desktop-api'
import { IPC } from '../main/electron/ipc-channels'

export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>

/**
 * The object behind `window.tapdrop`, each member one named IPC channel. Built from `invoke` rather than importing
 * electron, so the unit test and the window test read the exposed names from this one object.
 */
export function desktopApi(invoke: Invoke): TapdropDesktopApi {
  return {
    setupToken: () => invoke(IPC.setupToken) as Promise<string | null>,
    notify: (title, body) => invoke(IPC.notify, { title, body }) as Promise<boolean>,
  }
}

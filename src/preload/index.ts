// The desktop window's only bridge: a few named calls. No ipcRenderer, no Node APIs reach the page.
import { contextBridge, ipcRenderer } from 'electron'
import type { TapdropDesktopApi } from '../shared/desktop-api'
import { IPC } from '../main/electron/ipc-channels'

const api: TapdropDesktopApi = {
  shell: 'electron',
  setupToken: () => ipcRenderer.invoke(IPC.setupToken) as Promise<string | null>,
  appInfo: () =>
    ipcRenderer.invoke(IPC.appInfo) as Promise<{
      version: string
      lanUrl: string | null
      dataDir: string | null
    } | null>,
  notify: (title, body) => ipcRenderer.invoke(IPC.notify, { title, body }) as Promise<boolean>,
}

contextBridge.exposeInMainWorld('tapdrop', api)

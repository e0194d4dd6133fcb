// The desktop window's only bridge: a few named calls. No ipcRenderer, no Node APIs reach the page.
import { contextBridge, ipcRenderer } from 'electron'
import { desktopApi } from './bridge'

contextBridge.exposeInMainWorld(
  'tapdrop',
  desktopApi((channel, ...args) => ipcRenderer.invoke(channel, ...args)),
)

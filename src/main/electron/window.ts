import { BrowserWindow, shell } from 'electron'
import { hardenContents, hardenSession, secureWebPreferences } from './security'

export function createMainWindow(adminUrl: string, preloadPath: string, title: string): BrowserWindow {
  const origin = new URL(adminUrl).origin
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    title,
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  })
  hardenSession(win.webContents.session, origin)
  hardenContents(win.webContents, origin, (url) => void shell.openExternal(url))
  win.once('ready-to-show', () => win.show())
  void win.loadURL(adminUrl)
  return win
}

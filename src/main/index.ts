// The Electron shell: lifecycle, window, tray, notifications. All of TapDrop's work happens in the hub core,
// which this file only starts and stops; nothing under src/main/core imports electron.
import { join } from 'node:path'
import { app, dialog, ipcMain, Notification, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { Hub, type HubStarted } from './core/hub'
import { APP_VERSION } from '../shared/version'
import { IPC } from './electron/ipc-channels'
import { createMainWindow } from './electron/window'
import { createTray } from './electron/tray'
import { isAppUrl } from './electron/security'
import { notificationPayload } from './electron/notify'

const TITLE = 'TapDrop 碰一碰'

app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  // Another TapDrop already runs (and owns the data directory and ports): it gets focused instead.
  app.quit()
} else {
  let hub: Hub | null = null
  let started: HubStarted | null = null
  let win: BrowserWindow | null = null
  let quitting = false

  const showWindow = () => {
    if (!started) return
    if (!win || win.isDestroyed()) {
      win = createMainWindow(started.adminUrl, join(__dirname, '../preload/index.cjs'), TITLE)
      return
    }
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }

  /** IPC answers only the hub's own console page, never anything else that might end up in a frame. */
  const fromConsole = (event: IpcMainInvokeEvent) =>
    Boolean(started && event.senderFrame && isAppUrl(event.senderFrame.url, new URL(started.adminUrl).origin))

  app.on('second-instance', showWindow)

  app.whenReady().then(async () => {
    hub = new Hub({
      dataDir: app.getPath('userData'),
      shell: 'electron',
      rendererDir: join(__dirname, '../renderer'),
      console: !app.isPackaged,
    })
    try {
      started = await hub.start()
    } catch (err) {
      dialog.showErrorBox(TITLE, `TapDrop could not start:\n\n${(err as Error).message}`)
      app.exit(1)
      return
    }
    ipcMain.handle(IPC.setupToken, (event) => (fromConsole(event) ? (hub?.setupToken() ?? null) : null))
    ipcMain.handle(IPC.appInfo, (event) =>
      fromConsole(event)
        ? { version: APP_VERSION, lanUrl: started?.lanUrl ?? null, dataDir: started?.dataDir ?? null }
        : null,
    )
    // Hub notifications (transcode failed, reader lost …) as system notifications; the page decides per user
    // (mutes) and sends them here, so no notification permission is granted to web content.
    ipcMain.handle(IPC.notify, (event, input: unknown) => {
      const n = fromConsole(event) ? notificationPayload(input) : null
      if (!n || !Notification.isSupported()) return false
      const shown = new Notification({ title: n.title, body: n.body })
      shown.on('click', showWindow)
      shown.show()
      return true
    })
    showWindow()
    createTray(
      join(__dirname, '../../resources/icon.png'),
      TITLE,
      () => win,
      () => started?.publicUrl ?? null,
      () => app.quit(),
    )
  })

  // Closing the window keeps the hub serving phones from the tray; "Quit" in the tray stops it.
  app.on('window-all-closed', () => {})

  app.on('before-quit', (event) => {
    if (quitting || !hub) return
    event.preventDefault()
    quitting = true
    hub.stop().finally(() => app.exit(0))
  })
}

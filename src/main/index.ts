// The Electron shell: lifecycle, window, tray, notifications. All of TapDrop's work happens in the hub (app/ builds
// it from the core), which this file only starts and stops; nothing below app/ imports electron.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { app, dialog, ipcMain, Notification, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { Hub, type HubStarted } from './app/hub'
import { APP_VERSION } from '../shared/version'
import { IPC } from './electron/ipc-channels'
import { createMainWindow } from './electron/window'
import { createTray } from './electron/tray'
import { isAppUrl } from './electron/security'
import { notificationPayload } from './electron/notify'

/** The brand this build was made for (set by the generated electron-builder configuration), if any. */
function builtForBrand(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(app.getAppPath(), 'package.json'), 'utf8')) as {
      tapdropBrand?: string
    }
    return pkg.tapdropBrand
  } catch {
    return undefined
  }
}

app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  // Another TapDrop already runs (and owns the data directory and ports): it gets focused instead.
  app.quit()
} else {
  let hub: Hub | null = null
  let started: HubStarted | null = null
  let win: BrowserWindow | null = null
  let quitting = false
  const title = () => hub?.services.brand.current().productName['zh-CN'] ?? 'TapDrop'

  const showWindow = () => {
    if (!started) return
    if (!win || win.isDestroyed()) {
      win = createMainWindow(started.adminUrl, join(__dirname, '../preload/index.cjs'), title())
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
      defaultBrand: builtForBrand(),
    })
    try {
      started = await hub.start()
    } catch (err) {
      dialog.showErrorBox(title(), `${title()} could not start:\n\n${(err as Error).message}`)
      app.exit(1)
      return
    }
    ipcMain.handle(IPC.setupToken, (event) => (fromConsole(event) ? (hub?.setupToken() ?? null) : null))
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
    const brand = () => hub!.services.brand.current()
    const tray = createTray({
      brand,
      getWindow: () => win,
      lanUrl: () => started?.publicUrl ?? null,
      fallbackIcon: join(__dirname, '../../resources/icon.png'),
      about: () => {
        const b = brand()
        const contact = [b.support.name, b.support.phone, b.support.email, b.support.url]
          .filter(Boolean)
          .join('\n')
        void dialog.showMessageBox({
          type: 'info',
          title: b.productName['zh-CN'],
          message: `${b.productName['zh-CN']} (${b.productName.en})`,
          detail: `版本 / Version ${APP_VERSION}${contact ? `\n\n${contact}` : ''}`,
        })
      },
      quit: () => app.quit(),
    })
    // A brand switched or edited in Settings shows at once in the tray and the window title.
    hub.services.events.subscribe(() => {
      tray.refresh()
      win?.setTitle(title())
    }, ['brand-changed'])
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

import { existsSync } from 'node:fs'
import { Menu, Tray, nativeImage, clipboard, type BrowserWindow } from 'electron'
import type { Brand } from '../core/brand/brand'

/** The tray icon: the brand's icon and name, open, copy the phone URL, about, quit. `refresh()` follows the brand. */
export function createTray(o: {
  brand: () => Brand
  getWindow: () => BrowserWindow | null
  lanUrl: () => string | null
  fallbackIcon: string
  about: () => void
  quit: () => void
}): Tray & { refresh(): void } {
  const icon = () => {
    const b = o.brand()
    const path = b.iconPath && existsSync(b.iconPath) ? b.iconPath : o.fallbackIcon
    return nativeImage.createFromPath(path).resize({ width: 32, height: 32 })
  }
  const tray = new Tray(icon()) as Tray & { refresh(): void }
  const show = () => {
    const win = o.getWindow()
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }
  tray.refresh = () => {
    const name = o.brand().productName['zh-CN']
    tray.setImage(icon())
    tray.setToolTip(name)
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: `打开 ${name} / Open`, click: show },
        {
          label: '复制手机页地址 / Copy phone URL',
          click: () => {
            const url = o.lanUrl()
            if (url) clipboard.writeText(url)
          },
        },
        { label: `关于 ${name} / About`, click: o.about },
        { type: 'separator' },
        { label: '退出 / Quit', click: o.quit },
      ]),
    )
  }
  tray.refresh()
  tray.on('click', show)
  return tray
}

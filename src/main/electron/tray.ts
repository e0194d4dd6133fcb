import { Menu, Tray, nativeImage, clipboard, type BrowserWindow } from 'electron'

export function createTray(
  iconPath: string,
  title: string,
  getWindow: () => BrowserWindow | null,
  lanUrl: () => string | null,
  quit: () => void,
): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath))
  tray.setToolTip(title)
  const show = () => {
    const win = getWindow()
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: `打开 ${title} / Open`, click: show },
      {
        label: '复制手机页地址 / Copy phone URL',
        click: () => {
          const url = lanUrl()
          if (url) clipboard.writeText(url)
        },
      },
      { type: 'separator' },
      { label: '退出 / Quit', click: quit },
    ]),
  )
  tray.on('click', show)
  return tray
}

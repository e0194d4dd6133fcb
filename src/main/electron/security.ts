import type { WebPreferences, Session, WebContents, HandlerDetails } from 'electron'
import { ADMIN_CSP } from '../http/headers'

/**
 * Every security setting of the desktop window, in one place (tested in tests/unit/electron-security.test.ts).
 * The window shows only the hub's own admin console; it can navigate nowhere else, open no windows, and ask
 * for no device permissions.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  }
}

/** True only for URLs of the hub's own admin console. */
export function isAppUrl(url: string, adminOrigin: string): boolean {
  try {
    return new URL(url).origin === adminOrigin
  } catch {
    return false
  }
}

/** Links the console may hand to the system browser (help pages, a tag's phone URL); never file: or custom schemes. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' || u.protocol === 'http:'
  } catch {
    return false
  }
}

// Clipboard writes back the console's "copy link" buttons; everything else (camera, geolocation, …) is refused.
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write'])

export function isPermissionAllowed(permission: string, requestingUrl: string, adminOrigin: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl, adminOrigin)
}

export function windowOpenDecision(
  details: Pick<HandlerDetails, 'url'>,
  openExternal: (url: string) => void,
): { action: 'deny' } {
  if (isExternalLink(details.url)) openExternal(details.url)
  return { action: 'deny' }
}

/** Applies the rules to the window's session and contents. */
export function hardenSession(session: Session, adminOrigin: string): void {
  session.setPermissionRequestHandler((wc, permission, callback) =>
    callback(isPermissionAllowed(permission, wc.getURL(), adminOrigin)),
  )
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, adminOrigin),
  )
  // The hub sends this CSP itself; setting it here too covers anything the window might load otherwise.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ADMIN_CSP] } })
  })
}

export function hardenContents(
  contents: WebContents,
  adminOrigin: string,
  openExternal: (url: string) => void,
): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, adminOrigin)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, adminOrigin)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler((details) => windowOpenDecision(details, openExternal))
}

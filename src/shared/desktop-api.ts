/** What the desktop window's preload exposes as `window.tapdrop`. Absent in a plain browser. */
export interface TapdropDesktopApi {
  shell: 'electron'
  /** The one-time first-run token, so the window's setup form needs no printed link. */
  setupToken(): Promise<string | null>
  /** Shows a system notification (the hub's alerts, after the user's mutes). */
  notify(title: string, body: string): Promise<boolean>
  appInfo(): Promise<{ version: string; lanUrl: string | null; dataDir: string | null } | null>
}

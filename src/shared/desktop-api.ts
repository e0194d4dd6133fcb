/**
 * What the desktop window's preload exposes as `window.tapdrop`: only what the console calls and a browser cannot
 * do. Absent in a plain browser. A unit test holds the members to the console's calls, one for one.
 */
export interface TapdropDesktopApi {
  /** The one-time first-run token, so the window's setup form needs no printed link. */
  setupToken(): Promise<string | null>
  /** Shows a system notification (the hub's alerts, after the user's mutes). */
  notify(title: string, body: string): Promise<boolean>
}

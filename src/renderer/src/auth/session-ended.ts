/*
 * "Your session ended": told once on the login page when the hub ended this tab's session (a password reset, the
 * account disabled, a logout in another tab), so the person knows why the page they were on is gone. Not after
 * a logout in this tab.
 */

const KEY = 'tapdrop.sessionEnded'
let loggingOut = false

/** This tab is logging out: the session's end that follows is its own. */
export function loggingOutHere(on: boolean): void {
  loggingOut = on
}

/** The hub closed the event socket because the session ended. */
export function sessionEnded(): void {
  if (!loggingOut) sessionStorage.setItem(KEY, '1')
}

/** Whether to say so now (once): the login page asks as it shows, which also ends a logout of this tab. */
export function takeSessionEnded(): boolean {
  const was = sessionStorage.getItem(KEY) === '1'
  sessionStorage.removeItem(KEY)
  loggingOut = false
  return was
}

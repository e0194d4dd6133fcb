import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { _electron as electron } from 'playwright'
import { REPO } from '../helpers/paths'
import { tempDir } from '../helpers/tmp'
import { desktopApi } from '../../src/preload/bridge'

/** Where the Electron binary would be; the npm package is installed without it when the download is impossible. */
function electronBinary(): string | null {
  try {
    const pathFile = join(REPO, 'node_modules', 'electron', 'path.txt')
    if (!existsSync(pathFile)) return null
    const bin = require('electron') as unknown as string
    return existsSync(bin) ? bin : null
  } catch {
    return null
  }
}

const binary = electronBinary()
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
const reason = !binary
  ? 'the Electron binary is not installed (its download from GitHub is impossible on this machine; see README "Known limits")'
  : !display
    ? 'no display (set DISPLAY, e.g. run under xvfb-run)'
    : ''
if (reason) console.warn(`Electron window tests skipped: ${reason}`)

describe.skipIf(Boolean(reason))(`Electron window${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('opens the console with node integration off and context isolation on, and exposes only the named API', async () => {
    const data = tempDir()
    const app = await electron.launch({
      args: [join(REPO, 'out', 'main', 'index.js')],
      // Its own data folder and OS-chosen ports: a store's hub may be running on the defaults beside the tests.
      env: {
        ...process.env,
        XDG_CONFIG_HOME: data.path,
        TAPDROP_ADMIN_PORT: '0',
        TAPDROP_LAN_PORT: '0',
        TAPDROP_LAN_HOST: '127.0.0.1',
        TAPDROP_MDNS: 'false',
        TAPDROP_NFC: 'false',
      },
    })
    try {
      const win = await app.firstWindow()
      await win.waitForLoadState('domcontentloaded')
      const probe = await win.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        api: Object.keys((window as unknown as { tapdrop: object }).tapdrop ?? {}).sort(),
      }))
      expect(probe).toEqual({
        require: 'undefined',
        process: 'undefined',
        // The preload's own object names the members (a unit test holds them to the console's calls).
        api: Object.keys(desktopApi(() => Promise.resolve(null))).sort(),
      })
      // Navigation away from the console is refused.
      await win.evaluate(() => {
        location.href = 'https://example.com/'
      })
      await new Promise((r) => setTimeout(r, 500))
      expect(new URL(win.url()).hostname).toBe('127.0.0.1')
    } finally {
      await app.close()
      data.cleanup()
    }
  })
})

import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  isAppUrl,
  isPermissionAllowed,
  secureWebPreferences,
  windowOpenDecision,
} from '../../src/main/electron/security'
import { ADMIN_CSP } from '../../src/main/http/headers'
import { REPO } from '../helpers/paths'

const ORIGIN = 'http://127.0.0.1:7410'

describe('Electron window security settings', () => {
  it('isolates the page from Node: context isolation, no node integration, sandbox, web security', () => {
    const p = secureWebPreferences('/app/preload.cjs')
    expect(p).toMatchObject({
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    })
  })

  it('allows navigation only within the hub’s own console', () => {
    expect(isAppUrl(`${ORIGIN}/users`, ORIGIN)).toBe(true)
    expect(isAppUrl('http://127.0.0.1:8080/t/abc', ORIGIN)).toBe(false)
    expect(isAppUrl('https://example.com/', ORIGIN)).toBe(false)
    expect(isAppUrl('file:///etc/passwd', ORIGIN)).toBe(false)
    expect(isAppUrl('javascript:alert(1)', ORIGIN)).toBe(false)
    expect(isAppUrl('not a url', ORIGIN)).toBe(false)
  })

  it('opens no new windows; web links go to the system browser, other schemes nowhere', () => {
    const open = vi.fn()
    expect(windowOpenDecision({ url: 'https://help.example.com/' }, open)).toEqual({ action: 'deny' })
    expect(windowOpenDecision({ url: 'file:///C:/Windows' }, open)).toEqual({ action: 'deny' })
    expect(windowOpenDecision({ url: 'smb://server/share' }, open)).toEqual({ action: 'deny' })
    expect(open.mock.calls).toEqual([['https://help.example.com/']])
  })

  it('grants no device permissions; only clipboard writes from the console', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'hid', 'serial', 'usb'])
      expect(isPermissionAllowed(p, `${ORIGIN}/`, ORIGIN)).toBe(false)
    expect(isPermissionAllowed('clipboard-sanitized-write', `${ORIGIN}/`, ORIGIN)).toBe(true)
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/', ORIGIN)).toBe(false)
  })

  it('serves a CSP without inline or eval scripts', () => {
    expect(ADMIN_CSP).toContain("script-src 'self'")
    expect(ADMIN_CSP).not.toMatch(/script-src[^;]*unsafe/)
    expect(ADMIN_CSP).toContain("frame-ancestors 'none'")
    expect(ADMIN_CSP).toContain("object-src 'none'")
  })

  it('keeps electron out of the hub core (only src/main/index.ts, src/main/electron and the preload import it)', () => {
    const offenders: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else if (
          /\.tsx?$/.test(name) &&
          /from ['"]electron['"]|require\(['"]electron['"]\)/.test(readFileSync(path, 'utf8'))
        )
          offenders.push(relative(REPO, path))
      }
    }
    walk(join(REPO, 'src'))
    expect(offenders.sort()).toEqual(
      offenders
        .filter(
          (f) =>
            f === 'src/main/index.ts' || f.startsWith('src/main/electron/') || f.startsWith('src/preload/'),
        )
        .sort(),
    )
    expect(offenders).toContain('src/main/index.ts')
  })
})

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { IPC } from '../../src/main/electron/ipc-channels'
import { REPO } from '../helpers/paths'

// The preload as Electron runs it, with electron's two objects recorded instead (no Electron binary here).
const exposed = vi.hoisted(() => ({ name: '', api: {} as Record<string, unknown> }))
const invoked = vi.hoisted(() => [] as unknown[][])
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (name: string, api: Record<string, unknown>) => Object.assign(exposed, { name, api }),
  },
  ipcRenderer: { invoke: (...args: unknown[]) => (invoked.push(args), Promise.resolve(null)) },
}))

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : []
  })
}

/** Every `window.tapdrop?.NAME` the console calls. */
function consoleCalls(): string[] {
  const names = new Set<string>()
  for (const file of sources(join(REPO, 'src', 'renderer', 'src'))) {
    const text = readFileSync(file, 'utf8')
    // Any other use (a destructuring, an alias) would hide a call from this list: there is none, and must not be.
    expect(text.match(/window\.tapdrop(?!\?\.\w+\()/g) ?? [], file).toEqual([])
    for (const m of text.matchAll(/window\.tapdrop\?\.(\w+)\(/g)) names.add(m[1]!)
  }
  return [...names].sort()
}

describe('the desktop window bridge (window.tapdrop)', () => {
  beforeAll(async () => {
    await import('../../src/preload/index')
  })

  it('exposes exactly the calls the console makes, nothing more', () => {
    expect(exposed.name).toBe('tapdrop')
    expect(consoleCalls().length).toBeGreaterThan(0)
    expect(Object.keys(exposed.api).sort()).toEqual(consoleCalls())
  })

  it('sends each call on its own IPC channel, and the main process answers every channel', async () => {
    const main = readFileSync(join(REPO, 'src', 'main', 'index.ts'), 'utf8')
    const used = new Set<unknown>()
    for (const [name, call] of Object.entries(exposed.api)) {
      invoked.length = 0
      await (call as (...a: unknown[]) => Promise<unknown>)('title', 'body')
      expect(invoked, name).toHaveLength(1)
      used.add(invoked[0]![0])
    }
    expect([...used].sort()).toEqual(Object.values(IPC).sort())
    for (const key of Object.keys(IPC)) expect(main).toContain(`ipcMain.handle(IPC.${key},`)
  })
})

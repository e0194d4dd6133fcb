import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Hub, type HubOptions, type HubStarted } from '../../src/main/core/hub'
import { RENDERER_DIR } from './paths'
import { tempDir } from './tmp'
import { TestSession } from './api'
import { createApiClient } from '../../src/shared/api-client'

export interface TestHub {
  hub: Hub
  started: HubStarted
  adminUrl: string
  lanUrl: string
  dataDir: string
  setupToken: string | null
  stop(): Promise<void>
}

/**
 * An isolated hub in this process: its own data dir, ports chosen by the OS, phones on 127.0.0.1 only,
 * no TAPDROP_* variables from the developer's shell.
 */
export async function startTestHub(
  options: Partial<HubOptions> & { keepDir?: boolean } = {},
): Promise<TestHub> {
  const dir = options.dataDir ? null : tempDir()
  const dataDir = options.dataDir ?? dir!.path
  // Ports come from config.json (not flags) so tests can change them through Settings like a store owner would.
  const config = join(dataDir, 'config.json')
  if (!existsSync(config))
    writeFileSync(config, JSON.stringify({ adminPort: 0, lanPort: 0, lanHost: '127.0.0.1' }))
  const hub = new Hub({ dataDir, env: {}, rendererDir: RENDERER_DIR, ...options })
  const started = await hub.start()
  const setupToken = started.setupUrl ? new URL(started.setupUrl).hash.replace('#token=', '') : null
  return {
    hub,
    started,
    adminUrl: started.adminUrl,
    lanUrl: started.lanUrl!.replace('0.0.0.0', '127.0.0.1'),
    dataDir,
    setupToken,
    async stop() {
      await hub.stop()
      if (!options.keepDir) dir?.cleanup()
    },
  }
}

export const OWNER = { username: 'owner', password: 'owner-password-1', displayName: '店长' }

/** Creates the owner through the first-run API and returns a logged-in session. */
export async function setupOwner(t: TestHub): Promise<TestSession> {
  const s = new TestSession(t.adminUrl)
  await s.invoke('auth-setup', { token: t.setupToken!, ...OWNER })
  return s
}

export async function loginAs(t: TestHub, username: string, password: string): Promise<TestSession> {
  const s = new TestSession(t.adminUrl)
  await s.invoke('auth-login', { username, password })
  return s
}

/** The CLI's view of the hub: the local token from the run file, no cookie (can import by path). */
export function localClient(t: TestHub) {
  return createApiClient({
    baseUrl: t.adminUrl,
    headers: { Authorization: `Bearer ${t.hub.services.auth.localToken}` },
  })
}

/** Waits (bounded) until the video is ready or has finally failed. */
export async function waitForVideo(t: TestHub, id: number, timeoutMs = 120_000) {
  const api = localClient(t)
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await api.invoke('video-get', { id })
    if (v.status === 'ready' || (v.status === 'failed' && v.job?.status !== 'queued')) return v
    if (Date.now() > until) throw new Error(`video ${id} still ${v.status} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

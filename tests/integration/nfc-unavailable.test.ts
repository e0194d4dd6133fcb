import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { tempDir } from '../helpers/tmp'
import { REPO } from '../helpers/paths'

/**
 * The NFC worker on a PC where nfc-pcsc's native module is missing (no libpcsclite-dev at install): the real worker
 * runs with a preload that makes `require('nfc-pcsc')` fail the way a missing optional dependency does. The hub
 * keeps running and says what to install. (No pcscd is touched: the worker stops before looking for it.)
 */
const dir = tempDir('tapdrop-nfc-missing-')
let t: TestHub
let owner: TestSession

beforeAll(async () => {
  const stub = join(dir.path, 'no-nfc.cjs')
  writeFileSync(
    stub,
    `const Module = require('module')
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  if (request === 'nfc-pcsc') {
    const err = new Error("Cannot find module 'nfc-pcsc'")
    err.code = 'MODULE_NOT_FOUND'
    throw err
  }
  return resolve.call(this, request, ...rest)
}
`,
  )
  t = await startTestHub({
    env: {},
    nfcWorker: {
      path: join(REPO, 'src/main/nfc/worker.ts'),
      execArgv: ['--require', stub, '--import', 'tsx'],
    },
  })
  owner = await setupOwner(t)
}, 60_000)

afterAll(async () => {
  await t?.stop()
  dir.cleanup()
})

describe('NFC without its native module', () => {
  it('reports "NFC unavailable" with how to fix it, refuses tag operations clearly, and keeps the hub serving', async () => {
    let s = await owner.invoke('nfc-status', {})
    for (let i = 0; i < 100 && s.service !== 'module-missing'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      s = await owner.invoke('nfc-status', {})
    }
    expect(s.service).toBe('module-missing')
    expect(s.detail).toMatch(/libpcsclite-dev/)
    await expect(
      owner.invoke('nfc-write', { target: { videoIds: [1] }, timeoutSeconds: 1 }),
    ).rejects.toMatchObject({
      code: 'video-not-found',
    })
    await expect(owner.invoke('nfc-read', { timeoutSeconds: 1 })).rejects.toMatchObject({
      code: 'nfc-unavailable',
      message: expect.stringMatching(/libpcsclite-dev/),
    })
    // The worker is not restarted in a loop: it stays down, and the hub still answers.
    await new Promise((r) => setTimeout(r, 1000))
    expect(t.hub.services.nfc.workerPid).toBeNull()
    expect((await fetch(`${t.lanUrl}/healthz`)).status).toBe(200)
  })
})

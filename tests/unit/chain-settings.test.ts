import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ChainService } from '../../src/main/core/chain/service'
import type { ObjectStore } from '../../src/main/core/chain/object-store'
import { chainSetup, maskAccessKey } from '../../src/main/core/chain/settings'
import { loadConfig } from '../../src/main/core/config/load'
import { ConfigStore } from '../../src/main/core/config/store'
import { silentLogger } from '../../src/main/core/logger'
import { systemContext } from '../../src/main/core/auth/actor'
import { tempDir } from '../helpers/tmp'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

function config(file: Record<string, unknown> = {}, env: Record<string, string> = {}): ConfigStore {
  const d = tempDir()
  dirs.push(d)
  const path = join(d.path, 'config.json')
  writeFileSync(path, JSON.stringify(file))
  return new ConfigStore(loadConfig({ file: path, env }))
}

const CONNECTED = {
  chainEndpoint: 'http://10.0.0.5:7480',
  chainBucket: 'chain',
  chainAccessKey: 'AKIAIOSFODNN7EXAMPLE',
  chainSecretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
}

/** A store that answers every probe, counting how often it is built and closed. */
function fakeStores() {
  const made: Array<{ closed: boolean }> = []
  const open = async () => {
    const record = { closed: false }
    made.push(record)
    return {
      location: `fake ${made.length}`,
      probe: async () => {},
      close: () => (record.closed = true),
    } as unknown as ObjectStore
  }
  return { made, open }
}

describe('chain settings', () => {
  it('take the issue names from the environment and say what is missing', () => {
    const c = config(
      {},
      { TAPDROP_CHAIN_ROLE: 'hq', TAPDROP_CHAIN_PATH_STYLE: 'false', TAPDROP_CHAIN_POLL_SECONDS: '30' },
    )
    expect(c.values).toMatchObject({ chainRole: 'hq', chainPathStyle: false, chainPollSeconds: 30 })
    expect(c.sources.chainRole).toBe('env')
    // HQ with nothing else: the connection is what is missing (HQ needs no store id).
    expect(chainSetup(c.values)).toMatchObject({
      connection: null,
      missing: ['chainEndpoint', 'chainBucket', 'chainAccessKey', 'chainSecretKey'],
    })
  })

  it('leave a single store alone, and name the rest once one is set', () => {
    expect(chainSetup(config().values)).toMatchObject({ role: 'store', connection: null, missing: [] })
    expect(chainSetup(config({ chainBucket: 'chain' }).values).missing).toEqual([
      'chainEndpoint',
      'chainAccessKey',
      'chainSecretKey',
      'chainStoreId',
    ])
    const ready = chainSetup(config({ ...CONNECTED, chainStoreId: 'sh-01' }).values)
    expect(ready.missing).toEqual([])
    expect(ready.connection).toEqual({
      endpoint: 'http://10.0.0.5:7480',
      region: 'us-east-1',
      bucket: 'chain',
      accessKeyId: CONNECTED.chainAccessKey,
      secretAccessKey: CONNECTED.chainSecretKey,
      pathStyle: true,
      caFile: null,
    })
  })

  it('mask the access key id to its ends', () => {
    expect(maskAccessKey('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA…MPLE')
    expect(maskAccessKey('short')).toBe('****')
    expect(maskAccessKey(null)).toBeNull()
  })
})

describe('the chain service', () => {
  it('builds no object store without chain settings, and says which are missing when asked for one', async () => {
    const stores = fakeStores()
    const chain = new ChainService({
      config: config({ chainBucket: 'chain' }),
      openStore: stores.open,
      logger: silentLogger(),
    })
    const status = await chain.status(systemContext)
    expect(status).toMatchObject({ configured: false, reachable: null, bucket: 'chain' })
    await expect(chain.store()).rejects.toMatchObject({
      code: 'chain-not-configured',
      message: expect.stringContaining('chainEndpoint, chainAccessKey, chainSecretKey, chainStoreId'),
    })
    expect(stores.made).toHaveLength(0)
  })

  it('keeps one store until a chain setting changes, then closes it and builds the next', async () => {
    const stores = fakeStores()
    const c = config({ ...CONNECTED, chainStoreId: 'sh-01' })
    const chain = new ChainService({ config: c, openStore: stores.open, logger: silentLogger() })
    const [a, b] = await Promise.all([chain.store(), chain.store()])
    expect(a).toBe(b)
    c.update({ quotaNormal: 4 })
    expect(await chain.store()).toBe(a)
    c.update({ chainBucket: 'other' })
    const next = await chain.store()
    expect(next).not.toBe(a)
    await new Promise((r) => setImmediate(r))
    expect(stores.made.map((m) => m.closed)).toEqual([true, false])
    expect((await chain.status(systemContext)).reachable).toBe(true)
    chain.stop()
  })
})

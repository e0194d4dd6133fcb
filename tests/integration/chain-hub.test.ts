import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CreateBucketCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../src/shared/api-client'
import type { TestSession } from '../helpers/api'
import { startTestCluster, type TestCluster } from '../helpers/ceph'
import { runCli, spawnHub } from '../helpers/cli'
import { setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import { tempDir } from '../helpers/tmp'

/**
 * The chain settings on a hub, against a real Ceph RGW started by this file: nothing changes without them; once
 * saved, the hub reaches the bucket and says why when it cannot; the key pair never comes back out (API answers,
 * the audit log, the log files); `tapdrop hq` and `tapdrop chain status`.
 */
const BUCKET = 'chain-hub-test'
let ceph: TestCluster
let t: TestHub
let owner: TestSession

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ApiError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

function logText(dataDir: string): string {
  const dir = join(dataDir, 'logs')
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n')
}

beforeAll(async () => {
  ceph = await startTestCluster()
  await ceph.client().send(new CreateBucketCommand({ Bucket: BUCKET }))
  t = await startTestHub({ keepDir: false })
  owner = await setupOwner(t)
})

afterAll(async () => {
  await t?.stop()
  await ceph?.stop()
})

describe('chain settings', () => {
  it('change nothing for a single store until they are set', async () => {
    expect(t.started.chain).toEqual({ role: 'store', location: null, missing: [] })
    const view = await owner.invoke('settings-get', {})
    expect(view.chainRole).toEqual({ value: 'store', source: 'default' })
    expect(view.chainEndpoint.value).toBeNull()
    expect(view.chainAccessKey).toEqual({ masked: null, source: 'default' })
    expect(view.chainSecretKey).toEqual({ set: false, source: 'default' })
    const status = await owner.invoke('chain-status', {})
    expect(status).toMatchObject({
      role: 'store',
      configured: false,
      missing: [],
      reachable: null,
      error: null,
    })
  })

  it('are checked where they come in, with the reason', async () => {
    const bucket = await refusal(owner.invoke('settings-update', { chainBucket: 'Not_A_Bucket' }))
    expect(bucket.code).toBe('validation-failed')
    expect(bucket.message).toMatch(/chainBucket.*bucket name/)
    const endpoint = await refusal(
      owner.invoke('settings-update', { chainEndpoint: 'ftp://files.example.com' }),
    )
    expect(endpoint.message).toMatch(/chainEndpoint.*https:\/\/s3\.example\.com/)
    const id = await refusal(owner.invoke('settings-update', { chainStoreId: 'Shop 1' }))
    expect(id.message).toMatch(/chainStoreId.*lower-case/)
    const ca = await refusal(owner.invoke('settings-update', { chainCaFile: '/nonexistent/ca.pem' }))
    expect(ca.code).toBe('validation-failed')
    expect(ca.message).toMatch(/chainCaFile: cannot read \/nonexistent\/ca\.pem/)
    const notPem = join(t.dataDir, 'not-a-cert.txt')
    writeFileSync(notPem, 'hello')
    expect((await refusal(owner.invoke('settings-update', { chainCaFile: notPem }))).message).toMatch(
      /holds no PEM certificate/,
    )
    // Nothing was saved.
    expect((await owner.invoke('settings-get', {})).chainBucket.value).toBeNull()
  })

  it('once saved, reach the bucket; a store is told what is still missing', async () => {
    const { endpoint, region, accessKeyId, secretAccessKey } = ceph.cluster.info
    await owner.invoke('settings-update', {
      chainEndpoint: endpoint,
      chainRegion: region,
      chainBucket: BUCKET,
      chainAccessKey: accessKeyId,
      chainSecretKey: secretAccessKey,
    })
    const partial = await owner.invoke('chain-status', {})
    expect(partial).toMatchObject({ configured: false, missing: ['chainStoreId'], reachable: true })

    await owner.invoke('settings-update', { chainStoreId: 'sh-test-01' })
    // The store's one name (Settings → Publishing) is the name the chain shows.
    await owner.invoke('publish-settings-update', { storeName: '测试门店' })
    const status = await owner.invoke('chain-status', {})
    expect(status).toMatchObject({
      role: 'store',
      configured: true,
      missing: [],
      endpoint,
      bucket: BUCKET,
      storeId: 'sh-test-01',
      storeName: '测试门店',
      reachable: true,
      error: null,
    })
    expect(status.accessKey).toBe(`${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`)
  })

  it('say why the store cannot be reached: wrong keys, a missing bucket, nobody answering', async () => {
    await owner.invoke('settings-update', { chainSecretKey: 'this-is-not-the-secret' })
    const wrong = await owner.invoke('chain-status', {})
    expect(wrong).toMatchObject({ reachable: false, error: { code: 'chain-credentials' } })
    expect(wrong.error!.message).toMatch(/chainAccessKey and chainSecretKey/)

    await owner.invoke('settings-update', {
      chainSecretKey: ceph.cluster.info.secretAccessKey,
      chainBucket: 'no-such-bucket',
    })
    const noBucket = await owner.invoke('chain-status', {})
    expect(noBucket).toMatchObject({ reachable: false, error: { code: 'chain-no-bucket' } })
    expect(noBucket.error!.message).toMatch(/bucket no-such-bucket does not exist/)

    await owner.invoke('settings-update', { chainBucket: BUCKET, chainEndpoint: 'http://127.0.0.1:9' })
    const down = await owner.invoke('chain-status', {})
    expect(down).toMatchObject({ reachable: false, error: { code: 'chain-unreachable' } })

    await owner.invoke('settings-update', { chainEndpoint: ceph.cluster.info.endpoint })
    expect((await owner.invoke('chain-status', {})).reachable).toBe(true)
  })

  it('never give the key pair back: not in API answers, the audit log or the log files', async () => {
    const { endpoint, accessKeyId, secretAccessKey } = ceph.cluster.info
    // Saved twice over (each change is audited), and used (the store is built and logged).
    await owner.invoke('settings-update', {
      chainEndpoint: endpoint,
      chainBucket: BUCKET,
      chainAccessKey: accessKeyId,
      chainSecretKey: 'this-is-not-the-secret',
    })
    await owner.invoke('settings-update', { chainSecretKey: secretAccessKey })
    const answers = JSON.stringify([
      await owner.invoke('settings-get', {}),
      await owner.invoke('chain-status', {}),
      await owner.invoke('hub-info', {}),
      await owner.invoke('audit-list', { limit: 100 }),
    ])
    expect(answers).not.toContain(secretAccessKey)
    expect(answers).not.toContain(accessKeyId)
    expect(answers).not.toContain('this-is-not-the-secret')
    // The audit log says the secret changed, and shows the access key masked.
    const audit = await owner.invoke('audit-list', { limit: 100, action: 'settings.update' })
    const secretChanges = audit.entries.filter((e) => e.details && 'chainSecretKey' in e.details)
    expect(secretChanges.length).toBeGreaterThanOrEqual(2)
    for (const e of secretChanges) expect(e.details!.chainSecretKey).toEqual({ changed: true })

    // Whatever carries the connection into a log line has it redacted.
    t.hub.logger.info({ connection: t.hub.services.chain.setup().connection }, 'connection for the test')
    await new Promise((r) => setTimeout(r, 300))
    const logs = logText(t.dataDir)
    expect(logs).toContain('connection for the test')
    expect(logs).toContain('chain object store')
    expect(logs).not.toContain(secretAccessKey)
    expect(logs).not.toContain(accessKeyId)
    expect(logs).not.toContain('this-is-not-the-secret')
  })
})

describe('tapdrop hq and tapdrop chain status', () => {
  it('runs the headless hub as headquarters and reports the chain as JSON', async () => {
    const dir = tempDir()
    const { endpoint, region, accessKeyId, secretAccessKey } = ceph.cluster.info
    const hub = await spawnHub(
      dir.path,
      [],
      {
        TAPDROP_CHAIN_ENDPOINT: endpoint,
        TAPDROP_CHAIN_REGION: region,
        TAPDROP_CHAIN_BUCKET: BUCKET,
        TAPDROP_CHAIN_ACCESS_KEY: accessKeyId,
        TAPDROP_CHAIN_SECRET_KEY: secretAccessKey,
        TAPDROP_CHAIN_PATH_STYLE: 'true',
      },
      'hq',
    )
    try {
      expect(hub.info.chain).toEqual({ role: 'hq', location: `bucket ${BUCKET} at ${endpoint}`, missing: [] })
      const r = await runCli(['chain', 'status', '--json', '--data-dir', dir.path])
      expect(r.code, r.stderr).toBe(0)
      const status = JSON.parse(r.stdout)
      expect(status).toMatchObject({ role: 'hq', endpoint, bucket: BUCKET, reachable: true, storeId: null })
      expect(r.stdout).not.toContain(secretAccessKey)
      const human = await runCli(['chain', 'status', '--data-dir', dir.path])
      expect(human.stdout).toMatch(/role: +hq/)
      expect(human.stdout).toMatch(/reachable: +yes/)
    } finally {
      hub.child.kill('SIGTERM')
      await hub.exited()
      expect(hub.stderr()).not.toContain(secretAccessKey)
      expect(logText(dir.path)).not.toContain(secretAccessKey)
      dir.cleanup()
    }
  })

  it('refuses a chain setting that does not parse, naming the variable', async () => {
    const dir = tempDir()
    try {
      const r = await runCli(['hq', '--data-dir', dir.path, '--admin-port', '0', '--lan-port', '0'], {
        env: { TAPDROP_CHAIN_BUCKET: 'Bad Bucket', TAPDROP_NFC: 'false' },
      })
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(/environment TAPDROP_CHAIN_BUCKET: chainBucket: must be a bucket name/)
    } finally {
      dir.cleanup()
    }
  })
})

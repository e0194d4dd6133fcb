import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createApiClient, type Invoke } from '../../src/shared/api-client'
import type { CephCluster } from '../../scripts/chain/ceph-cluster'
import { runCli, spawnHub, type SpawnedHub } from './cli'

/** The environment a hub of the chain gets: the test cluster's endpoint and key pair, and the bucket. */
export function chainEnv(
  cluster: CephCluster,
  bucket: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const { endpoint, region, accessKeyId, secretAccessKey } = cluster.info
  return {
    TAPDROP_CHAIN_ENDPOINT: endpoint,
    TAPDROP_CHAIN_REGION: region,
    TAPDROP_CHAIN_BUCKET: bucket,
    TAPDROP_CHAIN_ACCESS_KEY: accessKeyId,
    TAPDROP_CHAIN_SECRET_KEY: secretAccessKey,
    TAPDROP_CHAIN_PATH_STYLE: 'true',
    TAPDROP_MDNS: 'false',
    ...extra,
  }
}

/** The admin API of a hub running on `dataDir`, with the local token its run file holds (what the CLI uses). */
export function hubApi(dataDir: string): Invoke {
  const run = JSON.parse(readFileSync(join(dataDir, 'run', 'hub.json'), 'utf8')) as {
    adminUrl: string
    token: string
  }
  return createApiClient({ baseUrl: run.adminUrl, headers: { Authorization: `Bearer ${run.token}` } }).invoke
}

/** `tapdrop ARGS --data-dir D --json`, parsed; the exit code beside. */
export async function cliJson<T = any>(
  dataDir: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<{ code: number | null; out: T; stderr: string }> {
  const r = await runCli([...args, '--data-dir', dataDir, '--json'], { timeoutMs })
  let out: T
  try {
    out = JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`tapdrop ${args.join(' ')} printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
  return { code: r.code, out, stderr: r.stderr }
}

/** A store hub of the chain as its own process. */
export function spawnStore(
  cluster: CephCluster,
  bucket: string,
  dataDir: string,
  storeId: string,
  extra: Record<string, string> = {},
): Promise<SpawnedHub> {
  return spawnHub(dataDir, [], chainEnv(cluster, bucket, { TAPDROP_CHAIN_STORE_ID: storeId, ...extra }))
}

/** Stops a spawned hub (SIGTERM) and waits for it, bounded. */
export async function stopHub(h: SpawnedHub | undefined): Promise<void> {
  if (!h || h.child.exitCode !== null || h.child.signalCode !== null) return
  h.child.kill('SIGTERM')
  await h.exited(20_000).catch(() => h.child.kill('SIGKILL'))
}

/** Polls `probe` every 100 ms until it returns something truthy; bounded. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > end) throw new Error(`waited ${timeoutMs} ms for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

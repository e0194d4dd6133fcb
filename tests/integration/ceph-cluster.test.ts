import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CreateBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3'
import { afterAll, describe, expect, it } from 'vitest'
import { daemonsUnder, stopCephCluster } from '../../scripts/chain/ceph-cluster'
import { startTestCluster, type TestCluster } from '../helpers/ceph'
import { tempDir } from '../helpers/tmp'

/** The project's test cluster itself (scripts/chain/ceph-cluster.ts): what every chain test stands on. */
describe('the Ceph test cluster', () => {
  const started: TestCluster[] = []
  afterAll(async () => {
    for (const c of started) await c.stop().catch(() => {})
  })

  it('runs twice at once on separate ports and folders, each its own S3, and leaves nothing running once stopped', async () => {
    const t0 = Date.now()
    const [a, b] = await Promise.all([startTestCluster(), startTestCluster()])
    started.push(a!, b!)
    const startMs = Date.now() - t0
    expect(a!.cluster.info.rgwPort).not.toBe(b!.cluster.info.rgwPort)
    expect(a!.cluster.info.monPort).not.toBe(b!.cluster.info.monPort)
    expect(a!.cluster.info.fsid).not.toBe(b!.cluster.info.fsid)

    // A bucket made in one cluster does not exist in the other: two clusters, not one reached twice.
    await a!.client().send(new CreateBucketCommand({ Bucket: 'only-in-a' }))
    const inA = await a!.client().send(new ListBucketsCommand({}))
    const inB = await b!.client().send(new ListBucketsCommand({}))
    expect(inA.Buckets?.map((x) => x.Name)).toEqual(['only-in-a'])
    expect(inB.Buckets ?? []).toEqual([])
    expect(daemonsUnder(a!.dir)).toHaveLength(3)

    const t1 = Date.now()
    const report = await a!.cluster.stop()
    const stopMs = Date.now() - t1
    expect(Object.keys(report.took)).toEqual(['rgw', 'osd', 'mon'])
    expect(daemonsUnder(a!.dir)).toEqual([])
    // The other cluster did not notice.
    expect((await b!.client().send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([])
    await b!.cluster.stop()
    expect(daemonsUnder(b!.dir)).toEqual([])
    console.log(
      `two clusters started side by side in ${startMs} ms; one stopped in ${stopMs} ms`,
      report.took,
    )
  })

  it('never signals a recorded PID that is no longer one of its ceph daemons', async () => {
    const dir = tempDir('tapdrop-ceph-stale-')
    // A stranger that happens to hold the PID the file records (PIDs are reused).
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      writeFileSync(
        join(dir.path, 'cluster.json'),
        JSON.stringify({ dir: dir.path, pids: { rgw: stranger.pid, osd: stranger.pid, mon: stranger.pid } }),
      )
      await stopCephCluster(dir.path)
      expect(stranger.exitCode).toBeNull()
      expect(stranger.signalCode).toBeNull()
    } finally {
      stranger.kill()
      dir.cleanup()
    }
  })
})

// The chain's test cluster from a shell (README, "The chain's test cluster"):
//   npx tsx scripts/ceph-test-cluster.ts start DIR    start a mon, an OSD (memstore) and radosgw under DIR; prints the S3 endpoint and keys as JSON
//   npx tsx scripts/ceph-test-cluster.ts stop DIR     stop them (radosgw, OSD, mon), by the PIDs recorded in DIR/cluster.json
//   npx tsx scripts/ceph-test-cluster.ts status DIR   what DIR/cluster.json records and which daemons still run
// The tests do not need this: each test file that uses the cluster starts and stops its own.
import { clusterStatus, startCephCluster, stopCephCluster } from './chain/ceph-cluster'

async function main(): Promise<number> {
  const [command, dir] = process.argv.slice(2)
  if (!dir || !['start', 'stop', 'status'].includes(command ?? '')) {
    console.error('usage: tsx scripts/ceph-test-cluster.ts start|stop|status DIR')
    return 2
  }
  if (command === 'start') {
    const t0 = Date.now()
    // The daemons outlive this command: `stop DIR` ends them.
    const cluster = await startCephCluster(dir, { dieWithParent: false })
    console.log(JSON.stringify({ ...cluster.info, startMs: Date.now() - t0 }, null, 2))
  } else if (command === 'stop') {
    console.log(JSON.stringify(await stopCephCluster(dir)))
  } else {
    const status = clusterStatus(dir)
    console.log(JSON.stringify(status, null, 2))
    return status ? 0 : 1
  }
  return 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`ceph-test-cluster: ${(err as Error).message}`)
    process.exit(1)
  },
)

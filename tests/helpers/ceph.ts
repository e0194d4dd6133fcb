import { S3Client } from '@aws-sdk/client-s3'
import { CephCluster, cephUnavailable } from '../../scripts/chain/ceph-cluster'
import { tempDir } from './tmp'

export interface TestCluster {
  cluster: CephCluster
  dir: string
  /** A raw SDK client with the cluster's user, for arranging what a test needs (buckets, planted objects). */
  client(): S3Client
  stop(): Promise<void>
}

/**
 * A single-node Ceph with RGW for one test file: start it in beforeAll, stop it in afterAll (one per file; files
 * run in parallel, each with its own folder and ports). A machine without the packages fails here with the command
 * that installs them: CI gets them from scripts/setup.sh.
 */
export async function startTestCluster(): Promise<TestCluster> {
  // The SDK's notice that its 2027 releases want Node 22 (README, Dependencies), printed once per test file otherwise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const why = cephUnavailable()
  if (why) throw new Error(why)
  const dir = tempDir('tapdrop-ceph-')
  let cluster: CephCluster
  try {
    cluster = await CephCluster.start(dir.path)
  } catch (err) {
    dir.cleanup()
    throw err
  }
  return {
    cluster,
    dir: dir.path,
    client: () =>
      new S3Client({
        endpoint: cluster.info.endpoint,
        region: cluster.info.region,
        forcePathStyle: true,
        credentials: { accessKeyId: cluster.info.accessKeyId, secretAccessKey: cluster.info.secretAccessKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    async stop() {
      await cluster.stop()
      dir.cleanup()
    },
  }
}

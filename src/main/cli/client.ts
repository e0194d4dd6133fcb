import { createApiClient, type Invoke } from '../../shared/api-client'
import { dataPaths, defaultDataDir } from '../core/paths'
import { runningHub } from '../core/runfile'
import { CliError } from './errors'

/**
 * Reaches the hub that runs for a data directory, through the same admin API as the console. The credential is
 * the token the hub wrote into <data>/run/hub.json, readable only by the account that runs the hub.
 */
export async function connectToHub(
  dataDir: string | undefined,
): Promise<{ invoke: Invoke; adminUrl: string }> {
  const paths = dataPaths(dataDir ?? defaultDataDir())
  let info
  try {
    info = await runningHub(paths.runFile)
  } catch (err) {
    throw new CliError(`cannot read ${paths.runFile}: ${(err as Error).message}`)
  }
  if (!info)
    throw new CliError(
      `no TapDrop hub is running for ${paths.root}; start one with: tapdrop hub --data-dir "${paths.root}"`,
    )
  const client = createApiClient({
    baseUrl: info.adminUrl,
    headers: { Authorization: `Bearer ${info.token}` },
  })
  return { invoke: client.invoke, adminUrl: info.adminUrl }
}

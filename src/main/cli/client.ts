import type { Command } from 'commander'
import { createApiClient, type Invoke } from '../../shared/api-client'
import type { MethodInput, MethodName, MethodResult } from '../../shared/contract'
import { dataPaths, defaultDataDir } from '../core/paths'
import { runningHub } from '../core/runfile'
import { CliError } from './errors'
import { emit } from './output'

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

/** The options every command takes (tapdrop's global ones). */
export const globalsOf = (cmd: Command) => cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()

/**
 * Asks the hub for the command's data directory one thing and prints the answer: JSON with --json, else `human`
 * of it. Returns the answer for what the command does next (an exit code).
 */
export async function ask<M extends MethodName>(
  cmd: Command,
  method: M,
  input: MethodInput<M>,
  human: (answer: MethodResult<M>) => string,
): Promise<MethodResult<M>> {
  const { dataDir, json } = globalsOf(cmd)
  const { invoke } = await connectToHub(dataDir)
  const answer = await invoke(method, input)
  emit(json ?? false, answer, () => human(answer))
  return answer
}

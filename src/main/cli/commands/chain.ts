import type { Command } from 'commander'
import type { ChainStatus } from '../../../shared/contract/chain'
import { connectToHub } from '../client'
import { emit } from '../output'

function human(s: ChainStatus): string {
  const lines = [`role:       ${s.role}`]
  if (!s.endpoint && s.missing.length === 0) {
    lines.push('chain:      not configured (a single store)')
    return lines.join('\n')
  }
  lines.push(
    `endpoint:   ${s.endpoint ?? '—'} (${s.pathStyle ? 'path-style' : 'virtual-host'}, region ${s.region})`,
    `bucket:     ${s.bucket ?? '—'}`,
    `access key: ${s.accessKey ?? '—'}`,
    `store:      ${s.storeId ?? '—'}${s.storeName ? ` (${s.storeName})` : ''}`,
  )
  if (s.missing.length) lines.push(`missing:    ${s.missing.join(', ')}`)
  if (s.reachable !== null)
    lines.push(
      `reachable:  ${s.reachable ? 'yes' : `no — ${s.error?.message ?? 'unknown reason'} (${s.error?.code})`}`,
    )
  return lines.join('\n')
}

/** `tapdrop chain …`: the chain of stores, through the running hub. Later parts add publish, unpublish and records. */
export function registerChain(program: Command): void {
  const chain = program
    .command('chain')
    .description('the chain of stores: the object store headquarters publishes to and stores sync from')
  chain
    .command('status')
    .description(
      'role, object store and whether it answers now; --json: {role, endpoint, bucket, reachable, storeId, …}',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const { invoke } = await connectToHub(dataDir)
      const status = await invoke('chain-status', {})
      emit(json ?? false, status, () => human(status))
    })
}

import type { Command } from 'commander'
import type { Strategy, Tag } from '../../../shared/contract/tags'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { emit, table } from '../output'

const STRATEGIES = ['fixed', 'rotate', 'random', 'least-delivered'] as const

function ids(text: string, what: string): number[] {
  const out = text.split(',').map((s) => Number(s.trim()))
  if (out.some((n) => !Number.isSafeInteger(n) || n <= 0))
    throw new CliError(`${what} must be video ids like 3 or 3,4,5`, 2)
  return out
}

function jsonOf(t: Tag) {
  return {
    id: t.id,
    code: t.code,
    url: t.url,
    label: t.label,
    tier: t.tier,
    enabled: t.enabled,
    strategy: t.strategy,
    videoIds: t.videos.map((v) => v.id),
    dailyCap: t.dailyCap,
    baseUrlReachable: t.baseUrlReachable,
    uid: t.uid,
    chip: t.chip,
  }
}

export function registerTag(program: Command): void {
  const tag = program.command('tag').description('NFC tags and what they deliver')

  tag
    .command('create')
    .description('create a tag (its code and URL; programming the NFC chip is separate)')
    .requiredOption('--video <id>', 'the video it delivers (the first of the pool with --pool)')
    .option('--pool <ids>', 'more videos, comma-separated: the tag delivers one of them per tap')
    .option(
      '--strategy <s>',
      `how a pool is used: ${STRATEGIES.join(', ')} (default: fixed, or rotate with a pool)`,
    )
    .option('--label <text>', 'where it is placed, e.g. 收银台')
    .option('--tier <tier>', 'normal or vip', 'normal')
    .option('--daily-cap <n>', 'at most this many deliveries a day from this tag')
    .action(
      async (
        opts: {
          video: string
          pool?: string
          strategy?: string
          label?: string
          tier: string
          dailyCap?: string
        },
        cmd: Command,
      ) => {
        const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
        const videoIds = [...ids(opts.video, '--video'), ...(opts.pool ? ids(opts.pool, '--pool') : [])]
        if (opts.strategy && !(STRATEGIES as readonly string[]).includes(opts.strategy))
          throw new CliError(`--strategy must be one of ${STRATEGIES.join(', ')}`, 2)
        if (opts.tier !== 'normal' && opts.tier !== 'vip')
          throw new CliError('--tier must be normal or vip', 2)
        const dailyCap = opts.dailyCap === undefined ? null : Number(opts.dailyCap)
        if (dailyCap !== null && (!Number.isSafeInteger(dailyCap) || dailyCap < 1))
          throw new CliError('--daily-cap must be a whole number ≥ 1', 2)
        const { invoke } = await connectToHub(dataDir)
        const t = await invoke('tag-create', {
          videoIds,
          strategy: opts.strategy as Strategy | undefined,
          label: opts.label ?? '',
          tier: opts.tier,
          dailyCap,
        })
        emit(json ?? false, jsonOf(t), () => `tag ${t.code}${t.label ? ` (${t.label})` : ''}: ${t.url}`)
      },
    )

  tag
    .command('list')
    .description('list tags')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const { invoke } = await connectToHub(dataDir)
      const tags = await invoke('tag-list', {})
      emit(json ?? false, tags.map(jsonOf), () =>
        table(
          ['ID', 'CODE', 'LABEL', 'TIER', 'STATE', 'VIDEOS', 'TAPS TODAY', 'URL'],
          tags.map((t) => [
            t.id,
            t.code,
            t.label,
            t.tier,
            t.enabled ? 'on' : 'off',
            t.videos.map((v) => v.id).join(','),
            t.tapsToday,
            t.url + (t.baseUrlReachable ? '' : '  (address no longer this hub!)'),
          ]),
        ),
      )
    })
}

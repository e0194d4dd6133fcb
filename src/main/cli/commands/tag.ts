import type { Command } from 'commander'
import { StrategySchema, TierSchema, type Tag } from '../../../shared/contract/tags'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { emit, table } from '../output'

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
      `how a pool is used: ${StrategySchema.options.join(', ')} (default: fixed, or rotate with a pool)`,
    )
    .option('--label <text>', 'where it is placed, e.g. 收银台')
    .option('--tier <tier>', TierSchema.options.join(' or '), 'normal')
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
        const strategy =
          opts.strategy === undefined ? undefined : StrategySchema.safeParse(opts.strategy).data
        if (opts.strategy !== undefined && !strategy)
          throw new CliError(`--strategy must be one of ${StrategySchema.options.join(', ')}`, 2)
        const tier = TierSchema.safeParse(opts.tier).data
        if (!tier) throw new CliError(`--tier must be ${TierSchema.options.join(' or ')}`, 2)
        const dailyCap = opts.dailyCap === undefined ? null : Number(opts.dailyCap)
        if (dailyCap !== null && (!Number.isSafeInteger(dailyCap) || dailyCap < 1))
          throw new CliError('--daily-cap must be a whole number ≥ 1', 2)
        const { invoke } = await connectToHub(dataDir)
        const t = await invoke('tag-create', {
          videoIds,
          strategy,
          label: opts.label ?? '',
          tier,
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

  tag
    .command('write')
    .description(
      'program the next tag placed on the NFC reader (or the one lying on it), verify it and record it',
    )
    .option('--video <id>', 'the video the new tag delivers (the first of the pool with --pool)')
    .option('--pool <ids>', 'more videos, comma-separated')
    .option('--tag <id>', 'write an existing tag record instead of creating one')
    .option('--label <text>', 'where it is placed, e.g. 收银台')
    .option('--tier <tier>', TierSchema.options.join(' or '), 'normal')
    .option('--reader <name>', 'which reader (default: any)')
    .option('--timeout <s>', 'how long to wait for a tag, in seconds', '30')
    .option('--overwrite', 'overwrite a tag that holds other content or another tag of this hub')
    .option(
      '--password <hex>',
      'protect the tag against rewriting with this 8-hex-digit password (not stored)',
    )
    .option('--current-password <hex>', 'the password of a tag that is protected already')
    .option('--lock <confirm>', `make the tag read-only forever; pass the word LOCK to confirm`)
    .action(
      async (
        opts: {
          video?: string
          pool?: string
          tag?: string
          label?: string
          tier: string
          reader?: string
          timeout: string
          overwrite?: boolean
          password?: string
          currentPassword?: string
          lock?: string
        },
        cmd: Command,
      ) => {
        const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
        if (Boolean(opts.video) === Boolean(opts.tag))
          throw new CliError('give --video (a new tag) or --tag (an existing one)', 2)
        const tier = TierSchema.safeParse(opts.tier).data
        if (!tier) throw new CliError(`--tier must be ${TierSchema.options.join(' or ')}`, 2)
        if (opts.lock !== undefined && opts.lock !== 'LOCK')
          throw new CliError('--lock makes the tag read-only forever: confirm with --lock LOCK', 2)
        const timeoutSeconds = seconds(opts.timeout)
        const { invoke } = await connectToHub(dataDir)
        if (!json) process.stderr.write(`place a tag on the reader (waiting up to ${timeoutSeconds} s)…\n`)
        const r = await invoke('nfc-write', {
          ...(opts.tag
            ? { tagId: ids(opts.tag, '--tag')[0]! }
            : {
                target: {
                  videoIds: [...ids(opts.video!, '--video'), ...(opts.pool ? ids(opts.pool, '--pool') : [])],
                  tier,
                },
              }),
          label: opts.label ?? '',
          reader: opts.reader,
          timeoutSeconds,
          overwrite: opts.overwrite ?? false,
          password: opts.password,
          currentPassword: opts.currentPassword,
          lock: opts.lock === 'LOCK',
          confirmLock: opts.lock,
        })
        emit(
          json ?? false,
          {
            code: r.tag.code,
            url: r.url,
            uid: r.uid,
            chip: r.chip,
            reader: r.reader,
            tagId: r.tag.id,
            label: r.tag.label,
          },
          () =>
            `programmed ${r.chip} ${r.uid ?? ''} as tag ${r.tag.code}${r.tag.label ? ` (${r.tag.label})` : ''}: ${r.url}`,
        )
      },
    )

  tag
    .command('read')
    .description(
      'read the tag on the NFC reader (or the next one placed): its URL, UID, chip and matching record',
    )
    .option('--reader <name>', 'which reader (default: any)')
    .option('--timeout <s>', 'how long to wait for a tag, in seconds', '30')
    .action(async (opts: { reader?: string; timeout: string }, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const timeoutSeconds = seconds(opts.timeout)
      const { invoke } = await connectToHub(dataDir)
      if (!json) process.stderr.write(`place a tag on the reader (waiting up to ${timeoutSeconds} s)…\n`)
      const r = await invoke('nfc-read', { reader: opts.reader, timeoutSeconds })
      emit(
        json ?? false,
        {
          url: r.url,
          uid: r.uid,
          chip: r.chip,
          reader: r.reader,
          kind: r.kind,
          content: r.content,
          readOnly: r.readOnly,
          passwordProtected: r.passwordProtected,
          tag: r.tag ? jsonOf(r.tag) : null,
        },
        () =>
          [
            `${r.chip} ${r.uid ?? ''} on ${r.reader}`,
            `holds: ${r.content}`,
            r.tag
              ? `tag ${r.tag.code}${r.tag.label ? ` (${r.tag.label})` : ''}: ${r.tag.videos.map((v) => v.title).join(', ')}`
              : `record: none (${r.kind})`,
            ...(r.readOnly ? ['read-only (locked)'] : []),
            ...(r.passwordProtected ? ['password-protected'] : []),
          ].join('\n'),
      )
    })
}

function seconds(text: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || n > 290)
    throw new CliError('--timeout must be whole seconds from 1 to 290', 2)
  return n
}

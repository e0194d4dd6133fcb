import type { Command } from 'commander'
import { StrategySchema, TierSchema, type Strategy, type Tag, type Tier } from '../../../shared/contract/tags'
import { CaptionStrategySchema, PlatformSchema } from '../../../shared/contract/publish'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { emit, table } from '../output'
import { captionStrategy, oneId, platformList, storeActionList } from '../publish-options'
import { StoreActionSchema } from '../../../shared/contract/store-actions'

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
    platforms: t.platforms,
    captionStrategy: t.captionStrategy,
    captionCount: t.captionCount,
    storeActions: t.storeActions,
    templateId: t.templateId,
  }
}

const PLATFORMS_HELP = `publish buttons in this order: ${PlatformSchema.options.join(',')} (or none)`
const CAPTION_STRATEGY_HELP = `how a tap draws its caption: ${CaptionStrategySchema.options.join(', ')}`
const STORE_ACTIONS_HELP = `store actions beside the video, in this order: ${StoreActionSchema.options.join(',')} (or none)`

function strategyOf(text: string | undefined): Strategy | undefined {
  if (text === undefined) return undefined
  const s = StrategySchema.safeParse(text).data
  if (!s) throw new CliError(`--strategy must be one of ${StrategySchema.options.join(', ')}`, 2)
  return s
}

function tierOf(text: string | undefined): Tier | undefined {
  if (text === undefined) return undefined
  const t = TierSchema.safeParse(text).data
  if (!t) throw new CliError(`--tier must be ${TierSchema.options.join(' or ')}`, 2)
  return t
}

/** `--daily-cap 200`; `none` lifts it (update only). */
function dailyCapOf(text: string | undefined, allowNone: boolean): number | null | undefined {
  if (text === undefined) return undefined
  if (allowNone && text === 'none') return null
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw new CliError(`--daily-cap must be a whole number ≥ 1${allowNone ? ' (or none)' : ''}`, 2)
  return n
}

export function registerTag(program: Command): void {
  const tag = program.command('tag').description('NFC tags and what they deliver')

  tag
    .command('create')
    .description('create a tag (its code and URL; programming the NFC chip is separate)')
    .option('--video <id>', 'the video it delivers (the first of the pool with --pool)')
    .option('--pool <ids>', 'more videos, comma-separated: the tag delivers one of them per tap')
    .option(
      '--template <id>',
      'a remix tag: each tap gets an unused variant of this template (tapdrop template create)',
    )
    .option(
      '--strategy <s>',
      `how a pool is used: ${StrategySchema.options.join(', ')} (default: fixed, or rotate with a pool)`,
    )
    .option('--label <text>', 'where it is placed, e.g. 收银台')
    .option('--tier <tier>', TierSchema.options.join(' or '), 'normal')
    .option('--daily-cap <n>', 'at most this many deliveries a day from this tag')
    .option('--platforms <list>', PLATFORMS_HELP)
    .option('--caption-strategy <s>', `${CAPTION_STRATEGY_HELP} (default: rotate)`)
    .option('--store-actions <list>', `${STORE_ACTIONS_HELP} (default: none)`)
    .action(
      async (
        opts: {
          video?: string
          pool?: string
          template?: string
          strategy?: string
          label?: string
          tier: string
          dailyCap?: string
          platforms?: string
          captionStrategy?: string
          storeActions?: string
        },
        cmd: Command,
      ) => {
        const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
        if (opts.video === undefined && opts.template === undefined)
          throw new CliError('give --video ID (with --pool for more) or --template ID', 2)
        if (opts.pool !== undefined && opts.video === undefined)
          throw new CliError('--pool needs --video (the first video of the pool)', 2)
        const videoIds =
          opts.video === undefined
            ? undefined
            : [...ids(opts.video, '--video'), ...(opts.pool ? ids(opts.pool, '--pool') : [])]
        const templateId = opts.template === undefined ? undefined : oneId(opts.template, '--template')
        const strategy = strategyOf(opts.strategy)
        const tier = tierOf(opts.tier)!
        const dailyCap = dailyCapOf(opts.dailyCap, false) ?? null
        const platforms = opts.platforms === undefined ? undefined : platformList(opts.platforms)
        const captions =
          opts.captionStrategy === undefined ? undefined : captionStrategy(opts.captionStrategy)
        const { invoke } = await connectToHub(dataDir)
        const t = await invoke('tag-create', {
          videoIds,
          templateId,
          strategy,
          label: opts.label ?? '',
          tier,
          dailyCap,
          platforms,
          captionStrategy: captions,
          storeActions: opts.storeActions === undefined ? undefined : storeActionList(opts.storeActions),
        })
        // The id first: `tag update`, `caption add --tag` and `coupon … --tag` take it, not the code.
        emit(
          json ?? false,
          jsonOf(t),
          () => `tag ${t.id} · ${t.code}${t.label ? ` (${t.label})` : ''}: ${t.url}`,
        )
      },
    )

  tag
    .command('update')
    .description('change a tag: what it delivers and how, its placement, its publish settings')
    .argument('<id>', 'the tag')
    .option('--video <id>', 'deliver this video (the first of the pool with --pool)')
    .option('--pool <ids>', 'more videos, comma-separated (with --video)')
    .option('--template <id>', 'deliver variants of this remix template (none: its videos again)')
    .option('--strategy <s>', `how a pool is used: ${StrategySchema.options.join(', ')}`)
    .option('--label <text>', 'where it is placed, e.g. 收银台')
    .option('--tier <tier>', TierSchema.options.join(' or '))
    .option('--daily-cap <n>', 'at most this many deliveries a day (none: no cap)')
    .option('--enable', 'turn the tag on')
    .option('--disable', 'turn the tag off (phones are told it is off)')
    .option('--platforms <list>', PLATFORMS_HELP)
    .option('--caption-strategy <s>', CAPTION_STRATEGY_HELP)
    .option('--store-actions <list>', STORE_ACTIONS_HELP)
    .action(
      async (
        id: string,
        opts: {
          video?: string
          pool?: string
          strategy?: string
          label?: string
          tier?: string
          dailyCap?: string
          enable?: boolean
          disable?: boolean
          platforms?: string
          captionStrategy?: string
          storeActions?: string
          template?: string
        },
        cmd: Command,
      ) => {
        const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
        const tagId = oneId(id, 'the tag id')
        if (opts.enable && opts.disable) throw new CliError('give --enable or --disable, not both', 2)
        if (opts.pool !== undefined && opts.video === undefined)
          throw new CliError('--pool needs --video (the first video of the pool)', 2)
        const change = {
          ...(opts.video !== undefined
            ? { videoIds: [...ids(opts.video, '--video'), ...(opts.pool ? ids(opts.pool, '--pool') : [])] }
            : {}),
          strategy: strategyOf(opts.strategy),
          label: opts.label,
          tier: tierOf(opts.tier),
          dailyCap: dailyCapOf(opts.dailyCap, true),
          enabled: opts.enable ? true : opts.disable ? false : undefined,
          platforms: opts.platforms === undefined ? undefined : platformList(opts.platforms),
          captionStrategy:
            opts.captionStrategy === undefined ? undefined : captionStrategy(opts.captionStrategy),
          storeActions: opts.storeActions === undefined ? undefined : storeActionList(opts.storeActions),
          templateId:
            opts.template === undefined
              ? undefined
              : opts.template === 'none'
                ? null
                : oneId(opts.template, '--template'),
        }
        if (Object.values(change).every((v) => v === undefined))
          throw new CliError('nothing to change: give at least one option (see tapdrop tag update --help)', 2)
        const { invoke } = await connectToHub(dataDir)
        const t = await invoke('tag-update', { id: tagId, ...change })
        emit(
          json ?? false,
          jsonOf(t),
          () => `tag ${t.id} · ${t.code}${t.label ? ` (${t.label})` : ''} changed`,
        )
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
        const tier = tierOf(opts.tier)!
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

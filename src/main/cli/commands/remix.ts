import { resolve } from 'node:path'
import type { Command } from 'commander'
import { ClipAudioSchema, type PoolStatus, type Template } from '../../../shared/contract/remix'
import { dataPaths, defaultDataDir } from '../../core/paths'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { emit, table } from '../output'
import { oneId } from '../publish-options'

type Globals = { dataDir?: string; json?: boolean }

function idList(text: string, flag: string): number[] {
  const out = text.split(',').map((s) => s.trim())
  if (out.length === 0 || out.some((s) => !/^\d+$/.test(s) || Number(s) <= 0))
    throw new CliError(`${flag} must be video ids like 3,4,5`, 2)
  return out.map(Number)
}

function numberOf(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isFinite(n) || n < min || n > max)
    throw new CliError(`${flag} must be a number from ${min} to ${max}`, 2)
  return n
}

function templateJson(t: Template) {
  return {
    id: t.id,
    name: t.name,
    videoIds: t.clips.map((c) => c.videoId),
    clips: t.rules.clips,
    seconds: t.rules.seconds,
    musicId: t.rules.musicId,
    clipAudio: t.rules.clipAudio,
    lines: t.rules.lines,
    endCardSeconds: t.rules.endCardSeconds,
    baseVideoId: t.baseVideoId,
    tagIds: t.tagIds,
  }
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`

function poolLine(p: PoolStatus): string {
  const bar = (n: number, of: number) => '█'.repeat(Math.min(20, Math.round((n / Math.max(1, of)) * 20)))
  return [
    `tag ${p.tagId} (template ${p.templateId}): ${p.ready} ready, ${p.rendering} rendering, ${p.used} used (${p.usedToday} today), target ${p.target}`,
    `  ready ${bar(p.ready, p.target).padEnd(20, '·')}${p.progress !== null ? `  rendering ${Math.round(p.progress * 100)}%` : ''}`,
    `  ${mb(p.diskBytes)} on disk${p.failed ? `, ${p.failed} failed` : ''}${p.dry ? '  — DRY: taps get a reused variant or the base video' : ''}`,
  ].join('\n')
}

/** `tapdrop template …`, `tapdrop music …`, `tapdrop pool status`: 一碰一个新视频 (issue 19). */
export function registerRemix(program: Command): void {
  const template = program
    .command('template')
    .description('remix templates (混剪模板): a new video for every tap')

  template
    .command('create')
    .description('create a template from library videos (each tap of a remix tag gets a different variant)')
    .requiredOption('--videos <ids>', 'the clips: video ids, comma-separated (whole videos)')
    .option('--clips <n>', 'clips in each variant (default: up to 4)')
    .option('--seconds <s>', 'length of a variant before the end card (default 15)')
    .option('--music <id>', 'background music (tapdrop music add)')
    .option(
      '--clip-audio <mode>',
      `the clips' own sound under the music: ${ClipAudioSchema.options.join(', ')}`,
    )
    .option('--first <id>', 'this video is always the first clip (e.g. the store front)')
    .option('--last <id>', 'this video is always the last clip')
    .option('--lines <text>', 'overlay lines, separated by |  (default: the tag’s captions)')
    .option('--end-card <s>', 'seconds of the brand end card (0 = none; default 1.5)')
    .option('--name <text>', 'a name for the template')
    .action(
      async (
        opts: {
          videos: string
          clips?: string
          seconds?: string
          music?: string
          clipAudio?: string
          first?: string
          last?: string
          lines?: string
          endCard?: string
          name?: string
        },
        cmd: Command,
      ) => {
        const { dataDir, json } = cmd.optsWithGlobals<Globals>()
        const videos = idList(opts.videos, '--videos')
        const first = opts.first === undefined ? undefined : oneId(opts.first, '--first')
        const last = opts.last === undefined ? undefined : oneId(opts.last, '--last')
        for (const [flag, id] of [
          ['--first', first],
          ['--last', last],
        ] as const)
          if (id !== undefined && !videos.includes(id))
            throw new CliError(`${flag} ${id} is not one of --videos`, 2)
        const clips = numberOf(opts.clips, '--clips', 1, 20)
        if (clips !== undefined && !Number.isInteger(clips))
          throw new CliError('--clips must be a whole number', 2)
        const clipAudio =
          opts.clipAudio === undefined ? undefined : ClipAudioSchema.safeParse(opts.clipAudio).data
        if (opts.clipAudio !== undefined && !clipAudio)
          throw new CliError(`--clip-audio must be one of ${ClipAudioSchema.options.join(', ')}`, 2)
        const { invoke } = await connectToHub(dataDir)
        const t = await invoke('template-create', {
          name: opts.name ?? '',
          clips: videos.map((videoId) => ({
            videoId,
            pin: videoId === first ? ('first' as const) : videoId === last ? ('last' as const) : null,
          })),
          rules: {
            clips,
            seconds: numberOf(opts.seconds, '--seconds', 2, 120),
            musicId: opts.music === undefined ? undefined : oneId(opts.music, '--music'),
            clipAudio,
            lines: opts.lines
              ?.split('|')
              .map((l) => l.trim())
              .filter(Boolean),
            endCardSeconds: numberOf(opts.endCard, '--end-card', 0, 5),
          },
        })
        emit(
          json ?? false,
          templateJson(t),
          () =>
            `template ${t.id} (${t.name}): ${t.rules.clips} of ${t.clips.length} clips, ${t.rules.seconds} s`,
        )
      },
    )

  template
    .command('list')
    .description('remix templates')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<Globals>()
      const { invoke } = await connectToHub(dataDir)
      const list = await invoke('template-list', {})
      emit(json ?? false, list.map(templateJson), () =>
        table(
          ['ID', 'NAME', 'CLIPS', 'SECONDS', 'MUSIC', 'TAGS'],
          list.map((t) => [
            t.id,
            t.name,
            // How many clips a variant takes, then the videos they are cut from ("3 of 4,3,2,1" read as a list).
            `${t.rules.clips} per variant, from videos ${t.clips.map((c) => c.videoId).join(',')}`,
            t.rules.seconds,
            t.rules.musicId ?? '',
            t.tagIds.join(','),
          ]),
        ),
      )
    })

  template
    .command('preview')
    .description('render one variant now (not for a pool); the same --seed renders the same variant')
    .argument('<id>', 'the template')
    .option('--seed <n>', 'the seed (0–4294967295; default: a new one)')
    .action(async (id: string, opts: { seed?: string }, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<Globals>()
      const seed = numberOf(opts.seed, '--seed', 0, 0xffffffff)
      if (seed !== undefined && !Number.isInteger(seed))
        throw new CliError('--seed must be a whole number', 2)
      const { invoke } = await connectToHub(dataDir)
      const p = await invoke('template-preview', { id: oneId(id, 'the template id'), seed })
      const file = resolve(dataPaths(dataDir ?? defaultDataDir()).root, p.path)
      emit(
        json ?? false,
        { ...p, file },
        () => `seed ${p.seed}: ${file} (${(p.durationMs / 1000).toFixed(1)} s, ${mb(p.sizeBytes)})`,
      )
    })

  const music = program.command('music').description('background music for remix templates')
  music
    .command('add')
    .description(
      'import an audio file from this PC: checked by probing, silence refused, loudness normalised once',
    )
    .argument('<file>')
    .option('--title <text>')
    .action(async (file: string, opts: { title?: string }, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<Globals>()
      const { invoke } = await connectToHub(dataDir)
      const m = await invoke('music-import', { path: resolve(file), title: opts.title })
      emit(
        json ?? false,
        m,
        () => `music ${m.id} (${m.title}): ${(m.durationMs / 1000).toFixed(1)} s, was ${m.sourceLufs} LUFS`,
      )
    })
  music
    .command('list')
    .description('the music library')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<Globals>()
      const { invoke } = await connectToHub(dataDir)
      const list = await invoke('music-list', {})
      emit(json ?? false, list, () =>
        table(
          ['ID', 'TITLE', 'SECONDS', 'LUFS (before)'],
          list.map((m) => [m.id, m.title, (m.durationMs / 1000).toFixed(1), m.sourceLufs]),
        ),
      )
    })

  program
    .command('pool')
    .description('remix variant pools')
    .command('status')
    .description('ready / rendering / used variants per remix tag')
    .option('--tag <id>', 'one tag (--json then prints one object)')
    .action(async (opts: { tag?: string }, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<Globals>()
      const tagId = opts.tag === undefined ? undefined : oneId(opts.tag, '--tag')
      const { invoke } = await connectToHub(dataDir)
      const list = await invoke('pool-status', { tagId })
      emit(json ?? false, tagId === undefined ? list : list[0], () =>
        list.length ? list.map(poolLine).join('\n') : 'no remix tags (tapdrop tag create --template ID)',
      )
    })
}

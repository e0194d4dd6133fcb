import type { Command } from 'commander'
import { CaptionCreateSchema, type Caption } from '../../../shared/contract/captions'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { emit, table } from '../output'
import { oneId } from '../publish-options'

// The flag each part of a caption comes from, for messages.
const FLAG: Record<string, string> = {
  text: '--text',
  hashtags: '--hashtags',
  mentions: '--mention',
  poi: '--poi',
  videoId: '--video',
}

const words = (text: string) => text.split(/[,，]/)
const collect = (value: string, previous: string[]) => [...previous, ...words(value)]

function owner(opts: { video?: string; tag?: string }): { videoId?: number; tagId?: number } {
  return {
    ...(opts.video !== undefined ? { videoId: oneId(opts.video, '--video') } : {}),
    ...(opts.tag !== undefined ? { tagId: oneId(opts.tag, '--tag') } : {}),
  }
}

const short = (s: string, n: number) => {
  const one = s.replace(/\n/g, ' ')
  return [...one].length > n ? [...one].slice(0, n - 1).join('') + '…' : one
}

export function registerCaption(program: Command): void {
  const caption = program
    .command('caption')
    .description('the caption library: what customers post with the video (文案)')

  caption
    .command('add')
    .description('add a caption to a video or a tag (both: the tag’s caption for that video)')
    .option('--video <id>', 'the video it is for')
    .option('--tag <id>', 'the tag it is for')
    .requiredOption('--text <text>', 'the words; {门店} {日期} {标签位置} are filled in per tap')
    .option('--hashtags <list>', 'hashtags, comma-separated, without #', '')
    .option('--mention <name>', '@ a name (repeat, or comma-separated)', collect, [] as string[])
    .option('--poi <name>', 'the location to tag in the app')
    .action(
      async (
        opts: {
          video?: string
          tag?: string
          text: string
          hashtags: string
          mention: string[]
          poi?: string
        },
        cmd: Command,
      ) => {
        const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
        if (opts.video === undefined && opts.tag === undefined)
          throw new CliError('give --video ID or --tag ID (the caption is for it)', 2)
        // The hub checks the same way; checking here makes bad input a usage error, said before connecting.
        const parsed = CaptionCreateSchema.safeParse({
          ...owner(opts),
          text: opts.text,
          hashtags: words(opts.hashtags),
          mentions: opts.mention,
          poi: opts.poi ?? null,
        })
        if (!parsed.success)
          throw new CliError(
            parsed.error.issues
              .map((i) => `${FLAG[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`)
              .join('; '),
            2,
          )
        const { invoke } = await connectToHub(dataDir)
        const c = await invoke('caption-create', parsed.data)
        emit(json ?? false, c, () => `caption ${c.id}: ${short(c.text, 60)}`)
      },
    )

  caption
    .command('list')
    .description('captions of a video or a tag (all without either)')
    .option('--video <id>', 'the video’s own captions')
    .option('--tag <id>', 'the tag’s own captions')
    .action(async (opts: { video?: string; tag?: string }, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const filter = owner(opts)
      const { invoke } = await connectToHub(dataDir)
      const list = await invoke('caption-list', filter)
      emit(json ?? false, list, () =>
        table(
          ['ID', 'FOR', 'TEXT', 'HASHTAGS', 'USES'],
          list.map((c: Caption) => [
            c.id,
            [c.tagId !== null ? `tag ${c.tagId}` : '', c.videoId !== null ? `video ${c.videoId}` : '']
              .filter(Boolean)
              .join(', '),
            short(c.text, 40),
            c.hashtags.map((h) => `#${h}`).join(' '),
            c.uses,
          ]),
        ),
      )
    })

  caption
    .command('delete')
    .description('delete a caption')
    .argument('<id>', 'the caption')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const captionId = oneId(id, 'the caption id')
      const { invoke } = await connectToHub(dataDir)
      await invoke('caption-delete', { id: captionId })
      emit(json ?? false, { id: captionId, deleted: true }, () => `caption ${captionId} deleted`)
    })
}

import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { Invoke } from '../../../shared/api-client'
import type { ImportResult, Video } from '../../../shared/contract/videos'
import { REFUSAL_TEXT } from '../../../shared/video-refusals'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { emit, table } from '../output'

/** The shape `--json` prints per video: what scripts need, renditions with paths relative to the data dir. */
function jsonOf(v: Video) {
  return {
    id: v.id,
    title: v.title,
    status: v.status,
    error: v.error,
    durationMs: v.durationMs,
    width: v.width,
    height: v.height,
    sizeBytes: v.sizeBytes,
    sha256: v.sha256,
    renditions: v.renditions.map((r) => ({
      label: r.label,
      width: r.width,
      height: r.height,
      path: r.path,
      sizeBytes: r.sizeBytes,
    })),
  }
}

function jsonOfResult(r: ImportResult) {
  if (r.video) return { ...jsonOf(r.video), file: r.originalName, duplicate: r.duplicate }
  return {
    id: null,
    file: r.originalName,
    status: r.status,
    error: r.error,
    reason: r.reason,
    renditions: [],
  }
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

async function waitUntilSettled(invoke: Invoke, id: number, timeoutMs: number): Promise<Video> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await invoke('video-get', { id })
    if (v.status === 'ready' || (v.status === 'failed' && v.job?.status !== 'queued')) return v
    if (Date.now() > until)
      throw new CliError(`video ${id} is still ${v.status} after ${Math.round(timeoutMs / 1000)} s`)
    await new Promise((r) => setTimeout(r, 400))
  }
}

export function registerVideo(program: Command): void {
  const video = program.command('video').description('the video library')

  video
    .command('add <files...>')
    .description('import video files from this PC (checked, stored, transcoded into the phone ladder)')
    .option('--title <text>', 'title (default: the file name)')
    .option('--wait', 'wait until each video is ready or has failed')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '3600')
    .action(
      async (files: string[], opts: { title?: string; wait?: boolean; timeout: string }, cmd: Command) => {
        const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
        const timeout = Number(opts.timeout)
        if (!Number.isFinite(timeout) || timeout <= 0)
          throw new CliError('--timeout must be a positive number of seconds', 2)
        const { invoke } = await connectToHub(dataDir)
        const results: ImportResult[] = []
        for (const file of files)
          results.push(await invoke('video-import', { path: resolve(file), title: opts.title }))
        const out: Array<ReturnType<typeof jsonOfResult>> = []
        let failed = 0
        for (const r of results) {
          let row = jsonOfResult(r)
          if (opts.wait && r.id !== null) {
            const v = await waitUntilSettled(invoke, r.id, timeout * 1000)
            row = { ...jsonOf(v), file: r.originalName, duplicate: r.duplicate }
          }
          if (row.status === 'refused' || row.status === 'failed') {
            failed++
            const why = r.reason
              ? `${REFUSAL_TEXT[r.reason].en} / ${REFUSAL_TEXT[r.reason]['zh-CN']}`
              : row.error
            process.stderr.write(`tapdrop: ${r.originalName}: ${row.status}: ${why}\n`)
          }
          out.push(row)
        }
        emit(json ?? false, out.length === 1 ? out[0] : out, () =>
          table(
            ['ID', 'FILE', 'STATUS', 'RENDITIONS'],
            out.map((o) => [
              o.id ?? '—',
              o.file,
              o.status + ('duplicate' in o && o.duplicate ? ' (already in the library)' : ''),
              o.renditions.map((x) => x.label).join(' '),
            ]),
          ),
        )
        if (failed) process.exitCode = 1
      },
    )

  video
    .command('list')
    .description('list videos')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const { invoke } = await connectToHub(dataDir)
      const videos = await invoke('video-list', {})
      emit(json ?? false, videos.map(jsonOf), () =>
        table(
          ['ID', 'TITLE', 'STATUS', 'LENGTH', 'SIZE', 'SOURCE', 'RENDITIONS'],
          videos.map((v) => [
            v.id,
            v.title,
            v.status,
            secs(v.durationMs),
            mb(v.sizeBytes),
            `${v.width}×${v.height} ${v.videoCodec}`,
            v.renditions.map((r) => r.label).join(' '),
          ]),
        ),
      )
    })

  video
    .command('show <id>')
    .description('one video with its renditions')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const n = Number(id)
      if (!Number.isSafeInteger(n) || n <= 0)
        throw new CliError('the video id must be a positive whole number', 2)
      const { invoke } = await connectToHub(dataDir)
      const v = await invoke('video-get', { id: n })
      emit(json ?? false, jsonOf(v), () =>
        [
          `#${v.id} ${v.title} — ${v.status}${v.error ? ` (${v.error.split('\n')[0]})` : ''}`,
          `  source: ${v.originalName}, ${mb(v.sizeBytes)}, ${secs(v.durationMs)}, ${v.width}×${v.height}, ${v.videoCodec}${v.audioCodec ? ` + ${v.audioCodec}` : ', no audio'}`,
          ...v.renditions.map(
            (r) => `  ${r.label.padEnd(6)} ${r.width}×${r.height}  ${mb(r.sizeBytes)}  ${r.path}`,
          ),
        ].join('\n'),
      )
    })
}

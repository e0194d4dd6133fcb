import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fsyncFile, syncDir } from '../fsutil/atomic'
import { newCommand, runCommand, type FfmpegProgress } from '../media/ffmpeg'
import type { FfmpegInvocation } from '../media/ladder-command'
import { FFMPEG_PID_FILE } from '../media/orphans'
import { probeFile } from '../media/probe'
import { variantInvocation, type VariantSources } from './graph'
import type { VariantPlan } from './plan'

export interface RenderRequest {
  plan: VariantPlan
  /** Everything but the text files, which are written into the work folder here. */
  sources: Omit<VariantSources, 'textFile' | 'endCard'> & {
    endCard: { seconds: number; background: string; logo: string | null; name: string | null } | null
  }
  output: { path: string; label: string; width: number; height: number }
  /** A folder of its own (removed afterwards); beside `output.path`, so the final rename stays on one disk. */
  workDir: string
  ffmpeg: string
  ffprobe: string
  niceness: number
  stallMs: number
  signal?: AbortSignal
  onProgress?: (p: FfmpegProgress) => void
}

/** Builds the ffmpeg invocation as fluent-ffmpeg's command (options as separate arguments, as the ladder does). */
function commandOf(ffmpegPath: string, inv: FfmpegInvocation) {
  const command = newCommand(ffmpegPath)
  inv.inputs.forEach((input, i) => {
    command.input(input.path)
    const options = i === 0 ? [...inv.global, ...input.options] : input.options
    if (options.length) command.inputOptions(...options)
  })
  command.complexFilter(inv.filterComplex)
  for (const out of inv.outputs) command.output(out.path).outputOptions(...out.options)
  return command
}

/**
 * Renders one variant: ffmpeg writes into the work folder at low CPU priority; the result is probed (a video and
 * an audio stream, about the planned length) and flushed, and only then renamed to `output.path`. Whatever stops
 * it half-way (a crash, a full disk, kill -9) leaves only the work folder, never a file a tap could be given.
 */
export async function renderVariant(r: RenderRequest): Promise<{ sizeBytes: number; durationMs: number }> {
  rmSync(r.workDir, { recursive: true, force: true })
  mkdirSync(r.workDir, { recursive: true })
  try {
    // Written without a trailing newline: drawtext would draw it as an empty second line.
    const textFile = r.plan.text ? join(r.workDir, 'text.txt') : null
    if (textFile && r.plan.text) writeFileSync(textFile, r.plan.text.line)
    const card = r.sources.endCard
    const nameFile = card?.name ? join(r.workDir, 'name.txt') : null
    if (nameFile && card?.name) writeFileSync(nameFile, card.name)
    const partial = join(r.workDir, 'variant.mp4')
    const inv = variantInvocation(
      r.plan,
      {
        ...r.sources,
        textFile,
        endCard: card
          ? { seconds: card.seconds, background: card.background, logo: card.logo, nameFile }
          : null,
      },
      { ...r.output, path: partial },
    )
    const totalSeconds = r.plan.bodyMs / 1000 + (card?.seconds ?? 0)
    await runCommand(commandOf(r.ffmpeg, inv), {
      durationSeconds: totalSeconds,
      signal: r.signal,
      onProgress: r.onProgress,
      stallMs: r.stallMs,
      pidFile: join(r.workDir, FFMPEG_PID_FILE),
      niceness: r.niceness,
    })
    const info = await probeFile(r.ffprobe, partial)
    const sizeBytes = statSync(partial).size
    if (!info.video || !info.audio || sizeBytes === 0)
      throw new Error('the rendered variant has no picture or no sound')
    if (info.durationMs < totalSeconds * 1000 * 0.9)
      throw new Error(
        `the rendered variant is ${info.durationMs} ms long, planned ${Math.round(totalSeconds * 1000)} ms`,
      )
    await fsyncFile(partial)
    mkdirSync(dirname(r.output.path), { recursive: true })
    renameSync(partial, r.output.path)
    syncDir(dirname(r.output.path))
    return { sizeBytes, durationMs: info.durationMs }
  } finally {
    rmSync(r.workDir, { recursive: true, force: true })
  }
}

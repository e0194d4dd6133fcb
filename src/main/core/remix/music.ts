import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { HubError, refusal } from '../errors'
import { newCommand, runCommand } from '../media/ffmpeg'
import { probeFile, ProbeError } from '../media/probe'
import { hubText, type HubText, type TextKey } from '../../../shared/contract/texts'

/** Loudness every track is brought to once at import (EBU R128, the level short-video apps play at). */
export const MUSIC_TARGET_LUFS = -16
/** Below this the upload is silence (ebur128 reports −70 LUFS for digital silence). */
const SILENT_LUFS = -60
const MAX_BYTES = 200 * 1048576

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject)
  })
}

/** Integrated loudness (LUFS) from ffmpeg's ebur128 summary; null when ffmpeg printed none. */
function measureLufs(ffmpeg: string, path: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    execFile(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-nostats',
        '-i',
        path,
        '-vn',
        '-af',
        'ebur128=framelog=verbose',
        '-f',
        'null',
        '-',
      ],
      { maxBuffer: 4 * 1048576, timeout: 300_000 },
      (err, _stdout, stderr) => {
        if (err)
          return reject(
            new Error(`ffmpeg could not read the audio: ${stderr.split('\n').slice(-3).join(' ')}`),
          )
        const all = [...stderr.matchAll(/I:\s+(-?[\d.]+|-inf) LUFS/g)]
        const last = all[all.length - 1]?.[1]
        resolve(last === undefined ? null : last === '-inf' ? -Infinity : Number(last))
      },
    )
  })
}

const refuse = (key: TextKey, values?: HubText['values']) => refusal('music-refused', hubText(key, values))

/**
 * Checks an audio file by probing (a sound stream with a duration, not its name), refuses silence, and writes it
 * loudness-normalised (AAC in MP4) to `<musicDir>/<sha256>.m4a` — once, so no variant spends time on it.
 */
export async function importMusic(o: {
  ffmpeg: string
  ffprobe: string
  source: string
  musicDir: string
}): Promise<{ file: string; sha256: string; durationMs: number; sourceLufs: number }> {
  let size: number
  try {
    size = statSync(o.source).size
  } catch {
    throw refuse('musicNoFile', { path: o.source })
  }
  if (size === 0) throw refuse('musicEmpty')
  if (size > MAX_BYTES) throw refuse('musicTooLarge')
  let durationMs: number
  try {
    const info = await probeFile(o.ffprobe, o.source)
    if (!info.audio) throw refuse('musicNoSound')
    durationMs = info.durationMs
  } catch (err) {
    if (err instanceof HubError) throw err
    if (err instanceof ProbeError) throw refuse('musicNotAudio', { why: err.message })
    throw err
  }
  if (!(durationMs >= 1000)) throw refuse('musicTooShort')
  const lufs = await measureLufs(o.ffmpeg, o.source)
  if (lufs === null || !(lufs > SILENT_LUFS))
    throw refuse('musicSilent', { lufs: lufs === null || !Number.isFinite(lufs) ? '−∞' : lufs })
  const sha256 = await sha256Of(o.source)
  mkdirSync(o.musicDir, { recursive: true })
  const file = join(o.musicDir, `${sha256.slice(0, 32)}.m4a`)
  const partial = `${file}.part`
  try {
    const cmd = newCommand(o.ffmpeg)
      .input(o.source)
      .inputOptions('-hide_banner', '-nostdin', '-y')
      .output(partial)
      .outputOptions(
        '-vn',
        '-af',
        `loudnorm=I=${MUSIC_TARGET_LUFS}:TP=-1.5:LRA=11,aresample=48000`,
        '-ac',
        '2',
        '-c:a',
        'aac',
        '-b:a',
        '160k',
        '-map_metadata',
        '-1',
        '-movflags',
        '+faststart',
        '-f',
        'mp4',
      )
    await runCommand(cmd, { durationSeconds: durationMs / 1000 })
    renameSync(partial, file)
  } finally {
    rmSync(partial, { force: true })
  }
  return { file, sha256, durationMs, sourceLufs: Math.round(lufs * 10) / 10 }
}

import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { setPriority } from 'node:os'
import ffmpeg, { type FfmpegCommand } from 'fluent-ffmpeg'

export interface FfmpegProgress {
  /** 0–1, from the output time against the known duration. */
  fraction: number
  /** Encoding speed as a multiple of real time (ffmpeg's `speed=`), when known. */
  speed: number | null
  etaSeconds: number | null
}

/** An ffmpeg run that failed: its exit code and the last lines it wrote, which say why. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderrTail: string,
    readonly cancelled: boolean,
    /** Killed for making no progress (see runCommand's `stallMs`). */
    readonly stalled = false,
  ) {
    super(message)
    this.name = 'FfmpegError'
  }
}

export function newCommand(ffmpegPath: string): FfmpegCommand {
  return ffmpeg({ stdoutLines: 0 }).setFfmpegPath(ffmpegPath)
}

/** "00:01:02.50" → 62.5 */
export function parseTimemark(mark: string | undefined): number | null {
  if (!mark) return null
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(mark.trim())
  if (!m) return null
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])
  return m[1] ? -s : s
}

/**
 * Runs a built command to the end. Progress is clamped to 0–1 and throttled by the caller; aborting the signal
 * kills the process at once (SIGKILL: a cancelled job must not keep a core busy). An ffmpeg that writes nothing
 * to stderr for `stallMs` (it reports twice a second while it works) is killed too and the run fails as stalled:
 * one hung on a damaged file or a disk that stopped answering would otherwise hold the transcode queue for good.
 */
export function runCommand(
  cmd: FfmpegCommand,
  options: {
    durationSeconds: number
    onProgress?: (p: FfmpegProgress) => void
    signal?: AbortSignal
    stallMs?: number
    /**
     * Where to write ffmpeg's pid while it runs (inside the folder it writes to): an ffmpeg outlives a hub killed
     * with kill -9, and the next start ends it from this file (see orphans.ts).
     */
    pidFile?: string
    /**
     * A niceness for the process (0–19; higher = lower priority), set as it starts: remix variants render in idle
     * time, after phones and uploads. Windows maps it to a priority class.
     */
    niceness?: number
  },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail: string[] = []
    let speed: number | null = null
    let cancelled = false
    let stalled = false
    let watchdog: NodeJS.Timeout | null = null
    const watch = () => {
      if (watchdog) clearTimeout(watchdog)
      if (options.stallMs)
        watchdog = setTimeout(() => {
          stalled = true
          cmd.kill('SIGKILL')
        }, options.stallMs)
    }
    const onAbort = () => {
      cancelled = true
      cmd.kill('SIGKILL')
    }
    if (options.signal?.aborted) {
      reject(new FfmpegError('cancelled before start', null, '', true))
      return
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    cmd.on('start', () => {
      watch()
      const pid = (cmd as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc?.pid
      try {
        if (options.pidFile && pid) writeFileSync(options.pidFile, `${pid}\n`)
      } catch {
        // A full disk, or the folder removed by a cancel already: ffmpeg fails on its own outputs then.
      }
      try {
        if (options.niceness && pid) setPriority(pid, options.niceness)
      } catch {
        // Gone already (it failed at once); its error comes through 'error'.
      }
    })
    cmd.on('stderr', (line: string) => {
      watch()
      tail.push(line)
      if (tail.length > 40) tail.shift()
      const m = /speed=\s*([\d.]+)x/.exec(line)
      if (m) speed = Number(m[1])
    })
    cmd.on('progress', (p: { timemark?: string }) => {
      const t = parseTimemark(p.timemark)
      if (t === null || !options.onProgress) return
      const fraction = options.durationSeconds > 0 ? Math.min(1, Math.max(0, t / options.durationSeconds)) : 0
      const eta = speed && speed > 0 ? Math.max(0, (options.durationSeconds - t) / speed) : null
      options.onProgress({ fraction, speed, etaSeconds: eta })
    })
    cmd.on('error', (err: Error) => {
      options.signal?.removeEventListener('abort', onAbort)
      if (watchdog) clearTimeout(watchdog)
      const code = /exited with code (\d+)/.exec(err.message)
      const stderrTail = tail.slice(-12).join('\n')
      const message = cancelled
        ? 'cancelled'
        : stalled
          ? `ffmpeg stopped making progress (nothing for ${Math.round(options.stallMs! / 1000)} s) and was stopped`
          : (err.message.split('\n')[0] ?? 'ffmpeg failed')
      reject(
        new FfmpegError(message, code ? Number(code[1]) : null, stderrTail || message, cancelled, stalled),
      )
    })
    cmd.on('end', () => {
      options.signal?.removeEventListener('abort', onAbort)
      if (watchdog) clearTimeout(watchdog)
      options.onProgress?.({ fraction: 1, speed, etaSeconds: 0 })
      resolve()
    })
    cmd.run()
  })
}

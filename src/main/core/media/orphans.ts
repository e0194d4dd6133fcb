import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, sep } from 'node:path'
import type { Logger } from 'pino'

/** The file runCommand writes into a transcode's work folder: ffmpeg's pid, while it runs. */
export const FFMPEG_PID_FILE = 'ffmpeg.pid'

/**
 * A process's command line, or null when it is gone (a zombie has an empty one). Linux reads /proc, macOS asks
 * `ps`. Windows needs neither: a child spawned without `detached` sits in libuv's kill-on-close job object and
 * dies with the hub, so there is no orphan to find.
 */
function commandLine(pid: number): string | null {
  try {
    if (process.platform === 'linux')
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || null
    if (process.platform === 'darwin')
      return (
        execFileSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim() || null
      )
  } catch {
    // No such process.
  }
  return null
}

/** A pid alone may belong to another program by now; one whose command line writes into `workDir` is ours. */
function writesInto(pid: number, workDir: string): boolean {
  return commandLine(pid)?.includes(workDir + sep) ?? false
}

/**
 * Still running: not gone, and not a zombie whose threads have all ended. A killed process drops its command line
 * before it has finished exiting (a niced ffmpeg on a busy machine took 300 ms here between the two), and its main
 * thread shows as a zombie while ffmpeg's other threads are still being torn down, so neither alone says it is gone.
 */
function running(pid: number): boolean {
  if (process.platform !== 'linux') return commandLine(pid) !== null
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const state = /^State:\s+([A-Z])/m.exec(status)?.[1]
    const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? '1')
    return !((state === 'Z' || state === 'X') && threads <= 1)
  } catch {
    return false
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/** How long start-up waits for a killed orphan to be gone: bounded, a store's hub must start whatever happens. */
const EXIT_WAIT_MS = 10_000

/**
 * At start, before the work folders of interrupted transcodes are removed: ends any ffmpeg a killed hub left
 * running into one of them. Left alone it would go on using the cores beside the job's new run, and its last
 * step (moving the index to the front of each MP4) reopens its outputs by name: the new run's files.
 * Returns how many were ended.
 */
export function endOrphanFfmpeg(videosDir: string, logger: Logger): number {
  let ended = 0
  for (const video of readdirSync(videosDir, { withFileTypes: true })) {
    if (!video.isDirectory()) continue
    for (const work of readdirSync(join(videosDir, video.name))) {
      if (!work.startsWith('.work-')) continue
      const workDir = join(videosDir, video.name, work)
      let pid: number
      try {
        pid = Number.parseInt(readFileSync(join(workDir, FFMPEG_PID_FILE), 'utf8'), 10)
      } catch {
        continue
      }
      if (!(pid > 0) || !writesInto(pid, workDir)) continue
      try {
        process.kill(pid, 'SIGKILL')
      } catch (err) {
        logger.warn({ pid, workDir, err }, 'could not end the ffmpeg of an interrupted transcode')
        continue
      }
      // Start-up waits (bounded) until it is gone, so nothing writes into the folder once it is removed and the
      // cores are free for the job's new run.
      const until = Date.now() + EXIT_WAIT_MS
      while (running(pid) && Date.now() < until) pause(10)
      if (running(pid))
        logger.warn({ pid, workDir }, 'the ffmpeg of an interrupted transcode is still exiting')
      else logger.info({ pid, workDir }, 'ended the ffmpeg an interrupted run left behind')
      ended++
    }
  }
  return ended
}

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FfmpegError, newCommand, runCommand, type FfmpegProgress } from '../../src/main/core/media/ffmpeg'
import { resolveMediaBinaries } from '../../src/main/core/media/binaries'
import { clip } from '../helpers/corpus'
import { tempDir } from '../helpers/tmp'

describe('the ffmpeg wrapper (fluent-ffmpeg, real ffmpeg)', () => {
  it('finds ffmpeg and a matching ffprobe and reports their versions', async () => {
    const b = await resolveMediaBinaries({ PATH: process.env.PATH })
    expect(b.ffmpeg?.version).toMatch(/^ffmpeg version /)
    expect(b.ffprobe?.version).toMatch(/^ffprobe version /)
    const viaEnv = await resolveMediaBinaries({
      PATH: '',
      FFMPEG_PATH: b.ffmpeg!.path,
      FFPROBE_PATH: b.ffprobe!.path,
    })
    expect(viaEnv.ffmpeg).toMatchObject({ source: 'env', path: b.ffmpeg!.path })
    const bogus = await resolveMediaBinaries({ PATH: '', FFMPEG_PATH: '/nonexistent/ffmpeg' })
    expect(bogus.ffmpeg?.source).not.toBe('env')
  })

  it('reports progress from 0 to 1 against the known duration', async () => {
    const d = tempDir()
    const src = clip('wrapper-progress.mp4', 6, '1280x720')
    const seen: FfmpegProgress[] = []
    const cmd = newCommand('ffmpeg')
      .input(src)
      .output(join(d.path, 'out.mp4'))
      .outputOptions('-c:v', 'libx264', '-preset', 'ultrafast', '-an')
    await runCommand(cmd, { durationSeconds: 6, onProgress: (p) => seen.push(p) })
    expect(seen.length).toBeGreaterThan(1)
    expect(seen.every((p) => p.fraction >= 0 && p.fraction <= 1)).toBe(true)
    expect(seen.at(-1)!.fraction).toBe(1)
    expect(seen.map((p) => p.fraction)).toEqual([...seen.map((p) => p.fraction)].sort((a, b) => a - b))
    d.cleanup()
  })

  it('cancel kills the process at once', async () => {
    const d = tempDir()
    const src = clip('wrapper-cancel.mp4', 20, '1280x720')
    const controller = new AbortController()
    const cmd = newCommand('ffmpeg')
      .input(src)
      .output(join(d.path, 'out.mp4'))
      .outputOptions('-c:v', 'libx264', '-preset', 'veryslow', '-an')
    let pid: number | undefined = undefined
    cmd.on('start', () => {
      pid = (cmd as unknown as { ffmpegProc?: { pid?: number } }).ffmpegProc?.pid
      setTimeout(() => controller.abort('cancel'), 300)
    })
    const started = Date.now()
    const err = await runCommand(cmd, { durationSeconds: 20, signal: controller.signal }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(FfmpegError)
    expect((err as FfmpegError).cancelled).toBe(true)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(pid).toBeTypeOf('number')
    expect(() => process.kill(pid!, 0)).toThrow()
    d.cleanup()
  })

  it('a failing run carries the exit code and the end of stderr', async () => {
    const src = clip('wrapper-fail.mp4', 1)
    const cmd = newCommand('ffmpeg')
      .input(src)
      .output('/nonexistent-dir/out.mp4')
      .outputOptions('-c:v', 'libx264')
    const err = (await runCommand(cmd, { durationSeconds: 1 }).catch((e: unknown) => e)) as FfmpegError
    expect(err).toBeInstanceOf(FfmpegError)
    expect(err.exitCode).toBeGreaterThan(0)
    expect(err.stderrTail).toMatch(/No such file or directory/)
    expect(existsSync('/nonexistent-dir')).toBe(false)
    expect(execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' })).toContain('ffmpeg version')
  })
})

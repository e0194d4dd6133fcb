import { execFile } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'

export type BinarySource = 'env' | 'ffmpeg-static' | 'packaged' | 'path'

export interface MediaBinary {
  path: string
  source: BinarySource
  version: string | null
}

export interface MediaBinaries {
  ffmpeg: MediaBinary | null
  ffprobe: MediaBinary | null
}

const nodeRequire = createRequire(__filename)

function executable(path: string | null | undefined): string | null {
  if (!path) return null
  // Inside a packaged Electron app the binaries sit next to the archive, not in it.
  const real = path.replace(
    `app.asar${process.platform === 'win32' ? '\\' : '/'}`,
    `app.asar.unpacked${process.platform === 'win32' ? '\\' : '/'}`,
  )
  try {
    if (!statSync(real).isFile()) return null
    accessSync(real, constants.X_OK)
    return real
  } catch {
    return null
  }
}

function fromPackage(name: string, pick: (mod: unknown) => unknown): string | null {
  try {
    const value = pick(nodeRequire(name))
    return typeof value === 'string' ? value : null
  } catch {
    return null
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const exe = process.platform === 'win32' ? `${name}.exe` : name
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const hit = dir && executable(join(dir, exe))
    if (hit) return hit
  }
  return null
}

function firstLine(path: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(path, ['-hide_banner', '-version'], { timeout: 10_000 }, (err, stdout) => {
      resolve(err ? null : (stdout.split('\n')[0]?.trim() ?? null))
    })
  })
}

/**
 * Finds ffmpeg and ffprobe at run time. ffmpeg: the FFMPEG_PATH override, ffmpeg-static when its binary was
 * downloaded, another packaged binary, then PATH. ffprobe: the FFPROBE_PATH override, then the ffprobe beside the
 * chosen ffmpeg (the same build, so both agree on every format), then a packaged one (@ffprobe-installer: ffmpeg-static
 * ships no ffprobe), then PATH. A candidate counts only if the file exists and is executable.
 *
 * Why the sibling comes before the packaged ffprobe: the @ffprobe-installer linux-x64 build (a 2023 snapshot)
 * crashes with a segmentation fault on MPEG-TS files, which Debian's ffprobe reads fine.
 */
export async function resolveMediaBinaries(env: NodeJS.ProcessEnv = process.env): Promise<MediaBinaries> {
  const pick = async (candidates: Array<[BinarySource, string | null]>): Promise<MediaBinary | null> => {
    for (const [source, path] of candidates) {
      const ok = executable(path)
      if (ok) return { path: ok, source, version: await firstLine(ok) }
    }
    return null
  }
  const ffmpeg = await pick([
    ['env', env.FFMPEG_PATH ?? null],
    ['ffmpeg-static', fromPackage('ffmpeg-static', (m) => m)],
    ['packaged', fromPackage('@ffmpeg-installer/ffmpeg', (m) => (m as { path?: string }).path)],
    ['path', onPath('ffmpeg', env)],
  ])
  const sibling = ffmpeg
    ? join(dirname(ffmpeg.path), process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe')
    : null
  const ffprobe = await pick([
    ['env', env.FFPROBE_PATH ?? null],
    [ffmpeg?.source ?? 'path', sibling],
    ['ffmpeg-static', fromPackage('ffprobe-static', (m) => (m as { path?: string }).path)],
    ['packaged', fromPackage('@ffprobe-installer/ffprobe', (m) => (m as { path?: string }).path)],
    ['path', onPath('ffprobe', env)],
  ])
  return { ffmpeg, ffprobe }
}

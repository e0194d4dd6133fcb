#!/usr/bin/env node
// Tries the downloads that npm's registry cannot serve (the Electron binary comes from GitHub). Where the
// network refuses, it says what that means and succeeds anyway: the headless hub and every test but the
// Electron-window ones work without it.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const electronDir = join(root, 'node_modules', 'electron')

if (!existsSync(electronDir)) {
  console.log('electron: package not installed (npm ci failed?)')
  process.exit(0)
}
if (existsSync(join(electronDir, 'path.txt'))) {
  console.log('electron: binary present')
} else {
  const env = { ...process.env }
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    env,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (r.status === 0 && existsSync(join(electronDir, 'path.txt'))) console.log('electron: binary downloaded')
  else {
    const why =
      `${r.stderr ?? ''}${r.stdout ?? ''}`.match(
        /(ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo[^\n]*|403|404)/,
      )?.[0] ??
      (r.error?.message || `exit ${r.status}`)
    console.log(`electron: the binary could not be downloaded (${why}).`)
    console.log(
      '          The desktop window cannot start on this machine; `npm start` runs the headless hub instead,',
    )
    console.log(
      '          and the Electron-window tests are skipped with this reason. Everything else works.',
    )
  }
}

// ffmpeg-static downloads its binary from GitHub too. Without it the hub uses ffmpeg from PATH (Debian's).
const ffmpegStatic = join(root, 'node_modules', 'ffmpeg-static')
if (existsSync(ffmpegStatic)) {
  const bin = join(ffmpegStatic, process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg')
  if (existsSync(bin)) console.log('ffmpeg-static: binary present')
  else {
    const r = spawnSync(process.execPath, [join(ffmpegStatic, 'install.js')], {
      env: process.env,
      encoding: 'utf8',
      timeout: 180_000,
    })
    if (r.status === 0 && existsSync(bin)) console.log('ffmpeg-static: binary downloaded')
    else {
      const why =
        `${r.stderr ?? ''}${r.stdout ?? ''}`.match(
          /(ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo[^\n]*|403|404)/,
        )?.[0] ??
        (r.error?.message || `exit ${r.status}`)
      console.log(
        `ffmpeg-static: the binary could not be downloaded (${why}); the hub uses ffmpeg from PATH instead.`,
      )
    }
  }
}

#!/usr/bin/env node
// `npm start`: the Electron app where its binary and a display exist; otherwise the headless hub, saying why.
// Extra arguments go to `tapdrop hub` (e.g. `npm start -- --lan-port 9000`).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const require = createRequire(import.meta.url)

if (!existsSync(join(root, 'out', 'main', 'cli.js'))) {
  console.log('Building first (npm run build)…')
  const r = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

function electronBinary() {
  try {
    const bin = require('electron')
    return typeof bin === 'string' && existsSync(bin)
      ? { bin }
      : { why: 'the Electron binary is not installed (its download is not possible here)' }
  } catch {
    return { why: 'the Electron binary is not installed (its download is not possible here)' }
  }
}

const electron = electronBinary()
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
if (electron.bin && hasDisplay) {
  const child = spawn(electron.bin, [root, ...process.argv.slice(2)], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
  for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s))
} else {
  const why = electron.why ?? 'there is no display (DISPLAY is not set)'
  console.log(`Starting the headless hub because ${why}.`)
  console.log('Open the admin console in a browser on this PC at the address below.\n')
  const { main } = require(join(root, 'out', 'main', 'cli.js'))
  main([process.argv[0], 'tapdrop', 'hub', ...process.argv.slice(2)]).then((code) => {
    process.exitCode = code
  })
}

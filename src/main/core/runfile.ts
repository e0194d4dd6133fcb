import { existsSync, mkdirSync, readFileSync, rmSync, chmodSync } from 'node:fs'
import { connect } from 'node:net'
import { writeFileAtomic } from './fsutil/atomic'

/** What a running hub tells local tools (the CLI) about itself. Readable by the owner only: it holds a token. */
export interface RunInfo {
  pid: number
  adminUrl: string
  lanUrl: string | null
  token: string
  startedAt: string
  version: string
}

export function writeRunFile(file: string, dir: string, info: RunInfo): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  writeFileAtomic(file, JSON.stringify(info, null, 2) + '\n', 0o600)
}

export function readRunFile(file: string): RunInfo | null {
  if (!existsSync(file)) return null
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunInfo
  } catch {
    return null
  }
}

export function removeRunFile(file: string, pid = process.pid): void {
  const info = readRunFile(file)
  if (info && info.pid !== pid) return
  rmSync(file, { force: true })
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function portAnswers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    let u: URL
    try {
      u = new URL(url)
    } catch {
      return resolve(false)
    }
    const socket = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 80) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** A hub is running for this data directory when its run file names a live process whose admin port answers. */
export async function runningHub(file: string): Promise<RunInfo | null> {
  const info = readRunFile(file)
  if (!info || info.pid === process.pid || !pidAlive(info.pid)) return null
  return (await portAnswers(info.adminUrl)) ? info : null
}

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Wall-clock seconds of an async piece of work. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - t) / 1e9
}

/** Runs a program to the end; rejects with its stderr on a non-zero exit. */
export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err.slice(-800)}`)),
    )
  })
}

export function ffmpegVersion(): string {
  return execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0]!
}

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback
}

/** The middle value (the upper one of the two middles for an even count). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
}

export function table(rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map(String))
  const w = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)))
  return cells.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ')).join('\n')
}

const ROOT = join(__dirname, '..', '..')
const CLI = join(ROOT, 'bin', 'tapdrop.cjs')

export interface BuiltHub {
  process: ChildProcess
  adminUrl: string
  lanUrl: string
  /** The local token the hub wrote for the CLI (admin rights on this PC). */
  token: string
  /** Runs `tapdrop <args> --data-dir <dir>` against this hub; returns its stdout. */
  cli(args: string[]): string
  stop(): Promise<void>
}

/**
 * The built hub as its own process, as a store runs it (`tapdrop hub --json`), resolved once it prints its start
 * line. Needs `npm run build` first.
 */
export function startBuiltHub(
  dataDir: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuiltHub> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      CLI,
      'hub',
      '--json',
      '--data-dir',
      dataDir,
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'pipe', process.env.BENCH_HUB_NODE_ARGS ? 'inherit' : 'ignore'],
      env,
    },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d) => {
      out += d
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (!line) return
      const started = JSON.parse(line) as { adminUrl: string; lanUrl: string }
      const run = JSON.parse(readFileSync(join(dataDir, 'run', 'hub.json'), 'utf8')) as { token: string }
      resolve({
        process: child,
        adminUrl: started.adminUrl,
        lanUrl: started.lanUrl,
        token: run.token,
        cli: (args) =>
          execFileSync(process.execPath, [CLI, ...args, '--data-dir', dataDir], { encoding: 'utf8' }),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    })
    child.on('exit', (code) => reject(new Error(`hub exited ${code}; run npm run build first`)))
  })
}

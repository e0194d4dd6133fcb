import { spawn, type ChildProcess } from 'node:child_process'
import { CLI, NO_DATA_DIR } from './paths'

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs the built `tapdrop` CLI to completion (bounded by `timeoutMs`). */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TAPDROP_DATA_DIR: NO_DATA_DIR,
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`tapdrop ${args.join(' ')} did not finish in ${options.timeoutMs ?? 30000} ms\n${stderr}`),
      )
    }, options.timeoutMs ?? 30000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.end(options.input ?? '')
  })
}

export interface SpawnedHub {
  child: ChildProcess
  pid: number
  info: {
    adminUrl: string
    lanUrl: string | null
    setupUrl: string | null
    dataDir: string
    chain: { role: string; location: string | null; missing: string[] }
  }
  stderr(): string
  /** Resolves with the exit code/signal; bounded. */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Starts `tapdrop hub --json` (or `tapdrop hq --json`) as its own process (for signals and kill -9) and waits for its
 * start line.
 */
export function spawnHub(
  dataDir: string,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
  command: 'hub' | 'hq' = 'hub',
): Promise<SpawnedHub> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        command,
        '--json',
        '--data-dir',
        dataDir,
        '--admin-port',
        '0',
        '--lan-port',
        '0',
        '--lan-host',
        '127.0.0.1',
        ...extraArgs,
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          TAPDROP_DATA_DIR: NO_DATA_DIR,
          TAPDROP_NFC: 'false',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
      child.on('exit', (code, signal) => res({ code, signal })),
    )
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`hub did not start in 20 s\n${stderr}`))
    }, 20_000)
    child.stderr!.on('data', (d) => (stderr += d))
    child.stdout!.on('data', (d) => {
      stdout += d
      const line = stdout.split('\n').find((l) => l.startsWith('{'))
      if (!line) return
      clearTimeout(timer)
      resolve({
        child,
        pid: child.pid!,
        info: JSON.parse(line),
        stderr: () => stderr,
        exited: (timeoutMs = 15_000) =>
          Promise.race([
            exit,
            new Promise<never>((_r, rej) =>
              setTimeout(() => rej(new Error(`hub did not exit in ${timeoutMs} ms`)), timeoutMs).unref(),
            ),
          ]),
      })
    })
    exit.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`hub exited before starting (code ${code}, signal ${signal})\n${stderr}`))
    })
  })
}

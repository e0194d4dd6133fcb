import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { Hub, type HubStarted } from '../../app/hub'
import type { ChainRole } from '../../../shared/contract/chain'
import { APP_VERSION } from '../../../shared/version'

function rendererDir(): string | null {
  // The bundle lives in out/main; the built console sits beside it in out/renderer.
  const dir = join(__dirname, '..', 'renderer')
  return existsSync(join(dir, 'index.html')) ? dir : null
}

function describe(s: HubStarted): string {
  const lines = [
    `TapDrop ${APP_VERSION} is running (headless${s.chain.role === 'hq' ? ', headquarters' : ''}).`,
    `  Admin console:  ${s.adminUrl}   (this PC only)`,
    s.lanUrl
      ? `  Phone pages:    ${s.lanUrl}   → tags use ${s.publicUrl}`
      : `  Phone pages:    NOT LISTENING — ${s.lanError ?? 'unknown reason'}`,
    `  Data:           ${s.dataDir}`,
  ]
  if (s.chain.location) lines.push(`  Chain:          ${s.chain.role} → ${s.chain.location}`)
  if (s.chain.missing.length)
    lines.push(
      `  Chain:          not ready — set ${s.chain.missing.join(', ')} (Settings, config.json or TAPDROP_CHAIN_*)`,
    )
  if (s.setupUrl)
    lines.push('', 'First run: open this link on this PC to create the owner account:', `  ${s.setupUrl}`)
  lines.push('', 'Press Ctrl+C to stop.')
  return lines.join('\n')
}

/** The options `hub` and `hq` share. */
function hubCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--config <file>', 'configuration file (default: <data-dir>/config.json)')
    .option('--admin-host <host>', 'admin console address (default 127.0.0.1)')
    .option('--admin-port <port>', 'admin console port (default 7410)')
    .option('--lan-host <host>', 'phone listener address (default 0.0.0.0: all interfaces)')
    .option('--lan-port <port>', 'phone listener port (default 8080)')
    .option('--public-url <url>', 'base URL written into tags, e.g. http://192.168.1.20:8080')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or trace')
    .option('--brand <id>', 'brand profile (resources/brands/<id> or one imported)')
}

async function runHub(
  opts: Record<string, string | undefined>,
  cmd: Command,
  role?: ChainRole,
): Promise<never> {
  const globals = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
  const hub = new Hub({
    dataDir: globals.dataDir,
    configFile: opts.config,
    flags: {
      adminHost: opts.adminHost,
      adminPort: opts.adminPort,
      lanHost: opts.lanHost,
      lanPort: opts.lanPort,
      publicUrl: opts.publicUrl,
      logLevel: opts.logLevel,
      brand: opts.brand,
      // `tapdrop hq` pins the role as a flag does: Settings shows it locked.
      ...(role ? { chainRole: role } : {}),
    },
    console: true,
    shell: 'headless',
    rendererDir: rendererDir(),
  })
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting now\n`)
      process.exit(130)
    }
    stopping = true
    process.stderr.write(`${signal}: finishing requests in flight and closing the database…\n`)
    hub.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${(err as Error).message}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('uncaughtException', (err) => {
    process.stderr.write(`fatal: ${err.stack ?? err.message}\n`)
    hub.stop().finally(() => process.exit(1))
  })
  const started = await hub.start()
  if (globals.json) process.stdout.write(JSON.stringify(started) + '\n')
  else process.stdout.write(describe(started) + '\n')
  // Keep running until a signal arrives.
  return new Promise<never>(() => {})
}

export function registerHub(program: Command): void {
  hubCommand(
    program,
    'hub',
    'run the hub without a window (phones and the admin console in a browser)',
  ).action((opts: Record<string, string | undefined>, cmd: Command) => runHub(opts, cmd))
  hubCommand(
    program,
    'hq',
    "run the hub as the chain's headquarters, without a window (the same as `hub` with chainRole hq)",
  ).action((opts: Record<string, string | undefined>, cmd: Command) => runHub(opts, cmd, 'hq'))
}

import { Command, CommanderError } from 'commander'
import { ApiError } from '../../shared/api-client'
import { APP_VERSION } from '../../shared/version'
import type { ErrorCode } from '../../shared/errors'
import { ConfigError, explainError, HubError } from '../core/errors'
import { DatabaseFromFutureError } from '../db/errors'
import { CliError } from './errors'
import { registerHub } from './commands/hub'
import { registerUser } from './commands/user'
import { registerVideo } from './commands/video'
import { registerTag } from './commands/tag'
import { registerTransfers } from './commands/transfers'
import { registerChain } from './commands/chain'
import { registerCaption } from './commands/caption'
import { registerStore } from './commands/store'
import { registerFunnel } from './commands/funnel'
import { registerRemix } from './commands/remix'

/** `tapdrop …`: the headless hub and commands that drive a running hub through the admin API. */
export function buildProgram(): Command {
  const program = new Command('tapdrop')
    .description('TapDrop — 碰一碰发视频 store hub')
    .version(APP_VERSION)
    .option('--data-dir <dir>', 'data directory (default: the per-user application-data folder)')
    .option('--json', 'machine-readable output on stdout')
    // A usage error is one line on stderr, worded like every other error (`tapdrop: …`), exit 2: scripts read it,
    // and the whole usage text after it buried the reason (subcommands inherit this).
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // Commander's "(Did you mean list?)" comes on a line of its own: joined into the one line.
      outputError: (s, write) =>
        write(
          `tapdrop: ${s
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (see --help)\n`,
        ),
    })
  registerHub(program)
  registerUser(program)
  registerVideo(program)
  registerTag(program)
  registerTransfers(program)
  registerChain(program)
  registerCaption(program)
  registerStore(program)
  registerFunnel(program)
  registerRemix(program)
  return program
}

// What a low-level failure means for the person at the PC, with SQLite's or the OS's own words inside (e.g. the
// hub cannot start: its database needs room, or is not a database at all).
const EXPLAINED: Partial<Record<ErrorCode, (detail: string) => string>> = {
  'disk-full': (detail) => `the disk is full (${detail}); free some space on this PC and try again`,
  'database-damaged': (detail) =>
    `the database file is damaged (${detail}); see README, "A damaged database"`,
}

function reason(err: unknown): { message: string; code: number } {
  const explained = explainError(err)
  const say = explained !== err && explained instanceof HubError ? EXPLAINED[explained.code] : undefined
  if (say) return { message: say((err as Error).message), code: 1 }
  if (err instanceof CliError) return { message: err.message, code: err.exitCode }
  if (err instanceof ApiError) return { message: `${err.message} (${err.code})`, code: 1 }
  if (err instanceof ConfigError) return { message: err.message, code: 2 }
  if (err instanceof DatabaseFromFutureError || err instanceof HubError)
    return { message: err.message, code: 1 }
  return { message: (err as Error)?.message ?? String(err), code: 1 }
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    // A command that reports per-item failures (e.g. one refused file of several) sets process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? 0 : 2
    }
    const { message, code } = reason(err)
    process.stderr.write(`tapdrop: ${message.split('\n').join('\n  ')}\n`)
    return code
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    process.exitCode = code
  })
}

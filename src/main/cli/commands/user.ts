import type { Command } from 'commander'
import { ROLES, type Role } from '../../../shared/roles'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { emit, table } from '../output'
import { readNewPassword } from '../prompt'

export function registerUser(program: Command): void {
  const user = program.command('user').description('staff accounts')

  user
    .command('add <name>')
    .description('create an account (password from TAPDROP_PASSWORD or a prompt)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--display-name <text>', 'name shown in the console')
    .action(async (name: string, opts: { role: string; displayName?: string }, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      if (!(ROLES as readonly string[]).includes(opts.role))
        throw new CliError(`--role must be one of ${ROLES.join(', ')}`, 2)
      const { invoke } = await connectToHub(dataDir)
      const password = await readNewPassword()
      const created = await invoke('user-create', {
        username: name,
        role: opts.role as Role,
        password,
        displayName: opts.displayName,
      })
      emit(
        json ?? false,
        created,
        () => `created ${created.role} account "${created.username}" (id ${created.id})`,
      )
    })

  user
    .command('list')
    .description('list accounts')
    .action(async (_opts: unknown, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const { invoke } = await connectToHub(dataDir)
      const users = await invoke('user-list', {})
      emit(json ?? false, users, () =>
        table(
          ['ID', 'USER', 'NAME', 'ROLE', 'STATUS', 'LAST LOGIN'],
          users.map((u) => [
            u.id,
            u.username,
            u.displayName,
            u.role,
            u.disabled ? 'disabled' : 'active',
            u.lastLoginAt ?? '—',
          ]),
        ),
      )
    })
}

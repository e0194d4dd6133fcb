import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { CliError } from './errors'

/** Asks for a secret on the terminal without echoing it. */
export function promptSecret(question: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new CliError('no terminal to ask for the password; set TAPDROP_PASSWORD instead')
  let muted = false
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk)
      done()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
    muted = true
  })
}

export async function readNewPassword(): Promise<string> {
  const fromEnv = process.env.TAPDROP_PASSWORD
  if (fromEnv) return fromEnv
  const first = await promptSecret('Password: ')
  const second = await promptSecret('Repeat password: ')
  if (first !== second) throw new CliError('the two passwords differ')
  return first
}

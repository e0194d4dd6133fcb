import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// scrypt with N=2^15, r=8, p=1: ~32 MiB and ~0.1 s per hash, OWASP's recommended minimum. It runs on libuv's
// thread pool, so a login never blocks the event loop that serves phones.
const COST_LOG2 = 15
const BLOCK = 8
const PARALLEL = 1
const KEY_BYTES = 32

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, keylen, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

function options(costLog2: number, r: number, p: number): ScryptOptions {
  return { N: 2 ** costLog2, r, p, maxmem: 256 * 2 ** costLog2 * r + 1024 * 1024 }
}

/** `scrypt$15$8$1$<salt>$<key>` (base64url): self-describing, so the cost can rise later without a migration. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_BYTES, options(COST_LOG2, BLOCK, PARALLEL))
  return ['scrypt', COST_LOG2, BLOCK, PARALLEL, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  )
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string]
  const expected = Buffer.from(keyText, 'base64url')
  const key = await scrypt(
    password,
    Buffer.from(saltText, 'base64url'),
    expected.length,
    options(Number(n), Number(r), Number(p)),
  )
  return key.length === expected.length && timingSafeEqual(key, expected)
}

// Verifying against this when the account does not exist makes "no such user" take as long as "wrong password".
let dummy: Promise<string> | null = null
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('hex'))
  return dummy
}

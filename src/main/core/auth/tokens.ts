import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// Small secrets are cut from a 4 KiB block of CSPRNG output: one system call per ~100 tokens instead of one each
// (a busy store mints a token and a device id per tap). Every byte is used once.
let pool = Buffer.alloc(0)
let offset = 0
function secureBytes(n: number): Buffer {
  if (n > 256) return randomBytes(n)
  if (offset + n > pool.length) {
    pool = randomBytes(4096)
    offset = 0
  }
  const out = Buffer.from(pool.subarray(offset, offset + n))
  pool.fill(0, offset, offset + n)
  offset += n
  return out
}

/** 256 random bits by default, URL-safe. */
export function newToken(bytes = 32): string {
  return secureBytes(bytes).toString('base64url')
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest()
}

/** Constant-time comparison of two secrets of any length (compares their hashes). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(hashToken(a), hashToken(b))
}

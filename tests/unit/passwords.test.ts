import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../src/main/core/auth/passwords'

describe('password hashing', () => {
  it('stores a salted scrypt hash that verifies only the right password', async () => {
    const a = await hashPassword('correct horse')
    const b = await hashPassword('correct horse')
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('correct')
    expect(await verifyPassword('correct horse', a)).toBe(true)
    expect(await verifyPassword('correct horse ', a)).toBe(false)
    expect(await verifyPassword('', a)).toBe(false)
    expect(await verifyPassword('correct horse', 'plain-text')).toBe(false)
  })

  it('treats the two Unicode spellings of the same Chinese/accented text alike', async () => {
    const h = await hashPassword('caf\u00e9-店长')
    expect(await verifyPassword('cafe\u0301-店长', h)).toBe(true)
  })
})

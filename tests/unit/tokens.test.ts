import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { newOrderedToken } from '../../src/main/core/auth/tokens'
import { MEDIA_TOKEN_BYTES } from '../../src/main/core/delivery/service'
import { REPO } from '../helpers/paths'

describe('media tokens', () => {
  const before = Date.now()
  const tokens = Array.from({ length: 4000 }, () => newOrderedToken(MEDIA_TOKEN_BYTES))
  const after = Date.now()
  const bytes = tokens.map((t) => Buffer.from(t, 'base64url'))

  it('are 24 URL-safe characters: 8 for the time they were made, 16 random ones', () => {
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{24}$/)
    for (const b of bytes) {
      expect(b.length).toBe(18)
      const made = b.readUIntBE(0, 6)
      expect(made).toBeGreaterThanOrEqual(before)
      expect(made).toBeLessThanOrEqual(after)
    }
    // Six bytes of time are exactly eight characters, so the random part is characters 8–23, 6 bits each.
    const random = tokens.map((t) => t.slice(8))
    expect(new Set(random).size).toBe(tokens.length)
    for (let i = 0; i < 16; i++) {
      const seen = new Set(random.map((r) => r[i]))
      expect(seen.size, `character ${8 + i}`).toBeGreaterThanOrEqual(60) // of 64, each expected ~62 times
    }
  })

  it('carry 96 random bits: each is set in half the tokens', () => {
    const randomBits = (MEDIA_TOKEN_BYTES - 6) * 8
    expect(randomBits).toBe(96)
    for (let bit = 0; bit < randomBits; bit++) {
      const byte = 6 + (bit >> 3)
      const mask = 0x80 >> (bit & 7)
      const ones = bytes.filter((b) => b[byte]! & mask).length / bytes.length
      // 4,000 draws: one standard deviation is 0.008; 0.05 is six of them.
      expect(Math.abs(ones - 0.5), `random bit ${bit}`).toBeLessThan(0.05)
    }
  })

  it('are described in README as they are made', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
    const claim = /\*\*Media\*\* is served only under a per-transfer token \(([^)]*)\)/.exec(readme)?.[1]
    expect(claim).toBeDefined()
    expect(claim).toContain('`/m/<24 chars>`')
    expect(Number(/(\d+) random bits/.exec(claim!)?.[1])).toBe((MEDIA_TOKEN_BYTES - 6) * 8)
    expect(claim).toMatch(/48-bit/)
  })
})

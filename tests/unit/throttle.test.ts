import { describe, expect, it } from 'vitest'
import { LoginThrottle } from '../../src/main/core/auth/throttle'

function clock() {
  let t = 1_000_000
  return { now: () => t, advance: (ms: number) => (t += ms) }
}

describe('login throttling', () => {
  it('locks an account after 5 failures, longer with each further failure, and lets it go after the lock', () => {
    const c = clock()
    const th = new LoginThrottle({ now: c.now })
    for (let i = 0; i < 4; i++) th.fail('alice', `10.0.0.${i}`)
    expect(th.retryAfterMs('alice', '10.0.0.9')).toBe(0)
    th.fail('alice', '10.0.0.5')
    expect(th.retryAfterMs('alice', '10.0.0.9')).toBe(30_000)
    expect(th.retryAfterMs('bob', '10.0.0.9')).toBe(0)
    c.advance(30_000)
    expect(th.retryAfterMs('alice', '10.0.0.9')).toBe(0)
    th.fail('alice', '10.0.0.6')
    expect(th.retryAfterMs('alice', '10.0.0.9')).toBe(60_000)
  })

  it('locks a client that guesses across many accounts', () => {
    const c = clock()
    const th = new LoginThrottle({ now: c.now })
    for (let i = 0; i < 20; i++) th.fail(`user${i}`, '192.168.1.50')
    expect(th.retryAfterMs('someone-new', '192.168.1.50')).toBeGreaterThan(0)
    expect(th.retryAfterMs('someone-new', '192.168.1.51')).toBe(0)
  })

  it('forgets failures outside the window and after a success', () => {
    const c = clock()
    const th = new LoginThrottle({ now: c.now })
    for (let i = 0; i < 4; i++) th.fail('alice', 'x')
    c.advance(16 * 60_000)
    th.fail('alice', 'x')
    expect(th.retryAfterMs('alice', 'y')).toBe(0)
    for (let i = 0; i < 3; i++) th.fail('alice', 'x')
    th.succeed('alice')
    th.fail('alice', 'x')
    expect(th.retryAfterMs('alice', 'y')).toBe(0)
  })
})

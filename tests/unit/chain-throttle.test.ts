import { describe, expect, it } from 'vitest'
import { mbpsToBytes, TokenBucket } from '../../src/main/core/chain/throttle'

describe('the bandwidth limit shared by a store’s downloads', () => {
  function clocked(rate: () => number) {
    let t = 0
    const slept: number[] = []
    const bucket = new TokenBucket(
      rate,
      () => t,
      async (ms) => {
        slept.push(ms)
        t += ms
      },
    )
    return { bucket, elapsed: () => t, slept, advance: (ms: number) => (t += ms) }
  }

  it('holds several downloads together to the rate, whatever their chunk sizes', async () => {
    const c = clocked(() => 1_000_000)
    // Two downloads taking turns with 64 KiB and 200 KiB chunks: 10 MB in all.
    let sent = 0
    const chunks = [65_536, 204_800]
    let i = 0
    while (sent < 10_000_000) {
      const n = chunks[i++ % 2]!
      await c.bucket.take(n)
      sent += n
    }
    const seconds = c.elapsed() / 1000
    expect(sent / seconds).toBeGreaterThan(0.95 * 1_000_000)
    expect(sent / seconds).toBeLessThan(1.1 * 1_000_000)
  })

  it('lets everything through at once with no limit, and takes a changed setting at the next chunk', async () => {
    let rate = 0
    const c = clocked(() => rate)
    for (let i = 0; i < 100; i++) await c.bucket.take(1_000_000)
    expect(c.elapsed()).toBe(0)
    rate = mbpsToBytes(8) // 1 MB/s
    expect(rate).toBe(1_000_000)
    for (let i = 0; i < 5; i++) await c.bucket.take(1_000_000)
    expect(c.elapsed()).toBeGreaterThanOrEqual(4900)
    expect(c.elapsed()).toBeLessThanOrEqual(5100)
  })

  it('does not save up more than a fifth of a second of idle time for a burst', async () => {
    const c = clocked(() => 1_000_000)
    c.advance(60_000) // idle for a minute
    await c.bucket.take(1_000_000)
    // Only 200 KB of the 1 MB were covered by the idle minute.
    expect(c.slept.at(-1)).toBeCloseTo(800, 0)
  })
})

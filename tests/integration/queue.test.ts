import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startTestHub, setupOwner, readyVideo, bigRendition, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import { Phone } from '../helpers/phone'
import { clip } from '../helpers/corpus'

let t: TestHub
let owner: TestSession
const tags: Record<string, string> = {}
beforeAll(async () => {
  const smallClip = clip('queue-small.mp4', 1)
  const bigClip = clip('queue-big.mp4', 1, '1280x720')
  t = await startTestHub()
  owner = await setupOwner(t)
  const small = await readyVideo(t, smallClip, 'small')
  const big = await readyVideo(t, bigClip, 'big')
  bigRendition(t, small.id, '360p', 2 << 20)
  bigRendition(t, big.id, '720p', 8 << 20)
  for (const [name, video, tier] of [
    ['normalSmall', small, 'normal'],
    ['normalBig', big, 'normal'],
    ['vipSmall', small, 'vip'],
    ['vipBig', big, 'vip'],
  ] as const)
    tags[name] = (await owner.invoke('tag-create', { videoIds: [video.id], tier })).code
}, 300_000)
afterAll(() => t?.stop())

describe('admission queue', () => {
  it(
    'with 2 slots and six phones, admits VIP first, then smaller files, then arrival, and each page shows its place',
    { timeout: 60_000 },
    async () => {
      await owner.invoke('settings-update', { maxStreams: 2 })
      const a = new Phone(t.lanUrl)
      const b = new Phone(t.lanUrl)
      const ta = await a.tap(tags.normalBig!)
      const tb = await b.tap(tags.normalBig!)
      expect([ta.position, tb.position]).toEqual([0, 0])

      const waiting = {
        c: new Phone(t.lanUrl),
        d: new Phone(t.lanUrl),
        e: new Phone(t.lanUrl),
        f: new Phone(t.lanUrl),
      }
      const taps = {
        c: await waiting.c.tap(tags.normalBig!),
        d: await waiting.d.tap(tags.normalSmall!),
        e: await waiting.e.tap(tags.vipBig!),
        f: await waiting.f.tap(tags.vipSmall!),
      }
      // Positions as rendered on each page, after all four arrived.
      const status = await owner.invoke('delivery-status', {})
      expect(status).toMatchObject({ maxStreams: 2, active: 2 })
      const order = status.waiting.map((w) => w.transferId)
      expect(status.waiting.map((w) => `${w.tier}:${w.bytesTotal}`)).toEqual([
        `vip:${2 << 20}`,
        `vip:${8 << 20}`,
        `normal:${2 << 20}`,
        `normal:${8 << 20}`,
      ])
      expect(order).toHaveLength(4)
      expect(taps.c.html).toContain('排队中 · 第 1 位') // it was alone in line when its page was made
      expect(taps.f.position).toBe(1) // VIP and small: straight to the front
      expect(taps.f.html).toContain('排队中 · 第 1 位')
      expect(taps.f.html).not.toMatch(/<video[^>]* src=/) // no video until it is its turn

      const admitted: string[] = []
      const turns = Object.entries(waiting).map(([name, p]) =>
        p.waitForTurn(taps[name as keyof typeof taps].token!, 30_000).then((r) => {
          expect(r).toBe('admitted')
          admitted.push(name)
        }),
      )
      // Media of a phone still waiting is refused politely.
      const early = await waiting.c.download(taps.c.token!)
      expect(early.status).toBe(503)
      expect(early.headers.get('retry-after')).toBe('5')

      // Each finished download frees a slot for the next in line.
      const finish = async (p: Phone, token: string) => expect((await p.download(token)).status).toBe(200)
      await finish(a, ta.token!)
      await finish(b, tb.token!)
      await new Promise((r) => setTimeout(r, 200))
      await finish(waiting.f, taps.f.token!)
      await finish(waiting.e, taps.e.token!)
      await Promise.all(turns)
      expect(admitted).toEqual(['f', 'e', 'd', 'c'])
      await finish(waiting.d, taps.d.token!)
      await finish(waiting.c, taps.c.token!)
      const list = await owner.invoke('transfer-list', { limit: 10 })
      expect(list.slice(0, 6).every((x) => x.status === 'completed')).toBe(true)
    },
  )

  it('bounds the wait: a phone in line too long is asked to tap again', { timeout: 60_000 }, async () => {
    await owner.invoke('settings-update', { maxStreams: 1, queueMaxWaitSeconds: 10 })
    const holder = new Phone(t.lanUrl)
    const held = await holder.tap(tags.normalSmall!)
    expect(held.position).toBe(0)
    const late = new Phone(t.lanUrl)
    const r = await late.tap(tags.normalSmall!)
    expect(r.position).toBe(1)
    const started = Date.now()
    // The holder never downloads, but its slot is only reclaimed after 30 s idle: the 10 s wait limit comes first.
    expect(await late.waitForTurn(r.token!, 20_000)).toBe('expired')
    expect(Date.now() - started).toBeGreaterThanOrEqual(8_000)
    const list = await owner.invoke('transfer-list', { limit: 5 })
    expect(list.find((x) => x.status === 'expired')).toBeTruthy()
    expect((await late.download(r.token!)).status).toBe(410)
    await owner.invoke('settings-update', { maxStreams: 8, queueMaxWaitSeconds: 180 })
  })

  it("a transfer's queue channel takes at most four listeners; the next is told to try later", async () => {
    // Listeners stay only while a phone waits: one slot, held by another phone.
    await owner.invoke('settings-update', { maxStreams: 1 })
    await new Phone(t.lanUrl).tap(tags.normalBig!) // holds the slot, or waits ahead
    const phone = new Phone(t.lanUrl)
    const { token, position } = await phone.tap(tags.normalSmall!)
    expect(position).toBeGreaterThanOrEqual(1)
    const open = () =>
      new Promise<{ ws: WebSocket; first: string | null; code: number | null }>((resolve) => {
        const ws = new WebSocket(`${t.lanUrl.replace('http', 'ws')}/q/${token}`)
        ws.once('message', (d) => resolve({ ws, first: String(d), code: null }))
        ws.once('close', (code) => resolve({ ws, first: null, code }))
      })
    const four = await Promise.all([open(), open(), open(), open()])
    for (const x of four) expect(JSON.parse(x.first!)).toMatchObject({ position, status: 'queued' })
    const fifth = await open()
    expect(fifth).toMatchObject({ first: null, code: 1013 })
    // One page closes: another can listen again.
    four[0]!.ws.close()
    await new Promise((r) => four[0]!.ws.once('close', r))
    await new Promise((r) => setTimeout(r, 100))
    const again = await open()
    expect(again.first).not.toBeNull()
    for (const x of [...four, again]) x.ws.close()
    await owner.invoke('settings-update', { maxStreams: 8 })
  })

  it('closes the queue channel itself once the phone is admitted', async () => {
    // Slots for everyone (those still in line are let in at the next sweep, within a second).
    await owner.invoke('settings-update', { maxStreams: 1000 })
    await new Promise((r) => setTimeout(r, 1500))
    const phone = new Phone(t.lanUrl)
    const { token, position } = await phone.tap(tags.vipSmall!)
    expect(position).toBe(0)
    const ws = new WebSocket(`${t.lanUrl.replace('http', 'ws')}/q/${token}`)
    const messages: string[] = []
    ws.on('message', (d) => messages.push(String(d)))
    // The hub closes it: nothing more will come for an admitted transfer, whatever the other end does.
    const code = await new Promise<number>((resolve) => ws.once('close', resolve))
    expect(code).toBe(1005)
    expect(messages.map((m) => JSON.parse(m) as unknown)).toEqual([{ position: 0, status: 'pending' }])
    await owner.invoke('settings-update', { maxStreams: 8 })
  })
})

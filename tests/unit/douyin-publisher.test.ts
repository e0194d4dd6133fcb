import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:net'
import { Writable } from 'node:stream'
import Database from 'better-sqlite3'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MIGRATIONS } from '../../src/main/db/migrations'
import { douyinSharesRepo } from '../../src/main/db/repos/douyin-shares'
import {
  DouyinPublisher,
  type DouyinSettings,
  type DouyinShareAnswer,
} from '../../src/main/core/publish/douyin/publisher'
import { DouyinStandin } from '../helpers/douyin-standin'

const KEY = 'awstandinkey01'
const SECRET = 'c0ffee5ecret0123456789abcdef0123'
const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWx'
const VIDEO = `http://192.168.1.20:8080/m/${TOKEN}`
const HOUR = 3_600_000

let clock: number
let standin: DouyinStandin
let settings: DouyinSettings
let logs: string[]
let db: Database.Database
let publisher: DouyinPublisher

function makePublisher(extra: { timeoutMs?: number; failureCooldownMs?: number } = {}) {
  return new DouyinPublisher({
    settings: () => settings,
    transferId: (token) => (token === TOKEN ? 42 : null),
    shares: douyinSharesRepo(db),
    logger: pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          logs.push(chunk.toString('utf8'))
          done()
        },
      }),
    ),
    retentionDays: () => 365,
    now: () => clock,
    ...extra,
  })
}

beforeEach(async () => {
  clock = Date.UTC(2025, 4, 1, 10, 0, 0)
  logs = []
  standin = await new DouyinStandin({ clientKey: KEY, clientSecret: SECRET, now: () => clock }).start()
  settings = {
    enabled: true,
    clientKey: KEY,
    clientSecret: SECRET,
    apiBaseUrl: standin.url,
    videoBaseUrl: null,
  }
  db = new Database(':memory:')
  for (const m of MIGRATIONS) m.up(db)
  publisher = makePublisher()
})
afterEach(async () => {
  await standin.stop()
  db.close()
})

function shared(a: DouyinShareAnswer) {
  if ('fallback' in a) throw new Error(`expected a schema, got the fallback ${a.fallback}`)
  return { ...a, q: new URLSearchParams(a.schema.split('?')[1]) }
}

/** The signature Douyin's documented algorithm gives for this schema's nonce and timestamp, computed here. */
function documentedSignature(q: URLSearchParams, ticket: string): string {
  const string1 = `nonce_str=${q.get('nonce_str')}&ticket=${ticket}&timestamp=${q.get('timestamp')}`
  return createHash('md5').update(string1, 'utf8').digest('hex')
}

const share = (extra: object = {}) =>
  publisher.shareFor({
    transferToken: TOKEN,
    videoUrl: VIDEO,
    title: '春季新品',
    hashtags: ['#门店'],
    ...extra,
  })

describe('Douyin publisher against the stand-in', () => {
  it('signs a schema whose signature equals the documented algorithm over the ticket Douyin gave, and records the share', async () => {
    const a = shared(await share())
    expect(a.schema.startsWith('snssdk1128://openplatform/share?')).toBe(true)
    expect(a.q.get('signature')).toBe(documentedSignature(a.q, standin.lastTicket!))
    expect(Number(a.q.get('timestamp'))).toBe(Math.floor(clock / 1000))
    expect(a.q.get('nonce_str')).toMatch(/^[A-Za-z0-9]{16}$/)
    expect(Object.fromEntries(a.q)).toMatchObject({
      share_type: 'h5',
      client_key: KEY,
      state: a.shareId,
      video_path: VIDEO,
      share_to_publish: '1',
      title: '春季新品',
      hashtag_list: '["门店"]',
    })
    // Douyin's share id (need_callback), so its result can be matched later.
    expect(a.shareId).toMatch(/^\d+$/)
    expect(douyinSharesRepo(db).find(a.shareId)).toEqual({
      shareId: a.shareId,
      source: 'douyin',
      transferId: 42,
      createdAt: clock,
      result: null,
      resultAt: null,
    })
    // Only the signature leaves the hub: not the ticket, the client_token or the secret.
    for (const secret of [standin.lastTicket!, standin.issued.clientTokens[0]!, SECRET])
      expect(a.schema).not.toContain(encodeURIComponent(secret))
  })

  it('fetches the client_token and ticket once and shares them across many shares, one request in flight', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => share()))
    for (const a of answers) shared(a)
    clock += HOUR
    for (let i = 0; i < 10; i++) shared(await share())
    expect(standin.calls).toMatchObject({ clientToken: 1, ticket: 1, shareId: 40 })
    expect(new Set(answers.map((a) => shared(a).shareId)).size).toBe(30)
  })

  it('refreshes before expiry: at 80 % of expires_in a share still gets the current ticket at once while one request replaces it', async () => {
    const first = shared(await share())
    const ticket1 = standin.lastTicket!
    clock += 0.79 * 7200_000
    shared(await share())
    expect(standin.calls.ticket).toBe(1)

    clock += 0.02 * 7200_000 // 81 %
    const stale = await Promise.all([share(), share(), share()])
    // Signed with the ticket still held (valid for another ~19 %), not kept waiting for the new one.
    for (const a of stale)
      expect(shared(a).q.get('signature')).toBe(documentedSignature(shared(a).q, ticket1))
    await vi.waitFor(() => expect(standin.calls.ticket).toBe(2), { timeout: 5000 })
    expect(standin.calls.clientToken).toBe(2) // the client_token was past 80 % too
    const ticket2 = standin.lastTicket!
    expect(ticket2).not.toBe(ticket1)
    const fresh = shared(await share())
    expect(fresh.q.get('signature')).toBe(documentedSignature(fresh.q, ticket2))
    expect(first.shareId).not.toBe(fresh.shareId)
  })

  it('never hands out a ticket in its last 5 minutes: past that, a share waits for a new one', async () => {
    shared(await share())
    const ticket1 = standin.lastTicket!
    await standin.down()
    clock += 0.85 * 7200_000
    // Still 15 % to go: signed with the current ticket while the refresh in the background fails.
    const a = shared(await share())
    expect(a.q.get('signature')).toBe(documentedSignature(a.q, ticket1))
    await vi.waitFor(() => {
      expect(logs.join('')).toContain('Douyin ticket request failed')
      expect(logs.join('')).toContain('Douyin client_token request failed')
    })
    await standin.up()
    clock += 0.12 * 7200_000 // 97 %: 3.6 minutes left
    const b = shared(await share())
    expect(standin.lastTicket).not.toBe(ticket1)
    expect(b.q.get('signature')).toBe(documentedSignature(b.q, standin.lastTicket!))
  })

  it('after Douyin answers an auth error for the client_token, fetches a new one and goes on', async () => {
    standin.ticketExpiresIn = 1000
    shared(await share())
    standin.expireTokens()
    // The share-id call is refused (28001008) → new client_token → share-id again.
    const a = shared(await share())
    expect(a.shareId).toMatch(/^\d+$/)
    expect(standin.calls).toMatchObject({ clientToken: 2, ticket: 1, shareId: 3 })

    // The ticket request: past the ticket's last 5 minutes, with a client_token the hub holds as fresh refused.
    standin.expireTokens()
    clock += 900_000
    const b = shared(await share())
    expect(standin.calls).toMatchObject({ clientToken: 3, ticket: 3 }) // refused once, then with the new token
    expect(b.q.get('signature')).toBe(documentedSignature(b.q, standin.lastTicket!))
    expect(logs.join('')).toContain('Douyin refused the client_token; fetching a new one')
  })

  it('with the stand-in down falls back with a reason, throws nothing, and does not wait on Douyin again for 30 s', async () => {
    await standin.down()
    expect(await share()).toEqual({ fallback: 'unreachable' })
    const before = { ...standin.calls }
    const t0 = performance.now()
    expect(await share()).toEqual({ fallback: 'unreachable' })
    expect(performance.now() - t0).toBeLessThan(100)
    await standin.up()
    clock += 29_000
    expect(await share()).toEqual({ fallback: 'unreachable' })
    expect(standin.calls).toEqual(before)
    clock += 2_000
    shared(await share())
    expect(db.prepare('SELECT count(*) AS n FROM douyin_shares').get()).toEqual({ n: 1 })
  })

  it('falls back when Douyin does not answer within the timeout', async () => {
    const silent: Server = createServer(() => {}) // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()))
    settings.apiBaseUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`
    publisher = makePublisher({ timeoutMs: 300 })
    const t0 = performance.now()
    expect(await share()).toEqual({ fallback: 'unreachable' })
    expect(performance.now() - t0).toBeLessThan(3000)
    silent.close()
  })

  it('falls back without calling Douyin when switched off, unconfigured, for an unknown transfer, bad input or an old app', async () => {
    settings.enabled = false
    expect(await share()).toEqual({ fallback: 'disabled' })
    settings.enabled = true
    settings.clientSecret = null
    expect(await share()).toEqual({ fallback: 'not-configured' })
    settings.clientSecret = SECRET
    settings.clientKey = null
    expect(await share()).toEqual({ fallback: 'not-configured' })
    settings.clientKey = KEY
    expect(await share({ transferToken: 'x'.repeat(24) })).toEqual({ fallback: 'transfer-not-found' })
    expect(await share({ transferToken: 'short' })).toEqual({ fallback: 'bad-input' })
    expect(await share({ videoUrl: 'javascript:alert(1)' })).toEqual({ fallback: 'bad-input' })
    expect(await share({ os: 'android', douyinVersion: '20.7.0' })).toEqual({ fallback: 'app-too-old' })
    expect(await share({ os: 'ios', douyinVersion: '21.4.9' })).toEqual({ fallback: 'app-too-old' })
    expect(standin.calls).toEqual({ clientToken: 0, ticket: 0, shareId: 0 })
    shared(await share({ os: 'ios', douyinVersion: '21.5.0' }))
  })

  it('refuses with a reason when the credentials are wrong, and keeps the secret out of the logs', async () => {
    settings.clientSecret = 'wrong-secret-value-123'
    expect(await share()).toEqual({ fallback: 'refused' })
    const text = logs.join('')
    expect(text).toContain('10013')
    expect(text).not.toContain('wrong-secret-value-123')
  })

  it('uses its own share id when Douyin’s share-id API refuses, and the share still works', async () => {
    standin.failShareIdWith = 28001018
    const a = shared(await share())
    expect(a.shareId).toMatch(/^td_[\w-]{16}$/)
    expect(a.q.get('state')).toBe(a.shareId)
    expect(douyinSharesRepo(db).find(a.shareId)?.source).toBe('hub')
    expect(a.q.get('signature')).toBe(documentedSignature(a.q, standin.lastTicket!))
  })

  it('rebases the video link onto the configured base URL, keeping its path', async () => {
    settings.videoBaseUrl = 'https://video.example.com/store-7'
    const a = shared(await share())
    expect(a.q.get('video_path')).toBe(`https://video.example.com/store-7/m/${TOKEN}`)
  })

  it('drops its tokens when the settings change, and never logs a token, a ticket or the secret', async () => {
    shared(await share())
    publisher.settingsChanged()
    shared(await share())
    expect(standin.calls).toMatchObject({ clientToken: 2, ticket: 2 })
    const text = logs.join('')
    expect(text).toContain('Douyin ticket obtained')
    for (const secret of [SECRET, ...standin.issued.clientTokens, ...standin.issued.tickets])
      expect(text).not.toContain(secret)
  })
})

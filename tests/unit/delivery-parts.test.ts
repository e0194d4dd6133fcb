import { describe, expect, it } from 'vitest'
import { parseRange, ifRangeAllows } from '../../src/main/core/delivery/range'
import { Coverage } from '../../src/main/core/delivery/records/coverage'
import { pickRendition, pickVideo } from '../../src/main/core/delivery/picker'
import { downloadName } from '../../src/main/core/delivery/media-links'
import { Admission, type Candidate } from '../../src/main/core/delivery/admission'
import { describeDevice, newDeviceId, validDeviceId } from '../../src/main/core/delivery/device'
import { newOrderedToken } from '../../src/main/core/auth/tokens'
import { tapPage, tapPageBytes } from '../../src/main/lan/pages/tap'
import { messagePage, messagePageBytes } from '../../src/main/lan/pages/layout'
import { DEFAULT_BRAND } from '../../src/main/core/brand/brand'
import { RateLimiter } from '../../src/main/core/delivery/rate-limit'
import { contentDisposition } from '../../src/main/lan/media'
import { newTagCode, tagUrl, TAG_CODE } from '../../src/main/core/tags/codes'
import { phonePublish } from '../../src/main/core/publish/phone-page'
import { DEFAULT_PLATFORM_LIMITS } from '../../src/shared/contract/publish'

const UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  android:
    'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  wechat:
    'Mozilla/5.0 (Linux; Android 12; M2012K11AC) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4313 MMWEBSDK/20220805 Mobile Safari/537.36 MMWEBID/1234 MicroMessenger/8.0.27.2220(0x28001B37) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  desktop:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
}

describe('HTTP ranges', () => {
  it('reads start, middle, open-ended and suffix ranges, clamped to the file', () => {
    expect(parseRange(undefined, 1000)).toEqual({ kind: 'full' })
    expect(parseRange('bytes=0-99', 1000)).toEqual({ kind: 'partial', start: 0, end: 99 })
    expect(parseRange('bytes=500-599', 1000)).toEqual({ kind: 'partial', start: 500, end: 599 })
    expect(parseRange('bytes=900-', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 })
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 })
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'partial', start: 0, end: 999 })
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ kind: 'partial', start: 990, end: 999 })
  })

  it('answers unsatisfiable ranges with 416 and ignores what it does not understand', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=0-1,5-9', 1000)).toEqual({ kind: 'full' })
    expect(parseRange('items=0-9', 1000)).toEqual({ kind: 'full' })
    expect(parseRange('bytes=9-0', 1000)).toEqual({ kind: 'full' })
    expect(parseRange('bytes=99999999999999999999-', 1000)).toEqual({ kind: 'full' })
  })

  it('honours If-Range only while the file is unchanged', () => {
    expect(ifRangeAllows(undefined, '"a"', 'Tue, 24 Nov 2026 10:00:00 GMT')).toBe(true)
    expect(ifRangeAllows('"a"', '"a"', 'x')).toBe(true)
    expect(ifRangeAllows('"b"', '"a"', 'x')).toBe(false)
    expect(ifRangeAllows('W/"a"', '"a"', 'x')).toBe(false)
    expect(ifRangeAllows('Tue, 24 Nov 2026 10:00:00 GMT', '"a"', 'Tue, 24 Nov 2026 10:00:00 GMT')).toBe(true)
    expect(ifRangeAllows('Mon, 23 Nov 2026 10:00:00 GMT', '"a"', 'Tue, 24 Nov 2026 10:00:00 GMT')).toBe(false)
  })
})

describe('byte coverage of a transfer', () => {
  it('is complete only when every byte was delivered, in any order, with overlaps', () => {
    const c = new Coverage()
    c.add(0, 100)
    c.add(300, 400)
    expect(c.bytes).toBe(200)
    expect(c.covers(400)).toBe(false)
    c.add(50, 350)
    expect(c.toJSON()).toEqual([[0, 400]])
    expect(c.covers(400)).toBe(true)
    const resumed = new Coverage(c.toJSON())
    expect(resumed.bytes).toBe(400)
  })
})

describe('choosing what to deliver', () => {
  const ready = new Set([1, 2, 3])
  const state = (cursor = 0, counts: Array<[number, number]> = []) => ({
    cursor,
    delivered: () => new Map(counts),
    random: () => 0.99,
  })
  it('follows the strategy, using ready videos only', () => {
    expect(pickVideo('fixed', [4, 2, 3], ready, state()).videoId).toBe(2)
    const seen: number[] = []
    let cursor = 0
    for (let i = 0; i < 4; i++) {
      const p = pickVideo('rotate', [1, 2, 3], ready, state(cursor))
      seen.push(p.videoId!)
      cursor = p.cursor
    }
    expect(seen).toEqual([1, 2, 3, 1])
    expect(pickVideo('random', [1, 2, 3], ready, state()).videoId).toBe(3)
    expect(
      pickVideo(
        'least-delivered',
        [1, 2, 3],
        ready,
        state(0, [
          [1, 5],
          [2, 1],
          [3, 2],
        ]),
      ).videoId,
    ).toBe(2)
    expect(pickVideo('fixed', [9], ready, state()).videoId).toBeNull()
  })

  it('gives each device the largest rendition not above its target', () => {
    const r = [
      { label: '1080p', width: 1080, height: 1920 },
      { label: '720p', width: 720, height: 1280 },
      { label: '480p', width: 480, height: 854 },
    ]
    expect(pickRendition(r, '720p')?.label).toBe('720p')
    expect(pickRendition(r, '1080p')?.label).toBe('1080p')
    expect(pickRendition(r.slice(0, 1), '480p')?.label).toBe('1080p')
    expect(pickRendition([{ label: '360p', width: 640, height: 360 }], '720p')?.label).toBe('360p')
    expect(pickRendition([], '720p')).toBeNull()
  })
})

describe('phone pages from the cache', () => {
  const base = {
    brand: DEFAULT_BRAND,
    title: '春季新品 <"&\'>',
    downloadName: '春季新品-720p.mp4',
    device: describeDevice(UA.iphone),
  }
  it('is byte for byte the page rendered afresh, for every token, place in line, language and phone', () => {
    for (const lang of ['zh-CN', 'en'] as const)
      for (const ua of [UA.iphone, UA.android, UA.wechat, UA.desktop])
        for (const position of [0, 3, 0, 12, 1234])
          for (const token of [newOrderedToken(18), newOrderedToken(18)]) {
            const d = { ...base, lang, token, position, device: describeDevice(ua) }
            expect(tapPageBytes(d).toString()).toBe(tapPage(d))
          }
    const odd = {
      ...base,
      lang: 'en' as const,
      token: newOrderedToken(18),
      position: 2,
      title: 'a\u0000t\u0000b',
    }
    expect(tapPageBytes(odd).toString()).toBe(tapPage(odd))
    const m = { lang: 'en' as const, brand: DEFAULT_BRAND, title: 'Gone', text: 'Ask staff', icon: '!' }
    expect(messagePageBytes(m).toString()).toBe(messagePage(m))
  })

  it('fills in the caption drawn for each tap, escaped, on a page cached for the tag’s settings', () => {
    const limits = {
      ...DEFAULT_PLATFORM_LIMITS,
      // A platform that writes hashtags its own way gets its own text (its button copies that one).
      kuaishou: { ...DEFAULT_PLATFORM_LIMITS.kuaishou, hashtagForm: 'hash-closed' as const },
    }
    const drawn = (text: string, poi: string | null) => ({
      captionId: 1,
      variantId: null,
      seed: null,
      remixFallback: null,
      text,
      hashtags: ['探店'],
      mentions: ['店长'],
      poi,
      emptyVariables: [],
    })
    const blocks = [
      { kind: 'wifi' as const, ssid: 'Shop "5G" <x>', password: 'p&ss' },
      { kind: 'coupon' as const },
      { kind: 'review' as const, url: 'https://www.dianping.com/shop/1?a=1&b="2"' },
    ]
    const seen = new Set<string>()
    for (const lang of ['zh-CN', 'en'] as const)
      for (const ua of [UA.iphone, UA.wechat])
        for (const [text, poi] of [
          ['来打卡 <b>"限定"</b> & 好物 🎉', '国贸 & 商城'],
          ["second's words\non two lines", null],
          ['a\u0000c\u0000b', null],
        ] as const)
          for (const douyin of [false, true]) {
            const publish = phonePublish(drawn(text, poi), ['douyin', 'kuaishou', 'wechat'], limits, douyin)
            const d = {
              ...base,
              lang,
              token: newOrderedToken(18),
              position: 0,
              device: describeDevice(ua),
              publish,
              blocks,
            }
            const html = tapPageBytes(d).toString()
            expect(html).toBe(tapPage(d))
            seen.add(html.replace(d.token, ''))
            expect(html).not.toContain('<b>"限定"</b>')
            expect(html).not.toContain('Shop "5G" <x>')
            expect(html).toContain('data-p="kuaishou" hidden>')
            expect(html.includes('id="dy"')).toBe(douyin)
          }
    // Each tap's caption is its own, though the page around it comes from the cache.
    expect(seen.size).toBe(2 * 2 * 3 * 2)
    // A save-only tag has no publish part at all.
    expect(phonePublish(drawn('x', null), [], limits, true)).toBeNull()
  })

  it('renders again for a changed brand', () => {
    const d = { ...base, lang: 'en' as const, token: newOrderedToken(18), position: 0 }
    const before = tapPageBytes(d).toString()
    const renamed = { ...DEFAULT_BRAND, productName: { ...DEFAULT_BRAND.productName, en: 'Shop Two' } }
    const after = tapPageBytes({ ...d, brand: renamed }).toString()
    expect(after).not.toBe(before)
    expect(after).toContain('Shop Two')
  })
})

describe('admission to download', () => {
  function setup(max = 2) {
    let now = 0
    const admitted: number[] = []
    const expired: number[] = []
    const idle: number[] = []
    const a = new Admission(
      { maxStreams: () => max, maxWaitMs: () => 60_000, idleMs: 30_000, now: () => now },
      {
        admitted: (id) => admitted.push(id),
        expired: (id) => expired.push(id),
        idle: (id) => idle.push(id),
        changed: () => {},
      },
    )
    return { a, admitted, expired, idle, tick: (ms: number) => (now += ms), at: () => now }
  }
  const c = (id: number, tier: 'normal' | 'vip', bytes: number, arrivedAt: number): Candidate => ({
    transferId: id,
    tier,
    bytesTotal: bytes,
    arrivedAt,
  })

  it('lets N phones in and queues the rest VIP first, then smaller files, then arrival', () => {
    const s = setup(2)
    expect(s.a.request(c(1, 'normal', 500, 0))).toBe(0)
    expect(s.a.request(c(2, 'normal', 500, 1))).toBe(0)
    s.a.request(c(3, 'normal', 900, 2))
    s.a.request(c(4, 'normal', 100, 3))
    s.a.request(c(5, 'vip', 900, 4))
    s.a.request(c(6, 'normal', 100, 5))
    expect([3, 4, 5, 6].map((id) => s.a.positionOf(id))).toEqual([4, 2, 1, 3])
    // The monitor's view: the whole count, but only the head of the line.
    const view = s.a.snapshot(2)
    expect(view).toMatchObject({ maxStreams: 2, active: 2, waitingTotal: 4 })
    expect(view.waiting.map((w) => [w.transferId, w.position])).toEqual([
      [5, 1],
      [4, 2],
    ])
    s.a.release(1)
    s.a.release(2)
    expect(s.admitted).toEqual([5, 4])
    s.a.release(5)
    s.a.release(4)
    s.a.release(6)
    expect(s.admitted).toEqual([5, 4, 6, 3])
  })

  it('sends phones that waited too long away, and takes back slots nobody downloads on', () => {
    const s = setup(1)
    s.a.request(c(1, 'normal', 1, 0))
    s.a.request(c(2, 'normal', 1, 0))
    s.tick(61_000)
    s.a.sweep()
    expect(s.expired).toEqual([2])
    expect(s.idle).toEqual([1])
    const t = setup(1)
    t.a.request(c(1, 'normal', 1, 0))
    t.a.streamOpened(1)
    t.tick(120_000)
    t.a.sweep()
    expect(t.idle).toEqual([]) // a download in progress keeps its slot however long it takes
  })
})

describe('phones', () => {
  it('tells phones, tablets, WeChat and computers apart', () => {
    expect(describeDevice(UA.iphone)).toMatchObject({
      type: 'phone',
      ios: true,
      wechat: false,
      os: 'iOS 17.4',
    })
    expect(describeDevice(UA.ipad)).toMatchObject({ type: 'tablet', ios: true })
    expect(describeDevice(UA.android)).toMatchObject({ type: 'phone', android: true, browser: 'Chrome 120' })
    expect(describeDevice(UA.wechat)).toMatchObject({ type: 'phone', wechat: true, browser: 'WeChat' })
    expect(describeDevice(UA.desktop)).toMatchObject({ type: 'other', ios: false, android: false })
    expect(describeDevice(undefined)).toMatchObject({ type: 'other' })
  })

  it('rate-limits per address with a small burst', () => {
    let now = 0
    const r = new RateLimiter(
      () => 20,
      () => now,
    )
    const got = Array.from({ length: 8 }, () => r.take('1.2.3.4'))
    expect(got).toEqual([true, true, true, true, true, false, false, false])
    expect(r.take('1.2.3.5')).toBe(true)
    now += 60_000
    expect(r.take('1.2.3.4')).toBe(true)
    expect(new RateLimiter(() => 0).take('x')).toBe(true)
  })
})

describe('tag codes and download names', () => {
  it('makes 12-character URL-safe codes (72 random bits) whose LAN URL fits an NTAG213 with room', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => newTagCode()))
    expect(codes.size).toBe(2000)
    for (const code of codes) expect(code).toMatch(TAG_CODE)
    // None starts with "-" (a formula to a spreadsheet, a flag to a command line); one in 64 did.
    expect([...codes].filter((c) => c.startsWith('-'))).toEqual([])
    const url = tagUrl('http://192.168.100.200:8080', newTagCode())
    // On the tag: TLV (2) + record header (4) + URI prefix code (1, replacing "http://") + the rest + terminator (1).
    const ndefBytes = 2 + 4 + 1 + (Buffer.byteLength(url) - 'http://'.length) + 1
    expect(ndefBytes).toBe(43) // the URL is 42 bytes
    expect(ndefBytes).toBeLessThanOrEqual(144 / 2) // NTAG213 holds 144 bytes: this uses under half
  })

  it('makes transfer tokens and device ids with 96 / 80 random bits after a millisecond time stamp', () => {
    const before = Date.now()
    const tokens = Array.from({ length: 5000 }, () => newOrderedToken(18))
    const after = Date.now()
    expect(new Set(tokens).size).toBe(5000)
    const randomParts = new Set<string>()
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{24}$/)
      const bytes = Buffer.from(t, 'base64url')
      expect(bytes.readUIntBE(0, 6)).toBeGreaterThanOrEqual(before)
      expect(bytes.readUIntBE(0, 6)).toBeLessThanOrEqual(after)
      randomParts.add(bytes.subarray(6).toString('hex'))
    }
    expect(randomParts.size).toBe(5000)
    const id = newDeviceId()
    expect(validDeviceId(id)).toBe(true)
    expect(Buffer.from(id, 'base64url').readUIntBE(0, 6)).toBeGreaterThanOrEqual(after)
    expect(() => newOrderedToken(8)).toThrow(RangeError)
  })

  it('names downloads in UTF-8 with an ASCII fallback', () => {
    expect(contentDisposition('春季新品-720p.mp4')).toBe(
      `attachment; filename="____-720p.mp4"; filename*=UTF-8''%E6%98%A5%E5%AD%A3%E6%96%B0%E5%93%81-720p.mp4`,
    )
    expect(contentDisposition('a"b\\c.mp4')).toBe(
      `attachment; filename="a_b_c.mp4"; filename*=UTF-8''a%22b%5Cc.mp4`,
    )
  })
})

describe('the saved file’s name', () => {
  it('keeps the title readable: markup typed into it goes, characters that break file names too', () => {
    expect(downloadName('春季新品 🌸 <i>限定</i>', '720p')).toBe('春季新品 🌸 限定-720p.mp4')
    expect(downloadName('a/b\\c:d*e?"f"|g', '480p')).toBe('a b c d e f g-480p.mp4')
    // Angle brackets that are no markup stay readable as a space.
    expect(downloadName('3<5 买一送一', '720p')).toBe('3 5 买一送一-720p.mp4')
    expect(downloadName('<b></b>', '720p')).toBe('video-720p.mp4')
    // Words in angle brackets are no markup: they stay.
    expect(downloadName('买二 <get 1 free>', '720p')).toBe('买二 get 1 free-720p.mp4')
  })
})

import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signShare, newNonce } from '../../src/main/core/publish/douyin/signature'
import { buildShareSchema, cleanHashtags } from '../../src/main/core/publish/douyin/schema'
import { douyinTooOld } from '../../src/main/core/publish/douyin/versions'

// Douyin's worked example (docs/douyin.md §5, 发布内容至抖音 H5 场景).
const DOC = {
  nonceStr: 'Wm3WZYTPz0wzccnW',
  ticket: '@ml6sqYBGgTKmQNajnKNkaj8yksCAY++adIhlGIqfTiKyvBqOIkzdJ6WRgP+nO+wtVItqKbX4iZ+mFIYkyPJjpQ==',
  timestamp: '1650941858',
  signature: '3f7b739a91a52cb7d85c4f89c5f611fe',
}

/** The documented algorithm written out here, apart from the hub's signer: string1 by hand, MD5 by Node. */
function documented(nonceStr: string, ticket: string, timestamp: string): string {
  const string1 = 'nonce_str=' + nonceStr + '&ticket=' + ticket + '&timestamp=' + timestamp
  return createHash('md5').update(Buffer.from(string1, 'utf8')).digest('hex')
}

describe('Douyin H5 share signature', () => {
  it('the documented algorithm gives the documentation’s own example', () => {
    expect(documented(DOC.nonceStr, DOC.ticket, DOC.timestamp)).toBe(DOC.signature)
  })

  it('the hub’s signer gives the documented signature for fixed inputs', () => {
    expect(signShare(DOC)).toBe(DOC.signature)
    const cases = [
      { nonceStr: 'a', ticket: 't', timestamp: '0' },
      { nonceStr: 'ZZZZZZZZZZZZZZZZ', ticket: 'bxLdikRXVbTPdHSM05e5u5sUoXNKd8', timestamp: '1700000000' },
      // Values are signed raw: + / = & and a non-ASCII character are not escaped.
      { nonceStr: 'n&x=y', ticket: '@a+b/c==测试', timestamp: '1712345678' },
    ]
    for (const c of cases) expect(signShare(c)).toBe(documented(c.nonceStr, c.ticket, c.timestamp))
    // Any change to a signed field changes the signature.
    expect(signShare({ ...DOC, timestamp: '1650941859' })).not.toBe(DOC.signature)
    expect(signShare({ ...DOC, ticket: DOC.ticket.replace('@', '') })).not.toBe(DOC.signature)
  })

  it('makes nonces like the documentation’s: 16 letters and digits, different each time', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => newNonce()))
    expect(nonces.size).toBe(200)
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9]{16}$/)
  })
})

describe('Douyin H5 share schema', () => {
  const fixed = {
    clientKey: 'awtestkey123',
    nonceStr: DOC.nonceStr,
    timestamp: DOC.timestamp,
    signature: DOC.signature,
    state: '7000000001',
    videoPath: 'http://192.168.1.20:8080/m/AbCdEfGhIjKlMnOpQrStUvWx',
    title: '春季新品 到店有礼',
    hashtags: ['#门店', '春季新品', '门店', ' '],
  }

  it('equals the documented schema for fixed inputs: keys sorted, encodeURIComponent, hashtags as a JSON array', () => {
    // Written out with Python's quote(safe="-_.!~*'()") (what encodeURIComponent leaves alone), not by the hub.
    expect(buildShareSchema(fixed)).toBe(
      'snssdk1128://openplatform/share?client_key=awtestkey123' +
        '&hashtag_list=%5B%22%E9%97%A8%E5%BA%97%22%2C%22%E6%98%A5%E5%AD%A3%E6%96%B0%E5%93%81%22%5D' +
        '&nonce_str=Wm3WZYTPz0wzccnW&share_to_publish=1&share_type=h5' +
        '&signature=3f7b739a91a52cb7d85c4f89c5f611fe&state=7000000001&timestamp=1650941858' +
        '&title=%E6%98%A5%E5%AD%A3%E6%96%B0%E5%93%81%20%E5%88%B0%E5%BA%97%E6%9C%89%E7%A4%BC' +
        '&video_path=http%3A%2F%2F192.168.1.20%3A8080%2Fm%2FAbCdEfGhIjKlMnOpQrStUvWx',
    )
  })

  it('reads back as the documented parameters, and never carries a +', () => {
    const schema = buildShareSchema({ ...fixed, title: 'a+b c&d=e #话题' })
    expect(schema.startsWith('snssdk1128://openplatform/share?')).toBe(true)
    const q = new URLSearchParams(schema.split('?')[1])
    expect(Object.fromEntries(q)).toEqual({
      share_type: 'h5',
      client_key: 'awtestkey123',
      nonce_str: DOC.nonceStr,
      timestamp: DOC.timestamp,
      signature: DOC.signature,
      state: '7000000001',
      video_path: fixed.videoPath,
      share_to_publish: '1',
      title: 'a+b c&d=e #话题',
      hashtag_list: '["门店","春季新品"]',
    })
    expect(schema.split('?')[1]).not.toContain('+')
  })

  it('leaves out an empty title and an empty hashtag list', () => {
    const q = new URLSearchParams(
      buildShareSchema({ ...fixed, title: '  ', hashtags: ['#', ''] }).split('?')[1],
    )
    expect(q.has('title')).toBe(false)
    expect(q.has('hashtag_list')).toBe(false)
  })

  it('cleans hashtags: leading # (also full-width) dropped, trimmed, each once, order kept', () => {
    expect(cleanHashtags(['#a', '＃b', ' a ', '##c', '', '#'])).toEqual(['a', 'b', 'c'])
  })
})

describe('Douyin minimum versions (Android 20.8.0, iOS 21.5.0)', () => {
  it('knows an older app only when the version and OS are known', () => {
    expect(douyinTooOld('android', '20.7.9')).toBe(true)
    expect(douyinTooOld('android', '20.8.0')).toBe(false)
    expect(douyinTooOld('android', '20.10')).toBe(false)
    expect(douyinTooOld('ios', '21.4.99')).toBe(true)
    expect(douyinTooOld('ios', '21.5')).toBe(false)
    expect(douyinTooOld('ios', '9.0.0')).toBe(true)
    expect(douyinTooOld('ios', '30.1.0')).toBe(false)
    expect(douyinTooOld('other', '1.0.0')).toBe(false)
    expect(douyinTooOld('android', undefined)).toBe(false)
    expect(douyinTooOld('android', 'beta')).toBe(false)
  })
})

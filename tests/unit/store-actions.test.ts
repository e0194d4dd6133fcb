import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import QRCode from 'qrcode'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../src/main/db/open'
import { createRepos, type Repos } from '../../src/main/db/repos'
import { silentLogger } from '../../src/main/core/logger'
import { AuditService } from '../../src/main/core/audit/service'
import { ConfigStore } from '../../src/main/core/config/store'
import { loadConfig } from '../../src/main/core/config/load'
import { EventBus } from '../../src/main/core/events/bus'
import { sniffImage } from '../../src/main/core/store-actions/image'
import { StoreActionsService, type CouponTransfer } from '../../src/main/core/store-actions/service'
import { systemContext, type CallContext } from '../../src/main/core/auth/actor'
import { HubError } from '../../src/main/core/errors'
import { tempDir } from '../helpers/tmp'

let dir: ReturnType<typeof tempDir>
let repos: Repos
let config: ConfigStore
const logger = silentLogger()
const given: number[] = []
const transfers = new Map<string, CouponTransfer>()

const staff: CallContext = {
  actor: { kind: 'user', userId: 2, username: 'staff1', displayName: '', role: 'staff', sessionId: 1 },
  ip: null,
  userAgent: null,
}

function service(dataDir = dir.path) {
  return new StoreActionsService({
    config,
    repos,
    audit: new AuditService(repos.audit),
    events: new EventBus(),
    logger,
    dir: join(dataDir, 'store'),
    transfer: (token) => transfers.get(token) ?? null,
    couponGiven: (t) => given.push(t.id),
    couponsPerMinute: () => 0,
  })
}

beforeEach(() => {
  dir = tempDir()
  repos = createRepos(
    openDatabase(join(dir.path, 'tapdrop.db'), { backupsDir: join(dir.path, 'backups'), logger }).db,
  )
  writeFileSync(join(dir.path, 'config.json'), '{}')
  config = new ConfigStore(loadConfig({ file: join(dir.path, 'config.json'), env: {}, flags: {} }))
  given.length = 0
  transfers.clear()
})
afterEach(() => {
  closeDatabase(repos.db)
  dir.cleanup()
})

async function qrPng(): Promise<Buffer> {
  return QRCode.toBuffer('https://u.wechat.com/store-example', { width: 240 })
}

function jpeg(size = '200x160'): Buffer {
  const out = join(dir.path, 'x.jpg')
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}`,
    '-frames:v',
    '1',
    out,
  ])
  return readFileSync(out)
}

describe('the WeChat QR image', () => {
  it('is told by its bytes: PNG and JPEG with their size; SVG, GIF, cut files, tiny or huge pictures refused', async () => {
    const png = await qrPng()
    expect(sniffImage(png)).toEqual({ type: 'image/png', width: 240, height: 240 })
    expect(sniffImage(jpeg())).toEqual({ type: 'image/jpeg', width: 200, height: 160 })
    expect(sniffImage(png.subarray(0, png.length - 20))).toBeNull()
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'))).toBeNull()
    expect(sniffImage(Buffer.from('GIF89a\x01\x00\x01\x00'))).toBeNull()
    expect(sniffImage(jpeg('32x32'))).toBeNull()
    expect(sniffImage(Buffer.alloc(0))).toBeNull()
  })

  it('is kept in the data folder, served from memory, replaced, removed, and read again at start', async () => {
    const s = service()
    const png = await qrPng()
    const v = s.setWechatQr(systemContext, png.toString('base64'))
    expect(v.wechatQr).toMatchObject({ type: 'image/png', bytes: png.length, width: 240, height: 240 })
    expect(s.wechatQrImage()!.body.equals(png)).toBe(true)
    expect(service().wechatQrImage()!.body.equals(png)).toBe(true)
    const jpg = jpeg()
    s.setWechatQr(systemContext, jpg.toString('base64'))
    expect(existsSync(join(dir.path, 'store', 'wechat-qr.png'))).toBe(false)
    expect(service().wechatQrImage()!.type).toBe('image/jpeg')
    s.setWechatQr(systemContext, null)
    expect(s.wechatQrImage()).toBeNull()
    expect(service().wechatQrImage()).toBeNull()
  })

  it('refuses what is not a picture with a clear reason, and staff may not change it', async () => {
    const s = service()
    expect(() => s.setWechatQr(systemContext, Buffer.from('<svg/>').toString('base64'))).toThrow(
      /not a PNG or JPEG image/,
    )
    const png = (await qrPng()).toString('base64')
    expect(() => s.setWechatQr(staff, png)).toThrow(HubError)
    expect(s.wechatQrImage()).toBeNull()
  })
})

describe('the phone page’s blocks', () => {
  it('come in the tag’s order, each only with what it needs', async () => {
    const s = service()
    expect(s.blocks(['review', 'wechat', 'wifi', 'coupon'])).toEqual([{ kind: 'coupon' }])
    config.update({
      wifiSsid: '门店WiFi',
      wifiPassword: 'pass-1234',
      reviewUrl: 'https://www.dianping.com/shop/1',
    })
    s.setWechatQr(systemContext, (await qrPng()).toString('base64'))
    expect(s.blocks(['review', 'wechat', 'wifi', 'coupon'])).toEqual([
      { kind: 'review', url: 'https://www.dianping.com/shop/1' },
      { kind: 'wechat' },
      { kind: 'wifi', ssid: '门店WiFi', password: 'pass-1234' },
      { kind: 'coupon' },
    ])
    expect(s.blocks([])).toEqual([])
  })
})

describe('coupons', () => {
  function tagWith(actions: CouponTransfer['storeActions']): number {
    return repos.tags.insert({
      code: `c${Math.random().toString(36).slice(2, 13)}`,
      label: '',
      tier: 'normal',
      strategy: 'fixed',
      dailyCap: null,
      baseUrl: 'http://x',
      platforms: [],
      captionStrategy: 'rotate',
      storeActions: actions,
      createdBy: null,
      now: 1,
    })
  }
  const page = (token: string, id: number, tagId: number, deviceId: string, actions = ['coupon'] as const) =>
    transfers.set(token, { id, tagId, videoId: null, createdAt: 1, deviceId, storeActions: [...actions] })

  it('gives one code per phone and tag, the same again to that phone, and says when none is left', () => {
    const s = service()
    const tagId = tagWith(['coupon'])
    expect(s.importCoupons(systemContext, { tagId, codes: ['C-1', 'C-2'] })).toEqual({
      tagId,
      total: 2,
      claimed: 0,
      added: 2,
      duplicates: 0,
    })
    page('t1', 1, tagId, 'phone-a')
    page('t2', 2, tagId, 'phone-a')
    page('t3', 3, tagId, 'phone-b')
    page('t4', 4, tagId, 'phone-c')
    expect(s.claimCoupon('t1', null)).toEqual({ kind: 'code', code: 'C-1' })
    // The same phone on another transfer of that tag sees its code again.
    expect(s.claimCoupon('t2', null)).toEqual({ kind: 'code', code: 'C-1' })
    expect(s.claimCoupon('t3', null)).toEqual({ kind: 'code', code: 'C-2' })
    expect(s.claimCoupon('t4', null)).toEqual({ kind: 'none-left' })
    expect(s.claimCoupon('nope', null)).toEqual({ kind: 'unknown-transfer' })
    page('t5', 5, tagId, 'phone-d', [] as never)
    expect(s.claimCoupon('t5', null)).toEqual({ kind: 'not-offered' })
    expect(given).toEqual([1, 2, 3])
    expect(s.couponSummary(systemContext, tagId)).toEqual({ tagId, total: 2, claimed: 2 })
    // The audit log says how many, never the codes.
    const audit = repos.db.prepare("SELECT details FROM audit_log WHERE action = 'coupon.import'").get() as {
      details: string
    }
    expect(audit.details).not.toMatch(/C-1/)
  })
})

import { newOrderedToken } from '../auth/tokens'
import { UAParser } from 'ua-parser-js'
import type { DeviceType } from '../../../shared/contract/transfers'

export interface DeviceInfo {
  type: DeviceType
  os: string
  browser: string
  ios: boolean
  android: boolean
  /** WeChat's in-app browser: it blocks downloads, so the page says "open in browser" instead. */
  wechat: boolean
}

const CACHE = new Map<string, DeviceInfo>()

/** What kind of phone: for the rendition, the save instructions, and the dashboard. */
export function describeDevice(userAgent: string | undefined): DeviceInfo {
  const ua = (userAgent ?? '').slice(0, 512)
  const hit = CACHE.get(ua)
  if (hit) return hit
  const r = new UAParser(ua).getResult()
  const os =
    [r.os.name, r.os.version?.split('.').slice(0, 2).join('.')].filter(Boolean).join(' ') || 'unknown'
  const wechat = /MicroMessenger/i.test(ua)
  const browser = wechat ? 'WeChat' : [r.browser.name, r.browser.major].filter(Boolean).join(' ') || 'unknown'
  const type: DeviceInfo['type'] =
    r.device.type === 'mobile'
      ? 'phone'
      : r.device.type === 'tablet'
        ? 'tablet'
        : /Mobile|Android|iPhone/i.test(ua)
          ? 'phone'
          : 'other'
  const info: DeviceInfo = {
    type,
    os,
    browser,
    ios: /iPhone|iPad|iPod/.test(ua) || r.os.name === 'iOS',
    android: /Android/i.test(ua),
    wechat,
  }
  // Store PCs see a handful of distinct user agents; a bounded cache saves parsing on every request.
  if (CACHE.size > 2000) CACHE.clear()
  CACHE.set(ua, info)
  return info
}

/** A first-party cookie identifies a phone for its daily quota; nothing else is kept about it. */
export const DEVICE_COOKIE = 'td_dev'
const DEVICE_ID = /^[A-Za-z0-9_-]{22}$/

export function validDeviceId(value: string | null): value is string {
  return value !== null && DEVICE_ID.test(value)
}

/** 80 random bits after a time stamp: new phones append to the transfers' device index (see newOrderedToken). */
export function newDeviceId(): string {
  return newOrderedToken(16)
}

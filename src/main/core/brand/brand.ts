import type { BrandFile } from '../../../shared/contract/brand'

/**
 * The brand in effect: a profile (resources/brands/<id> or one a reseller imported) with the store's allowed edits.
 * Every surface reads it: the console theme and name, the window title and tray, the phone pages, label PDFs and
 * notification titles.
 */
export interface Brand extends BrandFile {
  /** Absolute paths of the checked assets. */
  logoPath: string | null
  /** Where pages load the logo; it changes with the file, so phones and browsers drop an old one. */
  logoUrl: string | null
  iconPath: string | null
  /** Shipped with the app (cannot be deleted or replaced by an import). */
  builtin: boolean
}

/** Used only if even the built-in profile cannot be read (a damaged install): the hub still runs and says so. */
export const DEFAULT_BRAND: Brand = {
  schema: 1,
  id: 'tapdrop',
  productName: { 'zh-CN': '碰一碰', en: 'TapDrop' },
  shortName: 'TapDrop',
  logo: 'logo.svg',
  icon: 'icon.png',
  colors: { primary: '#1f6feb', accent: '#f59e0b' },
  phone: {
    title: { 'zh-CN': '碰一碰 · 视频', en: 'TapDrop video' },
    welcome: { 'zh-CN': '碰一碰，把视频带回家', en: 'Tap to take the video home' },
    footer: { 'zh-CN': '由 TapDrop 提供', en: 'Powered by TapDrop' },
  },
  support: {},
  appId: 'com.tapdrop.hub',
  installerName: 'TapDrop',
  locked: [],
  logoPath: null,
  logoUrl: null,
  iconPath: null,
  builtin: true,
}

/** What the phone page and the admin console show of the brand. OEM profiles (resources/brand) fill this in. */
export interface Brand {
  productName: { 'zh-CN': string; en: string }
  shortName: string
  colors: { primary: string; accent: string }
  phone: {
    title: { 'zh-CN': string; en: string }
    welcome: { 'zh-CN': string; en: string }
    footer: { 'zh-CN': string; en: string }
  }
}

export const DEFAULT_BRAND: Brand = {
  productName: { 'zh-CN': '碰一碰', en: 'TapDrop' },
  shortName: 'TapDrop',
  colors: { primary: '#1f6feb', accent: '#f59e0b' },
  phone: {
    title: { 'zh-CN': '碰一碰 · 视频', en: 'TapDrop video' },
    welcome: { 'zh-CN': '碰一碰，把视频带回家', en: 'Tap to take the video home' },
    footer: { 'zh-CN': '由 TapDrop 提供', en: 'Powered by TapDrop' },
  },
}

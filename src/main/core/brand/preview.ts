import { readFileSync } from 'node:fs'
import type { BrandPatch } from '../../../shared/contract/brand'
import type { Language } from '../../../shared/languages'
import { describeDevice, type DeviceInfo } from '../delivery/device'
import type { PhonePublish } from '../publish/phone-page'
import type { PhoneBlock } from '../store-actions/service'
import type { Brand } from './brand'
import type { BrandService } from './service'

/** What the phone page needs to draw a tap's page; the LAN listener's renderer (lan/pages/tap.ts) is passed in. */
export interface PhonePageData {
  lang: Language
  brand: Brand
  token: string
  title: string
  downloadName: string
  position: number
  device: DeviceInfo
  /** The tag's publish buttons and this tap's caption (none: a save-only page). */
  publish?: PhonePublish | null
  /** The store actions beside the video, in the tag's order. */
  blocks?: readonly PhoneBlock[]
}

export type PhonePageRenderer = (page: PhonePageData) => string

/** Previews show the page an iPhone gets (help for iPhones first), under a token no transfer can have. */
export const PREVIEW_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'

/**
 * The preview is shown in a sandboxed frame of the console, which cannot fetch from the hub: its logo goes inline.
 */
export function inlineLogo(brand: Brand, html: string): string {
  const url = brand.logoUrl
  if (!url || !brand.logoPath) return html
  const type = brand.logoPath.endsWith('.svg') ? 'image/svg+xml' : 'image/png'
  return html.replace(url, `data:${type};base64,${readFileSync(brand.logoPath).toString('base64')}`)
}

export const PREVIEW_TOKEN = 'preview-preview-preview0'

/** The Brand page's preview: the page an iPhone would get after a tap, with the unsaved edits applied. */
export function brandPreview(
  brands: BrandService,
  render: PhonePageRenderer,
): (patch: BrandPatch, lang: Language) => string {
  return (patch, lang) => {
    const brand = brands.draft(patch)
    return inlineLogo(
      brand,
      render({
        lang,
        brand,
        token: PREVIEW_TOKEN,
        title: lang === 'en' ? 'New arrivals' : '春季新品',
        downloadName: 'preview.mp4',
        position: 0,
        device: describeDevice(PREVIEW_UA),
      }),
    )
  }
}

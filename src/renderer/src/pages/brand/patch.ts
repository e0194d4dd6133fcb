import type { BrandField, BrandPatch, BrandView } from '../../../../shared/contract/brand'

export type BrandFormValues = Required<
  Pick<BrandPatch, 'productName' | 'shortName' | 'phone' | 'support'>
> & {
  colors: { primary: string; accent: string }
}

export function toForm(b: BrandView): BrandFormValues {
  return {
    productName: b.productName,
    shortName: b.shortName,
    colors: b.colors,
    phone: { ...b.phone, contact: b.phone.contact ?? { 'zh-CN': '', en: '' } },
    // Every field named, so switching profiles clears what the previous one had.
    support: { name: '', phone: '', email: '', url: '', ...b.support },
  }
}

/** A colour picker gives a colour object; the hub takes #rrggbb. */
export const hex = (c: unknown): string =>
  typeof c === 'string' ? c : ((c as { toHexString?: () => string })?.toHexString?.() ?? '#000000')

/** Only what the profile leaves open, empty optional texts left out (the hub refuses empty ones). */
export function toPatch(v: BrandFormValues, locked: BrandField[]): BrandPatch {
  const contact = v.phone.contact
  const phone = {
    title: v.phone.title,
    welcome: v.phone.welcome,
    footer: v.phone.footer,
    ...(contact?.['zh-CN']?.trim() && contact.en?.trim() ? { contact } : {}),
  }
  const support = Object.fromEntries(
    Object.entries(v.support ?? {}).filter(([, x]) => typeof x === 'string' && x.trim()),
  )
  const all: BrandPatch = {
    productName: v.productName,
    shortName: v.shortName,
    colors: { primary: hex(v.colors?.primary), accent: hex(v.colors?.accent) },
    phone,
    support,
  }
  for (const f of locked) delete all[f]
  return all
}

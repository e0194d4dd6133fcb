import { z } from 'zod'
import { BrandTextsSchema, type BrandField } from '../../../../shared/contract/brand'

export type BrandSection = 'identity' | 'phone' | 'support'
export const BRAND_SECTIONS: BrandSection[] = ['identity', 'phone', 'support']

export type BrandFieldKind =
  /** One text per language, side by side. */
  | { kind: 'bilingual'; max: number; required: boolean }
  | { kind: 'text'; max?: number; required: boolean }
  | { kind: 'color' }

export type BrandFormField = BrandFieldKind & {
  /** Where the value sits in brand-update's patch, e.g. ['phone', 'welcome']. */
  path: string[]
  section: BrandSection
  /** The part of the profile a reseller can lock (a lock covers every field of that part). */
  lock: BrandField
  /** i18n key of the label. */
  label: string
  /** Of the form's 24 columns (bilingual fields take a whole row). */
  span: number
  /** Gives the field (each language's input, for bilingual ones) a test id. */
  testIds?: boolean
}

const shape = BrandTextsSchema.shape
// Lengths and "required" are the contract's (the hub refuses the same), read from it rather than repeated.
const maxOf = (s: z.ZodString) => s.maxLength ?? undefined
type Bilingual = z.ZodObject<{ 'zh-CN': z.ZodString; en: z.ZodString }>
const bilingual = (
  path: string[],
  lock: BrandField,
  label: string,
  section: BrandSection,
  text: Bilingual | z.ZodOptional<Bilingual>,
): BrandFormField => {
  const optional = text instanceof z.ZodOptional
  const inner = text instanceof z.ZodOptional ? text.unwrap() : text
  return {
    kind: 'bilingual',
    max: maxOf(inner.shape['zh-CN']) ?? 200,
    required: !optional,
    path,
    lock,
    label,
    section,
    span: 24,
    testIds: true,
  }
}
const support = (key: 'phone' | 'email' | 'url', label: string): BrandFormField => ({
  kind: 'text',
  required: false,
  path: ['support', key],
  section: 'support',
  lock: 'support',
  label,
  span: 8,
})

/** The brand form, top to bottom: the page renders exactly this. */
export const BRAND_FIELDS: BrandFormField[] = [
  bilingual(['productName'], 'productName', 'brand.label.productName', 'identity', shape.productName),
  {
    kind: 'text',
    max: maxOf(shape.shortName),
    required: true,
    path: ['shortName'],
    section: 'identity',
    lock: 'shortName',
    label: 'brand.label.shortName',
    span: 8,
  },
  {
    kind: 'color',
    path: ['colors', 'primary'],
    section: 'identity',
    lock: 'colors',
    label: 'brand.primary',
    span: 8,
  },
  {
    kind: 'color',
    path: ['colors', 'accent'],
    section: 'identity',
    lock: 'colors',
    label: 'brand.accent',
    span: 8,
  },
  bilingual(['phone', 'title'], 'phone', 'brand.phone.title', 'phone', shape.phone.shape.title),
  bilingual(['phone', 'welcome'], 'phone', 'brand.phone.welcome', 'phone', shape.phone.shape.welcome),
  bilingual(['phone', 'footer'], 'phone', 'brand.phone.footer', 'phone', shape.phone.shape.footer),
  bilingual(['phone', 'contact'], 'phone', 'brand.phone.contact', 'phone', shape.phone.shape.contact),
  support('phone', 'brand.supportPhone'),
  support('email', 'brand.supportEmail'),
  support('url', 'brand.supportUrl'),
]

/** Section headings (the first section has none). */
export const SECTION_TITLE: Record<BrandSection, string | null> = {
  identity: null,
  phone: 'brand.phoneTexts',
  support: 'brand.support',
}

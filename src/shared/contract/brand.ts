import { z } from 'zod'
import { method } from './define'
import { Empty } from './common'
import { TEXT } from './texts'

const Text = (max: number) =>
  z.strictObject({
    'zh-CN': z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`),
    en: z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`),
  })
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, TEXT.colour)
/** A file inside the profile folder: a plain name, no folders, so a profile cannot point outside itself. */
const AssetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.(svg|png)$/, TEXT.assetName)

/** Fields a brand profile has; `locked` names those a store admin may not change. */
export const BrandFieldSchema = z.enum(['productName', 'shortName', 'colors', 'phone', 'support'])
export type BrandField = z.infer<typeof BrandFieldSchema>

export const BrandTextsSchema = z.strictObject({
  productName: Text(40),
  shortName: z.string().trim().min(1, 'must not be empty').max(20, 'at most 20 characters'),
  colors: z.strictObject({ primary: Color, accent: Color }),
  phone: z.strictObject({
    title: Text(60),
    welcome: Text(120),
    footer: Text(120),
    contact: Text(120).optional(),
  }),
  support: z.strictObject({
    name: z.string().trim().min(1).max(60).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^[0-9+() -]{3,30}$/, TEXT.phone)
      .optional(),
    email: z.email(TEXT.email).optional(),
    url: z
      .url({ protocol: /^https?$/, error: TEXT.httpUrl })
      .max(200)
      .optional(),
  }),
})

/** `brand.json` of a brand profile folder (with its logo and app icon beside it). */
export const BrandFileSchema = BrandTextsSchema.extend({
  schema: z.literal(1, TEXT.brandSchema),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, TEXT.brandId),
  logo: AssetName,
  icon: AssetName.refine((n) => n.endsWith('.png'), TEXT.pngFile),
  /** Reverse-DNS application id of the installers, e.g. com.example.shoptap. */
  appId: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*){2,}$/, TEXT.appId),
  /** Base name of installer files, e.g. ShopTap → ShopTap-Setup-1.2.0.exe. */
  installerName: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, TEXT.installerName),
  locked: z.array(BrandFieldSchema).default([]),
})
export type BrandFile = z.infer<typeof BrandFileSchema>

/** What the console and phone pages get: the effective brand (profile + the store's allowed edits). */
export const BrandViewSchema = BrandTextsSchema.extend({
  id: z.string(),
  locked: z.array(BrandFieldSchema),
  /** Where the console loads the logo (changes when the logo does, so caches follow). */
  logoUrl: z.string(),
  builtin: z.boolean(),
})
export type BrandView = z.infer<typeof BrandViewSchema>

export const BrandPatchSchema = z.strictObject({
  productName: BrandTextsSchema.shape.productName.optional(),
  shortName: BrandTextsSchema.shape.shortName.optional(),
  colors: BrandTextsSchema.shape.colors.optional(),
  phone: BrandTextsSchema.shape.phone.optional(),
  support: BrandTextsSchema.shape.support.optional(),
})
export type BrandPatch = z.infer<typeof BrandPatchSchema>

export const brandContract = {
  /** Public: the login page shows the brand before anyone logs in. */
  'brand-get': method({ input: Empty, output: BrandViewSchema, auth: 'public' }),
  'brand-list': method({
    input: Empty,
    output: z.array(
      z.object({
        id: z.string(),
        productName: z.string(),
        builtin: z.boolean(),
        active: z.boolean(),
      }),
    ),
    auth: 'user',
  }),
  /** Changes what the profile allows (admin); locked fields are refused by name. */
  'brand-update': method({ input: BrandPatchSchema, output: BrandViewSchema, auth: 'user' }),
  /** Undoes the store's edits: the profile as shipped. */
  'brand-reset': method({ input: Empty, output: BrandViewSchema, auth: 'user' }),
  'brand-select': method({
    input: z.strictObject({ id: z.string().min(1).max(40) }),
    output: BrandViewSchema,
    auth: 'user',
  }),
  /** The phone page as it would look with these (unsaved) edits: for the live preview in Settings. */
  'brand-preview': method({
    input: z.strictObject({ patch: BrandPatchSchema, lang: z.enum(['zh-CN', 'en']) }),
    output: z.object({ html: z.string() }),
    auth: 'user',
  }),
}

import type { Brand } from '../../core/brand/brand'
import type { Language } from '../../../shared/languages'
import { esc } from './html'

/**
 * The frame of every phone page: tiny, server-rendered, no script needed to read it, brand colours inline.
 * Kept well under a few KB so a cheap phone on a busy Wi-Fi shows it at once.
 */
export function phonePage(options: {
  lang: Language
  brand: Brand
  title: string
  body: string
  extraStyle?: string
}): string {
  const { lang, brand } = options
  const name = brand.productName[lang]
  const logo = brand.logoUrl
  const contact = brand.phone.contact?.[lang] ?? brand.support.phone ?? null
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="color-scheme" content="light">
<title>${esc(options.title)} · ${esc(name)}</title>
<style>
*{box-sizing:border-box}:root{--primary:${esc(brand.colors.primary)}}[hidden]{display:none!important}body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1f2328;background:#f6f8fa}
header{background:${esc(brand.colors.primary)};color:#fff;padding:12px 20px;font-weight:600;font-size:17px;display:flex;align-items:center;gap:10px}
header img{height:28px;width:auto;max-width:120px;background:#fff;border-radius:6px;padding:3px}
main{max-width:560px;margin:0 auto;padding:24px 20px}
.card{background:#fff;border-radius:14px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 8px}p{margin:0;color:#57606a}
.icon{width:48px;height:48px;border-radius:50%;background:${esc(brand.colors.accent)};color:#fff;display:flex;align-items:center;justify-content:center;font-size:26px;margin-bottom:16px}
footer{text-align:center;color:#8c959f;font-size:12px;padding:24px}
${options.extraStyle ?? ''}
</style></head>
<body><header>${logo ? `<img src="${esc(logo)}" alt="">` : ''}<span>${esc(name)}</span></header><main>${options.body}</main><footer>${esc(brand.phone.footer[lang])}${contact ? `<br>${esc(contact)}` : ''}</footer></body></html>`
}

export function messagePage(options: {
  lang: Language
  brand: Brand
  title: string
  text: string
  icon?: string
}): string {
  const body = `<div class="card"><div class="icon" aria-hidden="true">${esc(options.icon ?? '!')}</div><h1>${esc(options.title)}</h1><p>${esc(options.text)}</p></div>`
  return phonePage({ lang: options.lang, brand: options.brand, title: options.title, body })
}

const messages = new WeakMap<Brand, Map<string, Buffer>>()

/** A message page as bytes, rendered once per brand, language and message: a refused flood costs no rendering. */
export function messagePageBytes(options: Parameters<typeof messagePage>[0]): Buffer {
  let forBrand = messages.get(options.brand)
  if (!forBrand) messages.set(options.brand, (forBrand = new Map()))
  const key = [options.lang, options.title, options.text, options.icon].join('\u0000')
  let page = forBrand.get(key)
  if (!page) forBrand.set(key, (page = Buffer.from(messagePage(options))))
  return page
}

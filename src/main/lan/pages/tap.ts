import type { PhonePageData } from '../../core/brand/preview'
import type { PhonePublish } from '../../core/publish/phone-page'
import type { PhoneBlock } from '../../core/store-actions/service'
import { PLATFORM_APP_SCHEME } from '../../../shared/contract/publish'
import { LABELS } from '../../../shared/labels'
import { esc } from './html'
import { phonePage } from './layout'
import { PHONE_MESSAGES, PUBLISH_STEPS, type PhoneMessages } from './messages'

export type TapPageData = PhonePageData

/**
 * The page a phone gets after a tap: poster and player, the save button, the help for this phone first, and — while
 * waiting for a download slot — the place in line, updated live by /s/tap.js. Below, for a tag with platforms, the
 * caption drawn for this tap (selectable, with a copy button) and a button per platform that opens its app, with the
 * steps for this phone; then the store's own blocks (Wi-Fi, WeChat, coupon, review). A few KB in all. The help
 * starts open on iPhones and in WeChat, where saving a video is not obvious.
 */
export function tapPage(d: TapPageData): string {
  return render(
    d,
    d.token,
    String(d.position),
    d.position > 0,
    captionHtml(d.publish ?? null, PHONE_MESSAGES[d.lang]),
  )
}

// Slots in a cached page: NUL never occurs in what esc() lets through from titles, captions or settings.
const TOKEN = '\u0000t\u0000'
const POSITION = '\u0000p\u0000'
const CAPTION = '\u0000c\u0000'
// eslint-disable-next-line no-control-regex -- the slots are NUL-delimited on purpose (see above)
const SLOT = /\u0000([tpc])\u0000/
const pages = new WeakMap<Brand, Map<string, { texts: Buffer[]; slots: string[] }>>()
type Brand = TapPageData['brand']

/**
 * The same page as bytes, from a cache: a store has a handful of videos, tags' settings, two languages and a few
 * kinds of phone, so the page is rendered once per combination and only the token, the place in line and the
 * caption drawn for this tap (escaped) are filled in per tap. A changed brand is a new object, so its pages are
 * rendered afresh.
 */
export function tapPageBytes(d: TapPageData): Buffer {
  const publish = d.publish ?? null
  const blocks = JSON.stringify(d.blocks ?? [])
  const caption = captionHtml(publish, PHONE_MESSAGES[d.lang])
  if ((d.title + d.downloadName + blocks + caption).includes('\u0000')) return Buffer.from(tapPage(d))
  const key = [
    d.lang,
    d.position > 0,
    d.device.wechat,
    d.device.ios,
    d.device.android,
    d.title,
    d.downloadName,
    publish ? `${publish.platforms.join(',')}|${publish.douyinOneTap}|${publish.captions.length > 0}` : '',
    blocks,
  ].join('\u0000')
  let forBrand = pages.get(d.brand)
  if (!forBrand) pages.set(d.brand, (forBrand = new Map()))
  let page = forBrand.get(key)
  if (!page) {
    // Bounded: titles and settings are the open-ended parts of the key.
    if (forBrand.size >= 256) forBrand.clear()
    const parts = render(d, TOKEN, POSITION, d.position > 0, CAPTION).split(SLOT)
    page = {
      texts: parts.filter((_, i) => i % 2 === 0).map((t) => Buffer.from(t)),
      slots: parts.filter((_, i) => i % 2 === 1),
    }
    forBrand.set(key, page)
  }
  const fill: Record<string, Buffer> = {
    t: Buffer.from(d.token, 'latin1'),
    p: Buffer.from(String(d.position), 'latin1'),
    c: Buffer.from(caption),
  }
  const out: Buffer[] = [page.texts[0]!]
  for (let i = 0; i < page.slots.length; i++) out.push(fill[page.slots[i]!]!, page.texts[i + 1]!)
  return Buffer.concat(out)
}

/**
 * The caption drawn for this tap, as the page shows it: the first platform's text (what "复制文案" copies), the
 * text of any platform that receives it differently (its button copies that one), and the location to add.
 */
function captionHtml(publish: PhonePublish | null, m: PhoneMessages): string {
  const first = publish?.captions[0]
  if (!first) return ''
  const others = publish.captions
    .slice(1)
    .filter((c) => c.text !== first.text)
    .map((c) => `<p class="cap alt" data-p="${c.platform}" hidden>${esc(c.text)}</p>`)
    .join('')
  const poi = first.poi ? `<p class="poi">${esc(m.poi)}<b>${esc(first.poi)}</b></p>` : ''
  return `<p id="cap" class="cap">${esc(first.text)}</p>${others}${poi}`
}

function render(d: TapPageData, token: string, position: string, waiting: boolean, caption: string): string {
  const m = PHONE_MESSAGES[d.lang]
  const media = `/m/${token}`
  const helps: Array<[string, string, boolean]> = [
    ['wechat', m.helpWechat, d.device.wechat],
    ['ios', m.helpIos, d.device.ios && !d.device.wechat],
    ['android', m.helpAndroid, d.device.android && !d.device.wechat],
    ['other', m.helpOther, !d.device.ios && !d.device.android && !d.device.wechat],
  ]
  helps.sort((a, b) => Number(b[2]) - Number(a[2]))
  const publish = d.publish ?? null
  const body = `
${d.device.wechat ? `<div id="wechat-banner" role="alert">${esc(m.wechatBanner)} ↗</div>` : ''}
<div class="card" id="tap" data-token="${esc(token)}" data-position="${position}" data-queue="${esc(m.queue)}" data-busy="${esc(m.busy)}" data-share-title="${esc(d.title)}" data-name="${esc(d.downloadName)}">
<h1>${esc(d.title)}</h1>
<p class="welcome">${esc(d.brand.phone.welcome[d.lang])}</p>
<div id="queue" class="queue"${waiting ? '' : ' hidden'}><b id="queue-text">${esc(m.queue.replace('{n}', position))}</b><span>${esc(m.queueHint)}</span></div>
<div id="busy" class="queue" hidden><b>${esc(m.busy)}</b> <a href="" class="retry">${esc(m.retry)}</a></div>
<video id="player" controls playsinline preload="metadata" poster="${media}/poster.jpg" data-src="${media}"${waiting ? '' : ` src="${media}"`}></video>
<div class="actions">
<a id="save" class="btn${waiting || d.device.wechat ? ' off' : ''}" data-href="${media}?dl=1"${waiting || d.device.wechat ? '' : ` href="${media}?dl=1"`} download="${esc(d.downloadName)}">${esc(m.save)}</a>
<button id="share" class="btn ghost" type="button" data-ready="${esc(m.shareReady)}" hidden>${esc(m.share)}</button>
</div>
${publish ? '' : `<p class="hint">${esc(m.saveHint)}</p>`}
<details class="help"${d.device.wechat || d.device.ios ? ' open' : ''}><summary>${esc(m.helpTitle)}</summary>${helps.map(([k, text, mine]) => `<p class="${k}${mine ? ' mine' : ''}">${esc(text)}</p>`).join('')}</details>
</div>
${publish ? publishSection(d, publish, caption, m) : ''}
${d.blocks?.length ? storeSection(d.blocks, m) : ''}
<script src="/s/tap.js" defer></script>`
  return phonePage({ lang: d.lang, brand: d.brand, title: d.title, body, extraStyle: TAP_STYLE })
}

function publishSection(d: TapPageData, p: PhonePublish, caption: string, m: PhoneMessages): string {
  const hasCaption = p.captions.length > 0
  const os = d.device.ios ? m.stepsIos : d.device.android ? m.stepsAndroid : m.stepsOther
  const steps = PUBLISH_STEPS[d.lang]
  const names = LABELS[d.lang].platform
  const buttons = p.platforms
    .map(
      (pl) =>
        `<a class="plat" data-p="${pl}" href="${PLATFORM_APP_SCHEME[pl]}" data-s="${esc(os + steps[pl])}">${esc(names[pl])}</a>`,
    )
    .join('')
  return `<section class="card pub" id="pub">
<h2>${esc(m.publishTitle)}</h2>
<p class="hint">${esc(hasCaption ? m.publishIntro : m.publishNoCaption)}</p>
${d.device.wechat ? `<p class="warn">${esc(m.wechatPublish)}</p>` : ''}
${
  hasCaption
    ? `<div class="capbox">${caption}</div>
<button id="copy" class="btn" type="button">${esc(m.copy)}</button>
<p id="copy-ok" class="ok" role="status" hidden>${esc(m.copied)}</p>
<p id="copy-fail" class="warn" role="status" hidden>${esc(m.copyFailed)}</p>`
    : ''
}
${p.douyinOneTap ? `<a id="dy" class="btn dy" hidden>${esc(m.douyinOneTap)}</a>` : ''}
<div class="plats">${buttons}</div>
<p id="steps" class="steps" role="status" hidden></p>
</section>`
}

function storeSection(blocks: readonly PhoneBlock[], m: PhoneMessages): string {
  const html = blocks.map((b) => {
    switch (b.kind) {
      case 'wifi':
        return `<div class="blk"><b>${esc(m.wifiTitle)}</b><p>${esc(m.wifiName)}<span class="sel">${esc(b.ssid)}</span></p><p>${esc(m.wifiPassword)}${
          b.password
            ? `<span id="wifi-pw" class="sel">${esc(b.password)}</span></p><button class="btn ghost sm" type="button" id="wifi-copy" data-done="${esc(m.copiedShort)}">${esc(m.wifiCopy)}</button>`
            : `${esc(m.wifiOpen)}</p>`
        }</div>`
      case 'wechat':
        return `<div class="blk"><b>${esc(m.wechatTitle)}</b><button class="btn ghost sm" type="button" id="qr-show">${esc(m.wechatShow)}</button><img id="qr" data-src="/i/wechat-qr" alt="${esc(m.wechatTitle)}" hidden><p id="qr-hint" class="hint" hidden>${esc(m.wechatHint)}</p></div>`
      case 'coupon':
        return `<div class="blk"><b>${esc(m.couponTitle)}</b><button class="btn ghost sm" type="button" id="coupon-get">${esc(m.couponGet)}</button><p id="coupon-yours" hidden>${esc(m.couponYours)}<b id="coupon-code" class="code sel"></b></p><p id="coupon-none" class="warn" hidden>${esc(m.couponNone)}</p><p id="coupon-fail" class="warn" hidden>${esc(m.couponFailed)}</p></div>`
      case 'review':
        return `<div class="blk"><b>${esc(m.reviewTitle)}</b><a class="btn ghost sm" id="review" href="${esc(b.url)}" target="_blank" rel="noopener noreferrer">${esc(m.reviewGo)}</a></div>`
    }
  })
  return `<section class="card store" id="store"><h2>${esc(m.storeTitle)}</h2>${html.join('')}</section>`
}

const TAP_STYLE = `video{width:100%;max-height:62vh;background:#000;border-radius:10px;margin:12px 0}
.welcome{margin-bottom:4px}.actions{display:flex;gap:10px;margin-top:4px}
.btn{flex:1;display:block;text-align:center;padding:14px;border-radius:10px;font-size:17px;font-weight:600;text-decoration:none;color:#fff;background:var(--primary);border:0;width:100%;font-family:inherit}
.btn.ghost{background:#fff;color:var(--primary);border:1px solid var(--primary)}.btn.off{opacity:.4;pointer-events:none}
.btn.sm{display:inline-block;width:auto;padding:8px 16px;font-size:15px;margin-top:6px}
.hint{font-size:13px;margin-top:10px}.help{margin-top:14px;font-size:14px}.help summary{cursor:pointer;color:var(--primary)}
.help p{margin:8px 0 0}.help .mine{color:#1f2328;font-weight:500}
.queue{background:#fff7e6;border:1px solid #ffd591;border-radius:10px;padding:12px;margin:12px 0;display:flex;flex-direction:column;gap:4px}
.queue b{font-size:18px;color:#d46b08}.queue span{font-size:13px;color:#8c6d3f}
#wechat-banner{position:sticky;top:0;background:#222;color:#fff;padding:12px 16px;font-size:15px;text-align:right}
.card+.card{margin-top:16px}h2{font-size:18px;margin:0 0 4px}
.capbox{background:#f6f8fa;border:1px dashed #d0d7de;border-radius:10px;padding:12px;margin:12px 0}
.cap{white-space:pre-wrap;word-break:break-word;color:#1f2328;-webkit-user-select:all;user-select:all;margin:0}
.poi{font-size:13px;margin-top:6px}.ok{color:#1a7f37;font-size:14px;margin-top:8px}.warn{color:#bc4c00;font-size:14px;margin-top:8px}
.dy{margin-top:10px;background:#161823}
.plats{display:grid;grid-template-columns:repeat(auto-fill,minmax(108px,1fr));gap:8px;margin-top:12px}
.plat{display:block;text-align:center;padding:12px 4px;border-radius:10px;border:1px solid #d0d7de;color:#1f2328;text-decoration:none;font-weight:600;font-size:15px;background:#fff;overflow-wrap:anywhere}
.steps{background:#f0f7ff;border-radius:10px;padding:12px;margin-top:12px;color:#1f2328;font-size:15px}
.blk{padding:12px 0;border-top:1px solid #eaeef2}.blk:first-of-type{border-top:0}.blk>b{display:block}.blk p{margin-top:4px}
.sel{-webkit-user-select:all;user-select:all;color:#1f2328;font-weight:600}.code{font-size:20px;letter-spacing:1px}
#qr{display:block;width:200px;max-width:100%;height:auto;margin-top:10px;border-radius:8px}`

import type { Brand } from '../../core/brand/brand'
import type { DeviceInfo } from '../../core/delivery/device'
import type { Language } from '../../../shared/languages'
import { esc } from './html'
import { phonePage } from './layout'
import { PHONE_MESSAGES } from './messages'

export interface TapPageData {
  lang: Language
  brand: Brand
  token: string
  title: string
  downloadName: string
  position: number
  device: DeviceInfo
}

/**
 * The page a phone gets after a tap: poster and player, the save button, the help for this phone first, and — while
 * waiting for a download slot — the place in line, updated live by /s/tap.js. A few KB in all. The help starts
 * open on iPhones and in WeChat, where saving a video is not obvious.
 */
export function tapPage(d: TapPageData): string {
  return render(d, d.token, String(d.position), d.position > 0)
}

// Slots in a cached page: NUL never occurs in what esc() lets through from titles or brand texts.
const TOKEN = '\u0000t\u0000'
const POSITION = '\u0000p\u0000'
// eslint-disable-next-line no-control-regex -- the slots are NUL-delimited on purpose (see above)
const SLOT = /\u0000([tp])\u0000/
const pages = new WeakMap<Brand, Map<string, { texts: Buffer[]; slots: string[] }>>()

/**
 * The same page as bytes, from a cache: a store has a handful of videos, two languages and a few kinds of phone,
 * so the page is rendered once per combination and only the token and the place in line are filled in per tap.
 * A changed brand is a new object, so its pages are rendered afresh.
 */
export function tapPageBytes(d: TapPageData): Buffer {
  if ((d.title + d.downloadName).includes('\u0000')) return Buffer.from(tapPage(d))
  const key = [
    d.lang,
    d.position > 0,
    d.device.wechat,
    d.device.ios,
    d.device.android,
    d.title,
    d.downloadName,
  ].join('\u0000')
  let forBrand = pages.get(d.brand)
  if (!forBrand) pages.set(d.brand, (forBrand = new Map()))
  let page = forBrand.get(key)
  if (!page) {
    // Bounded: titles are the only open-ended part of the key.
    if (forBrand.size >= 256) forBrand.clear()
    const parts = render(d, TOKEN, POSITION, d.position > 0).split(SLOT)
    page = {
      texts: parts.filter((_, i) => i % 2 === 0).map((t) => Buffer.from(t)),
      slots: parts.filter((_, i) => i % 2 === 1),
    }
    forBrand.set(key, page)
  }
  const token = Buffer.from(d.token, 'latin1')
  const position = Buffer.from(String(d.position), 'latin1')
  const out: Buffer[] = [page.texts[0]!]
  for (let i = 0; i < page.slots.length; i++)
    out.push(page.slots[i] === 't' ? token : position, page.texts[i + 1]!)
  return Buffer.concat(out)
}

function render(d: TapPageData, token: string, position: string, waiting: boolean): string {
  const m = PHONE_MESSAGES[d.lang]
  const media = `/m/${token}`
  const helps: Array<[string, string, boolean]> = [
    ['wechat', m.helpWechat, d.device.wechat],
    ['ios', m.helpIos, d.device.ios && !d.device.wechat],
    ['android', m.helpAndroid, d.device.android && !d.device.wechat],
    ['other', m.helpOther, !d.device.ios && !d.device.android && !d.device.wechat],
  ]
  helps.sort((a, b) => Number(b[2]) - Number(a[2]))
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
<button id="share" class="btn ghost" type="button" hidden>${esc(m.share)}</button>
</div>
<p class="hint">${esc(m.saveHint)}</p>
<details class="help"${d.device.wechat || d.device.ios ? ' open' : ''}><summary>${esc(m.helpTitle)}</summary>${helps.map(([k, text, mine]) => `<p class="${k}${mine ? ' mine' : ''}">${esc(text)}</p>`).join('')}</details>
</div>
<script src="/s/tap.js" defer></script>`
  return phonePage({ lang: d.lang, brand: d.brand, title: d.title, body, extraStyle: TAP_STYLE })
}

const TAP_STYLE = `video{width:100%;max-height:62vh;background:#000;border-radius:10px;margin:12px 0}
.welcome{margin-bottom:4px}.actions{display:flex;gap:10px;margin-top:4px}
.btn{flex:1;display:block;text-align:center;padding:14px;border-radius:10px;font-size:17px;font-weight:600;text-decoration:none;color:#fff;background:var(--primary);border:0}
.btn.ghost{background:#fff;color:var(--primary);border:1px solid var(--primary)}.btn.off{opacity:.4;pointer-events:none}
.hint{font-size:13px;margin-top:10px}.help{margin-top:14px;font-size:14px}.help summary{cursor:pointer;color:var(--primary)}
.help p{margin:8px 0 0}.help .mine{color:#1f2328;font-weight:500}
.queue{background:#fff7e6;border:1px solid #ffd591;border-radius:10px;padding:12px;margin:12px 0;display:flex;flex-direction:column;gap:4px}
.queue b{font-size:18px;color:#d46b08}.queue span{font-size:13px;color:#8c6d3f}
#wechat-banner{position:sticky;top:0;background:#222;color:#fff;padding:12px 16px;font-size:15px;text-align:right}`

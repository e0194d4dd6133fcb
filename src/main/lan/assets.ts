import { createHash } from 'node:crypto'

/**
 * The tap page's only script: waits in line over /q/<token> and starts the video when a slot is free; offers the
 * native share sheet (the video and the caption) where the page is a secure context; copies the caption, opens the
 * chosen app and shows its steps; asks for the signed Douyin link, the coupon, the WeChat QR code when wanted; and
 * reports each step to the funnel beacon (/b/<token>), fire and forget. Plain ES5, because store customers bring old
 * phones.
 */
const TAP_JS = `(function () {
  var root = document.getElementById('tap'); if (!root) return;
  function $(id) { return document.getElementById(id); }
  function on(el, ev, f) { if (el) el.addEventListener(ev, f); }
  var token = root.getAttribute('data-token');
  var player = $('player'), save = $('save'), share = $('share');
  var queue = $('queue'), queueText = $('queue-text'), busy = $('busy');
  var wechat = !!$('wechat-banner'), tries = 0, started = false;
  function beacon(o) {
    var url = '/b/' + token, body = JSON.stringify(o);
    try { if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return; } catch (x) {}
    try { var r = new XMLHttpRequest(); r.open('POST', url, true); r.setRequestHeader('Content-Type', 'text/plain;charset=UTF-8'); r.send(body); } catch (x) {}
  }
  var told = {};
  function once(k) { if (!told[k]) { told[k] = 1; beacon({ k: k }); } }
  function ready() {
    started = true; queue.hidden = true;
    if (!player.getAttribute('src')) { player.setAttribute('src', player.getAttribute('data-src')); player.load(); }
    if (!wechat) { save.setAttribute('href', save.getAttribute('data-href')); save.className = 'btn'; }
  }
  function gone() { queue.hidden = true; busy.hidden = false; }
  function listen() {
    if (!window.WebSocket) { setTimeout(function () { location.reload(); }, 5000); return; }
    var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/q/' + token);
    ws.onmessage = function (e) {
      var m; try { m = JSON.parse(e.data); } catch (x) { return; }
      if (m.status === 'expired' || m.status === 'failed') { gone(); ws.close(); return; }
      if (m.position > 0) { queue.hidden = false; queueText.textContent = root.getAttribute('data-queue').replace('{n}', m.position); }
      else { ready(); ws.close(); }
    };
    ws.onclose = function () { if (!started && tries++ < 30) setTimeout(listen, Math.min(10000, 500 * Math.pow(2, tries))); };
  }
  if (+root.getAttribute('data-position') > 0) listen();
  on(player, 'playing', function () { once('played'); });
  on(player, 'ended', function () { once('played-to-end'); });
  on(save, 'click', function () { once('save-pressed'); });

  function selectText(el) {
    try { var r = document.createRange(); r.selectNodeContents(el); var s = window.getSelection(); s.removeAllRanges(); s.addRange(r); } catch (x) {}
  }
  function copyText(text, done) {
    function old() {
      var ta = document.createElement('textarea'), ok = false;
      ta.value = text; ta.setAttribute('readonly', '');
      ta.style.cssText = 'position:fixed;top:0;left:0;opacity:0;font-size:16px';
      document.body.appendChild(ta); ta.focus(); ta.select();
      try { ta.setSelectionRange(0, text.length); } catch (x) {}
      try { ok = document.execCommand('copy'); } catch (x) {}
      document.body.removeChild(ta); done(ok);
    }
    if (window.isSecureContext && navigator.clipboard && navigator.clipboard.writeText)
      navigator.clipboard.writeText(text).then(function () { done(true); }, old);
    else old();
  }
  var cap = $('cap');
  function captionFor(p) {
    var alts = document.querySelectorAll('.cap.alt');
    for (var i = 0; i < alts.length; i++) if (alts[i].getAttribute('data-p') === p) return alts[i].textContent;
    return cap.textContent;
  }
  function copyCaption(p, then) {
    if (!cap) { if (then) then(); return; }
    beacon({ k: 'caption-copied' });
    copyText(captionFor(p), function (ok) {
      $('copy-ok').hidden = !ok; $('copy-fail').hidden = ok;
      if (!ok) selectText(cap);
      if (then) then();
    });
  }
  on($('copy'), 'click', function () { copyCaption(null); });
  var steps = $('steps'), plats = document.querySelectorAll('.plat');
  for (var i = 0; i < plats.length; i++) plats[i].onclick = function (e) {
    var a = this, p = a.getAttribute('data-p');
    if (e && e.preventDefault) e.preventDefault();
    beacon({ k: 'platform-chosen', p: p });
    steps.textContent = a.getAttribute('data-s'); steps.hidden = false;
    copyCaption(p, function () { if (!wechat) location.href = a.getAttribute('href'); });
  };
  var dy = $('dy');
  if (dy && !wechat) {
    var x = new XMLHttpRequest();
    x.open('GET', '/d/' + token, true);
    x.onload = function () {
      var a = null; try { a = JSON.parse(x.responseText); } catch (e) {}
      if (a && a.schema) { dy.setAttribute('href', a.schema); dy.setAttribute('data-id', a.shareId); dy.hidden = false; }
    };
    x.send();
    dy.onclick = function () {
      beacon({ k: 'platform-chosen', p: 'douyin' });
      beacon({ k: 'douyin-share-id', i: dy.getAttribute('data-id') });
    };
  }

  var canShareFiles = false;
  try { canShareFiles = window.isSecureContext && !!navigator.canShare && navigator.canShare({ files: [new File([''], 'v.mp4', { type: 'video/mp4' })] }); } catch (x) {}
  if (canShareFiles && !wechat) {
    share.hidden = false;
    var file = null;
    var send = function () {
      var data = { files: [file], title: root.getAttribute('data-share-title') };
      if (cap) data.text = cap.textContent;
      return navigator.share(data).then(function () { beacon({ k: 'shared' }); });
    };
    share.onclick = function () {
      once('save-pressed');
      if (cap) copyCaption(null);
      if (file) { send().catch(function () {}); return; }
      share.disabled = true;
      fetch(save.getAttribute('data-href')).then(function (r) { return r.blob(); }).then(function (b) {
        file = new File([b], root.getAttribute('data-name'), { type: 'video/mp4' });
        return send();
      }).catch(function (e) {
        // A slow download outlives the tap's permission to open the sheet: the next tap shares at once.
        if (file && e && e.name === 'NotAllowedError') share.textContent = share.getAttribute('data-ready');
      }).then(function () { share.disabled = false; });
    };
  }

  on($('wifi-copy'), 'click', function () {
    var b = this, pw = $('wifi-pw');
    beacon({ k: 'wifi-copied' });
    copyText(pw.textContent, function (ok) { if (ok) b.textContent = b.getAttribute('data-done'); else selectText(pw); });
  });
  on($('qr-show'), 'click', function () {
    var img = $('qr');
    img.setAttribute('src', img.getAttribute('data-src')); img.hidden = false; $('qr-hint').hidden = false; this.hidden = true;
    beacon({ k: 'wechat-qr-shown' });
  });
  on($('coupon-get'), 'click', function () {
    var b = this, x = new XMLHttpRequest();
    function failed() { $('coupon-fail').hidden = false; b.disabled = false; }
    b.disabled = true;
    x.open('POST', '/c/' + token, true);
    x.onload = function () {
      var a = null; try { a = JSON.parse(x.responseText); } catch (e) {}
      if (a && a.code) { $('coupon-code').textContent = a.code; $('coupon-yours').hidden = false; $('coupon-fail').hidden = true; b.hidden = true; }
      else if (x.status === 410) { $('coupon-none').hidden = false; b.hidden = true; }
      else failed();
    };
    x.onerror = failed;
    x.setRequestHeader('Content-Type', 'text/plain;charset=UTF-8');
    x.send('{}');
  });
  on($('review'), 'click', function () { beacon({ k: 'review-opened' }); });
})();
`

export interface Asset {
  body: Buffer
  type: string
  etag: string
}

function asset(text: string, type: string): Asset {
  const body = Buffer.from(text)
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` }
}

/** Static files of the phone pages, by name. Nothing on disk: no directory to list, no path to traverse. */
export const PHONE_ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['tap.js', asset(TAP_JS, 'text/javascript; charset=utf-8')],
])

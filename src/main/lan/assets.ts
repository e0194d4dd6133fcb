import { createHash } from 'node:crypto'

/**
 * The tap page's only script: waits in line over /q/<token> and starts the video when a slot is free; offers the
 * native share sheet where the page is a secure context. Plain ES5, because store customers bring old phones.
 */
const TAP_JS = `(function () {
  var root = document.getElementById('tap'); if (!root) return;
  var token = root.getAttribute('data-token');
  var player = document.getElementById('player'), save = document.getElementById('save'), share = document.getElementById('share');
  var queue = document.getElementById('queue'), queueText = document.getElementById('queue-text'), busy = document.getElementById('busy');
  var wechat = !!document.getElementById('wechat-banner'), tries = 0, started = false;
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
  var canShareFiles = false;
  try { canShareFiles = window.isSecureContext && !!navigator.canShare && navigator.canShare({ files: [new File([''], 'v.mp4', { type: 'video/mp4' })] }); } catch (x) {}
  if (canShareFiles && !wechat) {
    share.hidden = false;
    share.onclick = function () {
      share.disabled = true;
      fetch(save.getAttribute('data-href')).then(function (r) { return r.blob(); }).then(function (b) {
        return navigator.share({ files: [new File([b], root.getAttribute('data-name'), { type: 'video/mp4' })], title: root.getAttribute('data-share-title') });
      }).catch(function () {}).then(function () { share.disabled = false; });
    };
  }
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

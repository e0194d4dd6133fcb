import WebSocket from 'ws'

export const PHONE_UA = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  android:
    'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  wechat:
    'Mozilla/5.0 (Linux; Android 12; M2012K11AC) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4313 MMWEBSDK/20220805 Mobile Safari/537.36 MicroMessenger/8.0.27.2220(0x28001B37) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN',
  desktop:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
}

export interface TapAnswer {
  status: number
  html: string
  token: string | null
  position: number
  bytes: number
}

/** A simulated phone: keeps its own device cookie like a real browser, talks to the LAN port only. */
export class Phone {
  cookie: string | null = null

  constructor(
    readonly lanUrl: string,
    readonly ua: string = PHONE_UA.iphone,
    readonly lang = 'zh-CN,zh;q=0.9',
  ) {}

  async tap(code: string): Promise<TapAnswer> {
    const res = await fetch(`${this.lanUrl}/t/${code}`, { headers: this.headers() })
    const set = res.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0]!
    const html = await res.text()
    const token = /data-token="([A-Za-z0-9_-]{24})"/.exec(html)?.[1] ?? null
    const position = Number(/data-position="(\d+)"/.exec(html)?.[1] ?? '0')
    return { status: res.status, html, token, position, bytes: Buffer.byteLength(html) }
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'User-Agent': this.ua,
      'Accept-Language': this.lang,
      ...(this.cookie ? { Cookie: this.cookie } : {}),
      ...extra,
    }
  }

  async download(
    token: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
    const res = await fetch(`${this.lanUrl}/m/${token}`, { headers: this.headers(headers) })
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers }
  }

  /** Waits on the queue channel (like the page script) until admitted; bounded. */
  waitForTurn(
    token: string,
    timeoutMs = 30_000,
    onPosition?: (n: number) => void,
  ): Promise<'admitted' | 'expired'> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.lanUrl.replace('http', 'ws')}/q/${token}`)
      const timer = setTimeout(() => {
        ws.terminate()
        reject(new Error('still waiting in line'))
      }, timeoutMs)
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { position: number; status: string }
        if (m.status === 'expired' || m.status === 'failed') {
          clearTimeout(timer)
          ws.close()
          resolve('expired')
        } else if (m.position === 0) {
          clearTimeout(timer)
          ws.close()
          resolve('admitted')
        } else onPosition?.(m.position)
      })
      ws.on('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
    })
  }
}

export interface WifiInfo {
  ssid: string
  password: string | null
  security: 'WPA' | 'WEP' | 'nopass'
}

/** Characters the Wi-Fi QR format reserves are escaped with a backslash (ZXing's WIFI: convention). */
function escape(value: string): string {
  return value.replace(/([\\;,:"])/g, '\\$1')
}

/** The text of a "join this Wi-Fi" QR code, e.g. WIFI:T:WPA;S:Store;P:secret;; */
export function wifiQrText(w: WifiInfo): string {
  const security = w.password ? w.security : 'nopass'
  const parts = [`T:${security}`, `S:${escape(w.ssid)}`]
  if (security !== 'nopass') parts.push(`P:${escape(w.password ?? '')}`)
  return `WIFI:${parts.join(';')};;`
}

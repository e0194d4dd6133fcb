import { createHmac } from 'node:crypto'

/** What leaves the store about a customer's phone (config: chainRecordsDevices, chainRecordsIps, chainRecordsSalt). */
export interface RecordsPrivacy {
  /** `hashed`: HMAC-SHA-256 of the device id with the chain's salt (the same phone, the same value in every store
   *  of the chain; not the id itself); `none`: no device id at all. Without a salt, `hashed` ships none. */
  devices: 'hashed' | 'none'
  /** Ship the phone's IP address (off by default). */
  ips: boolean
  salt: string | null
}

/** The one rule for what a device id becomes in a record. */
export function shippedDevice(deviceId: string, p: RecordsPrivacy): string | null {
  if (p.devices === 'none' || !p.salt) return null
  return createHmac('sha256', p.salt).update(deviceId).digest('hex').slice(0, 32)
}

export function shippedIp(ip: string | null, p: RecordsPrivacy): string | null {
  return p.ips ? ip : null
}

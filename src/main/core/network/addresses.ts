import { networkInterfaces } from 'node:os'

export interface LanAddress {
  interface: string
  address: string
  family: 'IPv4' | 'IPv6'
}

/** The addresses phones on the store network could use to reach this PC (IPv4 first; no loopback or link-local). */
export function lanAddresses(): LanAddress[] {
  const out: LanAddress[] = []
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    for (const info of infos ?? []) {
      if (info.internal) continue
      if (info.family === 'IPv6' && (info.address.startsWith('fe80') || info.scopeid)) continue
      out.push({ interface: name, address: info.address, family: info.family === 'IPv4' ? 'IPv4' : 'IPv6' })
    }
  }
  return out.sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
}

export function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address
}

export function originFor(scheme: 'http' | 'https', host: string, port: number): string {
  const defaultPort = scheme === 'http' ? 80 : 443
  return `${scheme}://${hostForUrl(host)}${port === defaultPort ? '' : `:${port}`}`
}

/** The base URL for new tags: the configured one, else the first LAN IPv4 address with the LAN port. */
export function effectivePublicUrl(
  configured: string | null,
  lanHost: string,
  lanPort: number,
  addresses = lanAddresses(),
  scheme: 'http' | 'https' = 'http',
): string {
  if (configured) return configured
  const bound = lanHost !== '0.0.0.0' && lanHost !== '::' ? lanHost : null
  const host = bound ?? addresses.find((a) => a.family === 'IPv4')?.address ?? '127.0.0.1'
  return originFor(scheme, host, lanPort)
}

/** The NTAG21x family: memory maps and configuration pages (NXP datasheet NTAG213/215/216). */
export type ChipName = 'NTAG213' | 'NTAG215' | 'NTAG216'

export interface ChipModel {
  name: ChipName
  /** Capability container byte 2 (data area size / 8). */
  ccSize: number
  /** User memory: pages 4 … lastUserPage. */
  lastUserPage: number
  dynamicLockPage: number
  cfg0Page: number
  cfg1Page: number
  pwdPage: number
  packPage: number
}

const MODELS: Record<number, ChipModel> = {
  0x0f: {
    name: 'NTAG213',
    ccSize: 0x12,
    lastUserPage: 0x27,
    dynamicLockPage: 0x28,
    cfg0Page: 0x29,
    cfg1Page: 0x2a,
    pwdPage: 0x2b,
    packPage: 0x2c,
  },
  0x11: {
    name: 'NTAG215',
    ccSize: 0x3e,
    lastUserPage: 0x81,
    dynamicLockPage: 0x82,
    cfg0Page: 0x83,
    cfg1Page: 0x84,
    pwdPage: 0x85,
    packPage: 0x86,
  },
  0x13: {
    name: 'NTAG216',
    ccSize: 0x6d,
    lastUserPage: 0xe1,
    dynamicLockPage: 0xe2,
    cfg0Page: 0xe3,
    cfg1Page: 0xe4,
    pwdPage: 0xe5,
    packPage: 0xe6,
  },
}

export function userBytes(m: ChipModel): number {
  return (m.lastUserPage - 3) * 4
}

/**
 * Identifies the chip from its GET_VERSION answer (8 bytes). NTAG213/215/216 are supported; anything else is named
 * as well as we can, so staff know what they put on the reader.
 */
export function identifyChip(version: Buffer): { model: ChipModel } | { unsupported: string } {
  if (version.length < 8) return { unsupported: 'a tag that does not answer GET_VERSION (not an NTAG)' }
  const [, vendor, type, subtype, major, , storage] = version
  if (vendor === 0x04 && type === 0x04 && subtype === 0x02 && major === 0x01 && MODELS[storage!])
    return { model: MODELS[storage!]! }
  if (vendor === 0x04 && type === 0x04) {
    const known: Record<number, string> = {
      0x0b: 'NTAG210',
      0x0e: 'NTAG212',
      0x0f: 'NTAG213 TT / F',
      0x13: 'NTAG216 F',
    }
    return {
      unsupported: known[storage!]
        ? `${known[storage!]} (only NTAG213/215/216 are supported)`
        : `an NTAG variant (storage byte ${hex(storage!)})`,
    }
  }
  if (vendor === 0x04 && type === 0x03) return { unsupported: 'MIFARE Ultralight' }
  if (vendor === 0x04) return { unsupported: `an NXP chip of type ${hex(type!)}` }
  return { unsupported: `a chip from vendor ${hex(vendor!)}` }
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(2, '0')
}

/** CFG0 byte 0: MIRROR_CONF (bits 7–6); byte 3: AUTH0 (first protected page; ≥ beyond memory = off). */
export function mirrorEnabled(cfg0: Buffer): boolean {
  return (cfg0[0]! & 0xc0) !== 0
}

export function auth0(cfg0: Buffer): number {
  return cfg0[3]!
}

import { connect, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { VPCD_PORT } from './pcscd'

/**
 * A virtual NTAG213/215/216 as an ACS ACR122U presents it (the tests' stand-in for a real tag on a real reader).
 * It answers the reader's pseudo-APDUs (FF CA, FF B0, FF D6, FF 00 … D4 42 <NTAG command>) from a page memory that
 * behaves like the chip: OTP capability container, OR-ed lock bits, locked pages refused, password protection
 * from AUTH0 with PWD/PACK, GET_VERSION, FAST_READ, PWD_AUTH.
 */
export type VirtualChip = 'NTAG213' | 'NTAG215' | 'NTAG216'

const LAYOUT: Record<
  VirtualChip,
  { pages: number; cc: number; storage: number; dynLock: number; cfg0: number }
> = {
  NTAG213: { pages: 0x2d, cc: 0x12, storage: 0x0f, dynLock: 0x28, cfg0: 0x29 },
  NTAG215: { pages: 0x87, cc: 0x3e, storage: 0x11, dynLock: 0x82, cfg0: 0x83 },
  NTAG216: { pages: 0xe7, cc: 0x6d, storage: 0x13, dynLock: 0xe2, cfg0: 0xe3 },
}

export const ATR_NTAG = Buffer.from('3B8F8001804F0CA0000003060300030000000068', 'hex')

export interface VirtualTagOptions {
  chip: VirtualChip
  uid?: Buffer
  /** Protect writes from page 4 with this password (and PACK 0x80 0x80). */
  password?: Buffer
  /** Lock bits set and CC read-only, as after a permanent lock. */
  readOnly?: boolean
  /** Stock tag with the UID mirror switched on. */
  mirror?: boolean
  /** Not an NTAG: answer GET_VERSION as another chip (vendor, type, storage). */
  version?: Buffer
}

export class VirtualNtag {
  readonly chip: VirtualChip
  readonly uid: Buffer
  readonly memory: Buffer
  private authed = false
  private readonly version: Buffer
  /** Every command APDU received, in order (hex). */
  readonly log: string[] = []
  writes = 0
  /** Fault: after this many page writes the tag is pulled away mid-command. */
  removeAfterWrites: number | null = null
  onPulled: (() => void) | null = null

  constructor(opts: VirtualTagOptions) {
    const l = LAYOUT[opts.chip]
    this.chip = opts.chip
    this.uid = opts.uid ?? Buffer.concat([Buffer.from([0x04]), randomBytes(6)])
    this.version = opts.version ?? Buffer.from([0x00, 0x04, 0x04, 0x02, 0x01, 0x00, l.storage, 0x03])
    this.memory = Buffer.alloc(l.pages * 4)
    const u = this.uid
    this.memory.set([u[0]!, u[1]!, u[2]!, 0x88 ^ u[0]! ^ u[1]! ^ u[2]!], 0)
    this.memory.set([u[3]!, u[4]!, u[5]!, u[6]!], 4)
    this.memory.set([u[3]! ^ u[4]! ^ u[5]! ^ u[6]!, 0x48, 0x00, 0x00], 8)
    this.memory.set([0xe1, 0x10, l.cc, 0x00], 12)
    this.memory.set([0x03, 0x00, 0xfe, 0x00], 16)
    this.memory.set([0x00, 0x00, 0x00, 0xbd], l.dynLock * 4)
    this.memory.set([opts.mirror ? 0xd4 : 0x04, 0x00, 0x00, 0xff], l.cfg0 * 4)
    this.memory.set([0x00, 0x05, 0x00, 0x00], (l.cfg0 + 1) * 4)
    this.memory.set([0xff, 0xff, 0xff, 0xff], (l.cfg0 + 2) * 4)
    if (opts.password) {
      this.memory.set(opts.password, (l.cfg0 + 2) * 4)
      this.memory.set([0x80, 0x80, 0x00, 0x00], (l.cfg0 + 3) * 4)
      this.memory[l.cfg0 * 4 + 3] = 0x04
    }
    if (opts.readOnly) {
      this.memory[10] = 0xff
      this.memory[11] = 0xff
      this.memory[15] = 0x0f
      this.memory.set([0xff, 0xff, 0xff, 0xbd], l.dynLock * 4)
    }
  }

  get layout() {
    return LAYOUT[this.chip]
  }

  page(n: number): Buffer {
    return this.memory.subarray(n * 4, n * 4 + 4)
  }

  /** User memory from page 4 (what phones read). */
  userMemory(): Buffer {
    return this.memory.subarray(16, this.layout.dynLock * 4)
  }

  private auth0(): number {
    return this.memory[this.layout.cfg0 * 4 + 3]!
  }

  private readProtected(page: number): boolean {
    const prot = (this.memory[(this.layout.cfg0 + 1) * 4]! & 0x80) !== 0
    return prot && page >= this.auth0() && !this.authed
  }

  private writeAllowed(page: number): boolean {
    if (page < 2 || page >= this.layout.pages) return false
    if (page >= this.auth0() && !this.authed) return false
    const staticLocked = this.memory[10] === 0xff && this.memory[11] === 0xff
    if (staticLocked && page >= 3 && page <= 15) return false
    if (this.memory[this.layout.dynLock * 4] === 0xff && page >= 16 && page < this.layout.dynLock)
      return false
    return true
  }

  /** Applies one page write as the chip does: lock and CC bytes are one-time programmable (OR-ed). */
  private write(page: number, data: Buffer): boolean {
    if (!this.writeAllowed(page)) return false
    if (page === 2) {
      this.memory[10] = this.memory[10]! | data[2]!
      this.memory[11] = this.memory[11]! | data[3]!
    } else if (page === 3 || page === this.layout.dynLock) {
      for (let i = 0; i < 4; i++) this.memory[page * 4 + i] = this.memory[page * 4 + i]! | data[i]!
    } else this.memory.set(data, page * 4)
    this.writes++
    return true
  }

  private pullIfDue(): boolean {
    if (this.removeAfterWrites !== null && this.writes >= this.removeAfterWrites) {
      this.onPulled?.()
      return true
    }
    return false
  }

  /** Answers one command APDU, or returns null when the tag is gone (pulled away). */
  handle(apdu: Buffer): Buffer | null {
    this.log.push(apdu.toString('hex'))
    const ok = (data: Buffer = Buffer.alloc(0)) => Buffer.concat([data, Buffer.from([0x90, 0x00])])
    const fail = Buffer.from([0x63, 0x00])
    if (apdu[0] !== 0xff) return Buffer.from([0x6e, 0x00])
    if (apdu[1] === 0xca) return ok(this.uid)
    if (apdu[1] === 0xb0) {
      const page = apdu[3]!
      if (page + 4 > this.layout.pages || this.readProtected(page)) return fail
      return ok(Buffer.from(this.memory.subarray(page * 4, page * 4 + 16)))
    }
    if (apdu[1] === 0xd6) {
      if (this.pullIfDue()) return null
      return this.write(apdu[3]!, apdu.subarray(5, 9)) ? ok() : fail
    }
    if (apdu[1] === 0x00 && apdu[5] === 0xd4 && apdu[6] === 0x42) return this.direct(apdu.subarray(7))
    return Buffer.from([0x6a, 0x81])
  }

  private direct(cmd: Buffer): Buffer | null {
    const answer = (data: Buffer) =>
      Buffer.concat([Buffer.from([0xd5, 0x43, 0x00]), data, Buffer.from([0x90, 0x00])])
    const nak = answer(Buffer.from([0x00]))
    switch (cmd[0]) {
      case 0x60:
        return answer(this.version)
      case 0x30: {
        const p = cmd[1]!
        if (p + 4 > this.layout.pages || this.readProtected(p)) return nak
        return answer(Buffer.from(this.memory.subarray(p * 4, p * 4 + 16)))
      }
      case 0x3a: {
        const [s, e] = [cmd[1]!, cmd[2]!]
        if (e < s || e >= this.layout.pages) return nak
        for (let p = s; p <= e; p++) if (this.readProtected(p)) return nak
        return answer(Buffer.from(this.memory.subarray(s * 4, (e + 1) * 4)))
      }
      case 0x1b: {
        const pwdPage = this.layout.cfg0 + 2
        if (cmd.subarray(1, 5).equals(this.page(pwdPage))) {
          this.authed = true
          return answer(Buffer.from(this.page(pwdPage + 1).subarray(0, 2)))
        }
        return nak
      }
      case 0xa2: {
        if (this.pullIfDue()) return null
        return this.write(cmd[1]!, cmd.subarray(2, 6)) ? answer(Buffer.from([0x0a])) : nak
      }
      default:
        return nak
    }
  }

  /** Power cycle (taken off and placed again): authentication is lost. */
  reset(): void {
    this.authed = false
  }
}

/**
 * The virtual ACR122U's card slot: a client of vsmartcard's vpcd driver inside pcscd (TCP 127.0.0.1:VPCD_PORT).
 * Placing a tag opens the connection (pcscd sees a card ~0.4 s later); removing it closes it.
 * Wire format, both ways: 2-byte big-endian length, then the payload; a 1-byte payload from vpcd is control
 * (00 off, 01 on, 02 reset, 04 get ATR).
 */
export class VirtualReaderSlot {
  private socket: Socket | null = null
  private tag: VirtualNtag | null = null

  constructor(readonly port = VPCD_PORT) {}

  place(tag: VirtualNtag): Promise<void> {
    this.remove()
    tag.reset()
    this.tag = tag
    tag.onPulled = () => this.remove()
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, '127.0.0.1')
      this.socket = socket
      socket.setNoDelay(true)
      let buf = Buffer.alloc(0)
      socket.once('connect', () => resolve())
      socket.once('error', reject)
      socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d])
        while (buf.length >= 2) {
          const len = buf.readUInt16BE(0)
          if (buf.length < 2 + len) break
          const msg = buf.subarray(2, 2 + len)
          buf = buf.subarray(2 + len)
          let reply: Buffer | null = null
          if (len === 1) {
            if (msg[0] === 0x04) reply = ATR_NTAG
            else if (msg[0] === 0x00 || msg[0] === 0x02) tag.reset()
          } else {
            reply = tag.handle(Buffer.from(msg))
            if (reply === null) return // pulled away: no answer, the connection is gone
          }
          if (reply && this.socket === socket) {
            const head = Buffer.alloc(2)
            head.writeUInt16BE(reply.length)
            socket.write(Buffer.concat([head, reply]))
          }
        }
      })
    })
  }

  remove(): void {
    this.socket?.destroy()
    this.socket = null
    this.tag = null
  }

  get present(): VirtualNtag | null {
    return this.tag
  }
}

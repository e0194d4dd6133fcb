import { NfcError } from '../core/tags/programming/nfc-error'

/** Sends one APDU to the tag on a reader and returns the raw answer (status word included). */
export interface Transport {
  transmit(apdu: Buffer, maxResponse: number): Promise<Buffer>
}

/** Counts APDUs (the benchmark's measure: fewer round trips is what makes real readers fast). */
export class CountingTransport implements Transport {
  count = 0
  constructor(private readonly inner: Transport) {}
  transmit(apdu: Buffer, maxResponse: number): Promise<Buffer> {
    this.count++
    return this.inner.transmit(apdu, maxResponse)
  }
}

function ok(res: Buffer, what: string): Buffer {
  // A tag pulled away mid-command can come back as an empty "success": that is a removal, not data.
  if (res.length < 2) throw new NfcError('removed', `the tag was removed during ${what}`)
  const sw = res.readUInt16BE(res.length - 2)
  if (sw !== 0x9000) throw new NfcError('io', `${what} failed (status ${sw.toString(16)})`, { sw })
  return res.subarray(0, res.length - 2)
}

/** ACR122U "direct transmit" (InCommunicateThru): an NTAG command straight to the tag. */
async function direct(t: Transport, command: Buffer, responseBytes: number, what: string): Promise<Buffer> {
  const apdu = Buffer.concat([Buffer.from([0xff, 0x00, 0x00, 0x00, command.length + 2, 0xd4, 0x42]), command])
  const data = ok(await t.transmit(apdu, responseBytes + 3 + 2), what)
  if (data.length < 3 || data[0] !== 0xd5 || data[1] !== 0x43)
    throw new NfcError('io', `${what}: unexpected reader answer`)
  if (data[2] !== 0x00) {
    // 0x01 timeout / 0x14 no tag, otherwise the tag NAKed (e.g. a protected page without PWD_AUTH).
    if (data[2] === 0x01 || data[2] === 0x14)
      throw new NfcError('removed', `the tag did not answer during ${what}`)
    throw new NfcError('io', `${what} was refused by the tag (status ${data[2]!.toString(16)})`, {
      status: data[2],
    })
  }
  const body = data.subarray(3)
  // A 4-bit NAK comes back as a single byte.
  if (body.length === 1 && responseBytes > 1)
    throw new NfcError('io', `${what} was refused by the tag (NAK ${body[0]!.toString(16)})`, {
      nak: body[0],
    })
  return body
}

export function getVersion(t: Transport): Promise<Buffer> {
  return direct(t, Buffer.from([0x60]), 8, 'GET_VERSION')
}

/** NTAG FAST_READ: pages start…end inclusive in one round trip. */
export function fastRead(t: Transport, start: number, end: number): Promise<Buffer> {
  return direct(t, Buffer.from([0x3a, start, end]), (end - start + 1) * 4, `reading pages ${start}–${end}`)
}

export function pwdAuth(t: Transport, password: Buffer): Promise<Buffer> {
  return direct(t, Buffer.concat([Buffer.from([0x1b]), password]), 2, 'password authentication')
}

/** ACR122U native write of one 4-byte page. */
export async function writePage(t: Transport, page: number, data: Buffer): Promise<void> {
  if (data.length !== 4) throw new Error('a page is 4 bytes')
  ok(
    await t.transmit(Buffer.concat([Buffer.from([0xff, 0xd6, 0x00, page, 0x04]), data]), 2),
    `writing page ${page}`,
  )
}

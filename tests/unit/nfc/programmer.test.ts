import { describe, expect, it } from 'vitest'
import { CountingTransport, type Transport } from '../../../src/main/nfc/apdu'
import { NfcError } from '../../../src/main/core/tags/programming/nfc-error'
import { ndefTlv, parseNdef, uriRecord } from '../../../src/main/nfc/ndef'
import { inspect, minimumApdus, programTag } from '../../../src/main/nfc/programmer'
import { VirtualNtag, type VirtualChip } from '../../nfc/virtual-ntag'
import { isValidNdef, phoneReadsUrl } from '../../nfc/decode'

/** The tag straight on the wire (no pcscd): a pulled tag answers nothing, as nfc-pcsc reports it (empty response). */
function wire(tag: VirtualNtag): Transport {
  return { transmit: async (apdu) => tag.handle(apdu) ?? Buffer.alloc(0) }
}

const URL = 'http://192.168.100.200:8080/t/Ab12Cd34Ef56'

async function program(tag: VirtualNtag, url = URL, opts: Partial<Parameters<typeof programTag>[2]> = {}) {
  const t = new CountingTransport(wire(tag))
  const state = await inspect(t)
  const r = await programTag(t, state, { url, ...opts })
  return { ...r, apdus: t.count }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof NfcError) return err.code
    throw err
  }
  return 'no error'
}

describe('NDEF encoding', () => {
  it('encodes a URI record byte for byte as the NFC Forum examples do', () => {
    // "https://www.nfc.com" → prefix 02, "nfc.com"
    expect(uriRecord('https://www.nfc.com').toString('hex')).toBe('d1010855026e66632e636f6d')
    expect(ndefTlv(uriRecord('http://a.b')).toString('hex')).toBe('0308d101045503612e62fe')
    // The longest matching prefix wins ("https://www." over "https://").
    expect(uriRecord('https://www.x')[4]).toBe(0x02)
    expect(uriRecord('tel:+86100')[4]).toBe(0x05)
  })

  it('reads back text and foreign records without throwing on odd bytes', () => {
    expect(parseNdef(Buffer.from('03 00 fe'.replace(/ /g, ''), 'hex'))).toEqual({ kind: 'empty' })
    expect(parseNdef(Buffer.from('0309d101055402656e6869fe', 'hex'))).toMatchObject({
      kind: 'other',
      type: 'T',
    })
    expect(parseNdef(Buffer.from('ffffffffffff', 'hex'))).toEqual({ kind: 'unformatted' })
    expect(parseNdef(Buffer.from('03ff', 'hex'))).toEqual({ kind: 'unformatted' })
  })
})

describe('programming NTAG21x', () => {
  for (const chip of ['NTAG213', 'NTAG215', 'NTAG216'] as VirtualChip[]) {
    it(`writes and verifies a URL a phone reads back on ${chip}`, async () => {
      const tag = new VirtualNtag({ chip })
      const r = await program(tag)
      expect(r.chip).toBe(chip)
      expect(phoneReadsUrl(tag.userMemory())).toBe(URL)
    })
  }

  it('stays within 1.2× the minimum number of APDUs for a typical URL on a blank NTAG213', async () => {
    const r = await program(new VirtualNtag({ chip: 'NTAG213' }))
    expect(r.apdus / minimumApdus(URL)).toBeLessThanOrEqual(1.2)
  })

  it('refuses a URL bigger than the tag and leaves the tag as it was', async () => {
    const tag = new VirtualNtag({ chip: 'NTAG213' })
    const before = Buffer.from(tag.memory)
    const long = 'http://192.168.1.20:8080/t/' + 'x'.repeat(140)
    const t = wire(tag)
    await expect(programTag(t, await inspect(t), { url: long })).rejects.toMatchObject({ code: 'capacity' })
    expect(tag.memory.equals(before)).toBe(true)
    // The same URL fits an NTAG215.
    const big = new VirtualNtag({ chip: 'NTAG215' })
    await program(big, long)
    expect(phoneReadsUrl(big.userMemory())).toBe(long)
  })

  it('never reports success when the tag is pulled mid-write, and leaves old content or a valid empty message', async () => {
    const OLD = 'http://192.168.1.5:8080/t/OldOldOldOld'
    for (let cut = 0; cut < 12; cut++) {
      const tag = new VirtualNtag({ chip: 'NTAG213' })
      await program(tag, OLD)
      tag.writes = 0
      tag.removeAfterWrites = cut
      expect(await codeOf(program(tag))).toBe('removed')
      const left = phoneReadsUrl(tag.userMemory())
      expect([OLD, null]).toContain(left)
      expect(isValidNdef(tag.userMemory())).toBe(true)
      // Placed again, the retry succeeds.
      tag.removeAfterWrites = null
      tag.reset()
      await program(tag)
      expect(phoneReadsUrl(tag.userMemory())).toBe(URL)
    }
  })

  it('names chips it does not support and refuses them', async () => {
    const ultralight = new VirtualNtag({ chip: 'NTAG213', version: Buffer.from('0004030101000b03', 'hex') })
    const t = wire(ultralight)
    await expect(inspect(t)).rejects.toMatchObject({
      code: 'unsupported-chip',
      message: expect.stringMatching(/Ultralight/),
    })
  })

  it('refuses a read-only tag', async () => {
    const tag = new VirtualNtag({ chip: 'NTAG213', readOnly: true })
    expect(await codeOf(program(tag))).toBe('locked')
  })

  it('needs the password of a protected tag, and writes with the right one', async () => {
    const pwd = Buffer.from('1a2b3c4d', 'hex')
    const tag = new VirtualNtag({ chip: 'NTAG215', password: pwd })
    expect(await codeOf(program(tag))).toBe('password')
    tag.reset()
    expect(await codeOf(program(tag, URL, { currentPassword: Buffer.from('00000000', 'hex') }))).toBe(
      'password',
    )
    tag.reset()
    await program(tag, URL, { currentPassword: pwd })
    expect(phoneReadsUrl(tag.userMemory())).toBe(URL)
  })

  it('protects a tag with a password that phones can still read, and locks it for good when asked', async () => {
    const tag = new VirtualNtag({ chip: 'NTAG213' })
    await program(tag, URL, {
      password: { pwd: Buffer.from('cafebabe', 'hex'), pack: Buffer.from('1234', 'hex') },
    })
    tag.reset()
    // Anyone can read it (PROT = 0), nobody can write it without the password.
    const state = await inspect(wire(tag))
    expect(state.passwordProtected).toBe(true)
    expect(parseNdef(state.memory)).toEqual({ kind: 'uri', uri: URL })
    expect(await codeOf(program(tag, 'http://evil.example/x'))).toBe('password')
    expect(phoneReadsUrl(tag.userMemory())).toBe(URL)

    const locked = new VirtualNtag({ chip: 'NTAG213' })
    await program(locked, URL, { lock: true })
    expect((await inspect(wire(locked))).readOnly).toBe(true)
    expect(await codeOf(program(locked, 'http://evil.example/x'))).toBe('locked')
    expect(phoneReadsUrl(locked.userMemory())).toBe(URL)
  })

  it('switches off a factory-enabled UID mirror that would corrupt the message', async () => {
    const tag = new VirtualNtag({ chip: 'NTAG213', mirror: true })
    expect((await inspect(wire(tag))).mirror).toBe(true)
    await program(tag)
    expect((await inspect(wire(tag))).mirror).toBe(false)
    expect(phoneReadsUrl(tag.userMemory())).toBe(URL)
  })
})

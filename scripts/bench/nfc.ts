/**
 * `npm run bench:nfc`: APDUs and time per program-and-verify of a typical tag URL on an NTAG213, through the real
 * stack (pcscd + vsmartcard vpcd + nfc-pcsc in the hub's NFC worker), side by side with the minimum: the pages the
 * TLV needs written plus those pages read back once (READ returns 4 pages), sent raw through the same reader.
 * Needs pcscd and vsmartcard-vpcd (the set-up command installs them) and no other pcscd running.
 */
import pino from 'pino'
import { CountingTransport, type Transport } from '../../src/main/nfc/apdu'
import { ndefTlv, uriRecord } from '../../src/main/nfc/ndef'
import { inspect, minimumApdus, programTag } from '../../src/main/nfc/programmer'
import type { PlacedTag } from '../../src/main/core/tags/programming/nfc-port'
import { NfcService } from '../../src/main/nfc/service'
import { Pcscd, pcscAvailable } from '../../tests/nfc/pcscd'
import { VirtualNtag, VirtualReaderSlot } from '../../tests/nfc/virtual-ntag'
import { phoneReadsUrl } from '../../tests/nfc/decode'
import { arg, median, table } from './common'

const URL = 'http://192.168.1.20:8080/t/Ab12Cd34Ef56'
const runs = Number(arg('runs', '10'))

async function main(): Promise<void> {
  const missing = pcscAvailable()
  if (missing) throw new Error(missing)
  const pcscd = new Pcscd()
  await pcscd.start()
  const nfc = new NfcService({ logger: pino({ level: 'warn' }), onStatus: () => {} })
  const slot = new VirtualReaderSlot()
  try {
    nfc.start()
    for (let i = 0; i < 200 && !(nfc.ready && nfc.readerNames().length); i++)
      await new Promise((r) => setTimeout(r, 100))
    if (!nfc.ready) throw new Error('the NFC worker did not connect to pcscd')

    const place = async (tag: VirtualNtag): Promise<PlacedTag> => {
      const next = nfc.waitForTag({ timeoutMs: 10_000, takePresent: false })
      await slot.place(tag)
      return next
    }
    const take = async () => {
      slot.remove()
      for (let i = 0; i < 100 && nfc.readerNames().some((n) => nfc.present(n)); i++)
        await new Promise((r) => setTimeout(r, 50))
    }
    const tlv = ndefTlv(uriRecord(URL))
    const pages = Math.ceil(tlv.length / 4)
    const padded = Buffer.concat([tlv, Buffer.alloc(pages * 4 - tlv.length)])

    /** The hub's program-and-verify: inspect (chip, locks, config, content), tear-safe write, read-back. */
    const ours = async (old: string | null) => {
      const tag = new VirtualNtag({ chip: 'NTAG213' })
      if (old) tag.memory.set(ndefTlv(uriRecord(old)), 16)
      const placed = await place(tag)
      const t = new CountingTransport(nfc.transport(placed.reader))
      const t0 = performance.now()
      await programTag(t, await inspect(t), { url: URL })
      const ms = performance.now() - t0
      if (phoneReadsUrl(tag.userMemory()) !== URL) throw new Error('verification in the benchmark failed')
      await take()
      return { apdus: t.count, ms }
    }
    /** The anchor: only the TLV's pages written, then read back with READ (16 bytes = 4 pages each). */
    const minimum = async () => {
      const tag = new VirtualNtag({ chip: 'NTAG213' })
      const placed = await place(tag)
      const t = new CountingTransport(nfc.transport(placed.reader)) as CountingTransport & Transport
      const t0 = performance.now()
      for (let p = 0; p < pages; p++)
        await t.transmit(
          Buffer.concat([Buffer.from([0xff, 0xd6, 0x00, 4 + p, 0x04]), padded.subarray(p * 4, p * 4 + 4)]),
          2,
        )
      for (let p = 0; p < pages; p += 4) await t.transmit(Buffer.from([0xff, 0xb0, 0x00, 4 + p, 0x10]), 18)
      const ms = performance.now() - t0
      if (phoneReadsUrl(tag.userMemory()) !== URL) throw new Error('the raw write did not land')
      await take()
      return { apdus: t.count, ms }
    }

    const blank: Array<{ apdus: number; ms: number }> = []
    const rewrite: Array<{ apdus: number; ms: number }> = []
    const anchor: Array<{ apdus: number; ms: number }> = []
    for (let i = 0; i < runs; i++) {
      anchor.push(await minimum())
      blank.push(await ours(null))
      rewrite.push(await ours('https://shop.example.com/old'))
    }
    const min = minimumApdus(URL)
    const a = median(anchor.map((x) => x.ms))
    console.log(`URL: ${URL} (${URL.length} bytes → TLV ${tlv.length} bytes = ${pages} pages on an NTAG213)`)
    console.log(
      `runs: ${runs} each, interleaved; medians; vpcd adds ~40 ms per APDU (Nagle), real readers ~5–15 ms\n`,
    )
    console.log(
      table([
        ['case', 'APDUs', 'minimum', 'APDU ratio', 'ms', 'minimum ms', 'time ratio'],
        ['minimum (raw writes + READ)', anchor[0]!.apdus, min, '1.00', a.toFixed(0), a.toFixed(0), '1.00'],
        ...(
          [
            ['hub, blank tag', blank],
            ['hub, tag with old content', rewrite],
          ] as const
        ).map(([name, xs]) => {
          const ms = median(xs.map((x) => x.ms))
          return [
            name,
            xs[0]!.apdus,
            min,
            (xs[0]!.apdus / min).toFixed(2),
            ms.toFixed(0),
            a.toFixed(0),
            (ms / a).toFixed(2),
          ]
        }),
      ]),
    )
    console.log('\ntarget: APDU ratio ≤ 1.20')
  } finally {
    slot.remove()
    await nfc.stop()
    await pcscd.stop()
  }
}

main().catch((err) => {
  console.error(`bench:nfc failed: ${(err as Error).message}`)
  process.exit(1)
})

import { createHash } from 'node:crypto'
import type { ChipContent, ChipWrite, InspectedTag } from '../core/tags/programming/nfc-port'
import { CountingTransport, type Transport } from './apdu'
import type { NdefContent } from './ndef'
import { userBytes } from './ntag'
import { inspect, programTag, type TagState } from './programmer'

/** The summary tag programming reads, holding the raw state (pages, config bytes) that writing needs. */
class InspectedChip implements InspectedTag {
  readonly chip: string
  readonly capacityBytes: number
  readonly content: ChipContent
  readonly readOnly: boolean
  readonly passwordProtected: boolean

  constructor(
    readonly state: TagState,
    readonly apdus: number,
  ) {
    this.chip = state.chip.name
    this.capacityBytes = userBytes(state.chip)
    this.content = contentOf(state.content, state.memory)
    this.readOnly = state.readOnly
    this.passwordProtected = state.passwordProtected
  }
}

function contentOf(c: NdefContent, memory: Buffer): ChipContent {
  if (c.kind === 'unformatted')
    return { kind: 'unformatted', blank: memory.subarray(0, 16).every((b) => b === 0) }
  if (c.kind === 'other') return { kind: 'other', type: c.type }
  return c
}

/** Reads the chip on a transport: model, locks, protection and its NDEF content. */
export async function inspectChip(transport: Transport): Promise<InspectedTag> {
  const t = new CountingTransport(transport)
  const state = await inspect(t)
  return new InspectedChip(state, t.count)
}

/** The 2-byte acknowledge a protected tag answers with: derived from the password, so it is never stored either. */
function packFor(pwd: Buffer): Buffer {
  return createHash('sha256').update('tapdrop-pack').update(pwd).digest().subarray(0, 2)
}

/** Programs the chip `inspected` described (see programTag); returns the commands it took. */
export async function writeChip(
  transport: Transport,
  inspected: InspectedTag,
  w: ChipWrite,
): Promise<{ apdus: number }> {
  const t = new CountingTransport(transport)
  // Only this module makes InspectedTags; anything else is read again rather than trusted.
  const state = inspected instanceof InspectedChip ? inspected.state : await inspect(t)
  const pwd = w.password ? Buffer.from(w.password, 'hex') : null
  await programTag(t, state, {
    url: w.url,
    password: pwd ? { pwd, pack: packFor(pwd) } : null,
    currentPassword: w.currentPassword ? Buffer.from(w.currentPassword, 'hex') : null,
    lock: w.lock,
  })
  return { apdus: t.count }
}

/** ACR122U LED and buzzer (a pseudo-APDU through the tag connection; readers without it just refuse it). */
// FF 00 40 <LED control> 04 <T1> <T2> <repetitions> <buzzer>: green blinks twice with one beep; red three times, two beeps.
const FEEDBACK = {
  ok: Buffer.from('ff0040a80401010201', 'hex'),
  fail: Buffer.from('ff0040540401010303', 'hex'),
}

export async function readerFeedback(reader: string, t: Transport, outcome: 'ok' | 'fail'): Promise<void> {
  if (!/acr122/i.test(reader)) return
  try {
    await t.transmit(FEEDBACK[outcome], 2)
  } catch {
    // The tag was taken away already, or the reader has no LED: feedback is a courtesy.
  }
}

import type { NfcStatus } from '../../../../shared/contract/nfc'

// What tag programming needs from the NFC hardware, declared here so the rules (provisioner, batch) do not depend on
// how readers are driven. src/main/nfc/service.ts implements it (a worker process owning nfc-pcsc, APDUs, NDEF and
// NTAG memory maps); every failure is an NfcError with a code (./nfc-error.ts).

/** A tag lying on a reader. */
export interface PlacedTag {
  reader: string
  uid: string | null
  /** Increases with every placement, so "the next tag" can be told from "the one lying there". */
  seq: number
  since: number
}

export type CardEvent = { type: 'placed'; tag: PlacedTag } | { type: 'removed'; reader: string }

/** What a chip holds, decoded; whether it is one of ours is the provisioner's question. */
export type ChipContent =
  | { kind: 'empty' }
  | { kind: 'uri'; uri: string }
  /** Some other NDEF message (text, vCard, several records…), by its record type. */
  | { kind: 'other'; type: string }
  /** Not NDEF at all; `blank` when its first bytes are all zero (some tags ship that way). */
  | { kind: 'unformatted'; blank: boolean }

/** A tag as read before deciding what to do with it. Pass it back to `write` unchanged. */
export interface InspectedTag {
  /** The chip model, e.g. NTAG213. */
  chip: string
  /** Bytes of user memory: how long a message the chip can hold. */
  capacityBytes: number
  content: ChipContent
  readOnly: boolean
  passwordProtected: boolean
  /** Commands the reading took (with `write`'s, what a programming cost). */
  apdus: number
}

export interface ChipWrite {
  url: string
  /** Protect the tag against rewriting with this password (8 hex digits, validated by the contract); never logged. */
  password: string | null
  /** The password of a tag protected earlier, to rewrite it. */
  currentPassword: string | null
  /** Make the tag read-only forever (the caller has the staff's explicit confirmation). */
  lock: boolean
}

export interface NfcPort {
  status(): NfcStatus
  readerNames(): string[]
  /** The tag lying on `reader` now, if any. */
  present(reader: string): PlacedTag | null
  onCard(listener: (e: CardEvent) => void): () => void
  /**
   * Resolves with a tag on a reader: the one lying there (when `takePresent`) or the next one placed; `reader` if
   * given, else any. Fails with a clear reason on timeout, no service or no reader.
   */
  waitForTag(opts: {
    reader?: string | undefined
    timeoutMs: number
    takePresent: boolean
  }): Promise<PlacedTag>
  /** Reads what the tag on `reader` holds. */
  inspect(reader: string): Promise<InspectedTag>
  /**
   * Writes the URL (tear-safe, read back and compared before it counts) and the protection asked for, onto the tag
   * `inspected` describes. Refuses a locked tag, a wrong password or a URL the chip cannot hold.
   */
  write(reader: string, inspected: InspectedTag, w: ChipWrite): Promise<{ apdus: number }>
  /** Tells the person at the counter how it went, on readers that can (LED, beep); never fails. */
  feedback(reader: string, outcome: 'ok' | 'fail'): Promise<void>
}

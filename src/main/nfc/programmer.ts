import { fastRead, getVersion, pwdAuth, writePage, type Transport } from './apdu'
import { NfcError } from '../core/tags/programming/nfc-error'
import { EMPTY_NDEF, ndefTlv, parseNdef, uriRecord, type NdefContent } from './ndef'
import { auth0, identifyChip, mirrorEnabled, userBytes, type ChipModel } from './ntag'

export interface TagState {
  chip: ChipModel
  /** Pages 4… as far as read (enough to decode the NDEF message). */
  memory: Buffer
  content: NdefContent
  /** NDEF says read-only (CC write access) or the lock bits are set. */
  readOnly: boolean
  /** AUTH0 protects user pages (writing needs the password). */
  passwordProtected: boolean
  mirror: boolean
  cfg0: Buffer
  cfg1: Buffer
}

const FIRST_READ_END = 15 // pages 2–15: lock bytes, CC and the first 48 bytes of user memory, in one round trip

/** Reads what is on the tag: chip, locks, config, and its NDEF content. Three APDUs for a typical tag. */
export async function inspect(t: Transport): Promise<TagState> {
  const id = identifyChip(await getVersion(t))
  if ('unsupported' in id)
    throw new NfcError(
      'unsupported-chip',
      `this tag is ${id.unsupported}; use NTAG213, NTAG215 or NTAG216 tags`,
      { chip: id.unsupported },
    )
  const chip = id.model
  let head: Buffer
  try {
    head = await fastRead(t, 2, FIRST_READ_END)
  } catch (err) {
    if (err instanceof NfcError && err.code === 'io')
      throw new NfcError(
        'password',
        'this tag is password-protected against reading; unlock it with its password first',
      )
    throw err
  }
  const cfg = await fastRead(t, chip.cfg0Page, chip.cfg1Page)
  const cfg0 = cfg.subarray(0, 4)
  const cfg1 = cfg.subarray(4, 8)
  const cc = head.subarray(4, 8)
  let memory = head.subarray(8)
  // A longer message than the first read covers: read the rest (rare; our URLs fit in the first read).
  const needed = ndefSpan(memory)
  if (needed > memory.length) {
    const lastPage = Math.min(chip.lastUserPage, 4 + Math.ceil(needed / 4) - 1)
    memory = Buffer.concat([memory, await fastRead(t, FIRST_READ_END + 1, lastPage)])
  }
  const staticLocked = head[2] !== 0x00 || head[3] !== 0x00
  return {
    chip,
    memory,
    content: parseNdef(memory),
    readOnly: cc[3] === 0x0f || staticLocked,
    passwordProtected: auth0(cfg0) <= chip.lastUserPage,
    mirror: mirrorEnabled(cfg0),
    cfg0,
    cfg1,
  }
}

/** Bytes from page 4 up to the end of the NDEF TLV (so that much must be read to decode it). */
function ndefSpan(memory: Buffer): number {
  if (memory[0] !== 0x03 || memory.length < 2) return 0
  if (memory[1] === 0xff) return memory.length >= 4 ? 4 + memory.readUInt16BE(2) + 1 : 4
  return 2 + memory[1]! + 1
}

export interface ProgramOptions {
  url: string
  /** Protect against rewriting: 4-byte password and 2-byte acknowledge. Never logged. */
  password?: { pwd: Buffer; pack: Buffer } | null
  /** Password of a tag protected earlier (by this hub or the store). */
  currentPassword?: Buffer | null
  /** Make the tag read-only forever. Irreversible: the caller must have the staff's explicit confirmation. */
  lock?: boolean
}

export interface ProgramResult {
  chip: ChipModel['name']
  pagesWritten: number
}

/**
 * Writes the URL as the tag's NDEF message, tear-safe: when the tag holds something, page 4 is first made an empty
 * message, then the body is written, then page 4 gets the real header. A tag pulled away at any moment holds its old
 * content or a valid empty message, never a broken one. The result is read back and compared before it counts.
 */
export async function programTag(
  t: Transport,
  state: TagState,
  opts: ProgramOptions,
): Promise<ProgramResult> {
  const { chip } = state
  if (state.readOnly)
    throw new NfcError('locked', 'this tag is locked (read-only); it cannot be written again')
  const tlv = ndefTlv(uriRecord(opts.url))
  const pages = Math.ceil(tlv.length / 4)
  if (tlv.length > userBytes(chip))
    throw new NfcError(
      'capacity',
      `the URL needs ${tlv.length} bytes but a ${chip.name} holds ${userBytes(chip)}; use a larger tag or a shorter address`,
      { needed: tlv.length, capacity: userBytes(chip) },
    )
  if (state.passwordProtected) {
    if (!opts.currentPassword)
      throw new NfcError('password', 'this tag is password-protected; enter its password to rewrite it')
    try {
      await pwdAuth(t, opts.currentPassword)
    } catch (err) {
      if (err instanceof NfcError && err.code === 'io')
        throw new NfcError('password', 'the password for this tag is wrong')
      throw err
    }
  }
  const data = Buffer.concat([tlv, Buffer.alloc(pages * 4 - tlv.length)])
  let written = 0
  const write = async (page: number, bytes: Buffer) => {
    try {
      await writePage(t, page, bytes)
    } catch (err) {
      if (err instanceof NfcError && err.code === 'io')
        throw new NfcError('locked', `page ${page} cannot be written (locked or protected)`, { page })
      throw err
    }
    written++
  }
  // Stock tags may ship with the UID/counter mirror on, which would overwrite part of our message when read.
  if (state.mirror)
    await write(
      chip.cfg0Page,
      Buffer.from([state.cfg0[0]! & 0x3f, state.cfg0[1]!, state.cfg0[2]!, state.cfg0[3]!]),
    )
  const alreadyEmpty =
    state.memory.subarray(0, 3).equals(EMPTY_NDEF.subarray(0, 3)) ||
    state.memory.subarray(0, 4).equals(Buffer.alloc(4))
  if (!alreadyEmpty) await write(4, EMPTY_NDEF)
  for (let p = 1; p < pages; p++) await write(4 + p, data.subarray(p * 4, p * 4 + 4))
  await write(4, data.subarray(0, 4))

  const back = await fastRead(t, 4, 4 + pages - 1)
  if (!back.subarray(0, tlv.length).equals(tlv))
    throw new NfcError(
      'verify-failed',
      'what the tag holds differs from what was written; place it again to retry',
    )

  if (opts.lock) {
    // CC write access 0x0F: read-only NDEF; then the lock bits (one-time programmable, OR-ed in).
    await write(3, Buffer.from([0xe1, 0x10, chip.ccSize, 0x0f]))
    await write(2, Buffer.from([0x00, 0x00, 0xff, 0xff]))
    await write(chip.dynamicLockPage, Buffer.from([0xff, 0xff, 0xff, 0x00]))
  }
  // The password comes last: once AUTH0 covers the user pages, every later write would need PWD_AUTH first.
  if (opts.password) {
    await write(chip.pwdPage, opts.password.pwd)
    await write(chip.packPage, Buffer.concat([opts.password.pack, Buffer.alloc(2)]))
    // PROT = 0: only writing needs the password, so every phone can still read the tag.
    await write(
      chip.cfg1Page,
      Buffer.from([state.cfg1[0]! & 0x7f, state.cfg1[1]!, state.cfg1[2]!, state.cfg1[3]!]),
    )
    const cfg0 = state.mirror ? state.cfg0[0]! & 0x3f : state.cfg0[0]!
    await write(chip.cfg0Page, Buffer.from([cfg0, state.cfg0[1]!, state.cfg0[2]!, 0x04]))
  }
  return { chip: chip.name, pagesWritten: written }
}

/** The minimum for the benchmark: the TLV's pages written plus those pages read back once (4 pages per READ). */
export function minimumApdus(url: string): number {
  const pages = Math.ceil(ndefTlv(uriRecord(url)).length / 4)
  return pages + Math.ceil(pages / 4)
}

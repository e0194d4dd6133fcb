import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { NfcWriteResult, TagReading } from '../../../../shared/contract/nfc'
import type { Strategy, Tier } from '../../../db/repos/tags'
import { requireRole, type CallContext } from '../../auth/actor'
import type { TagsService } from '../service'
import { tagUrl } from '../codes'
import type { TagRecord } from '../../../db/repos/tags'
import { CountingTransport, type Transport } from '../../../nfc/apdu'
import { NfcError } from './nfc-error'
import { inspect, programTag, type TagState } from '../../../nfc/programmer'
import { userBytes } from '../../../nfc/ntag'
import type { NfcService, PlacedTag } from '../../../nfc/service'

export interface Protection {
  password?: string | undefined
  currentPassword?: string | undefined
  lock: boolean
}

/** What a tag should deliver when it gets a new record. */
export interface NewTagSpec {
  videoIds: number[]
  strategy?: Strategy | undefined
  tier: Tier
  dailyCap: number | null
  label: string
}

export type WriteSpec = { tagId: number } | { create: NewTagSpec }

export interface Classified {
  kind: TagReading['kind']
  url: string | null
  content: string
  tag: TagRecord | null
}

/** The 2-byte acknowledge a protected tag answers with: derived from the password, so it is never stored either. */
function packFor(pwd: Buffer): Buffer {
  return createHash('sha256').update('tapdrop-pack').update(pwd).digest().subarray(0, 2)
}

/** ACR122U LED and buzzer (a pseudo-APDU through the tag connection; readers without it just refuse it). */
// FF 00 40 <LED control> 04 <T1> <T2> <repetitions> <buzzer>: green blinks twice with one beep; red three times, two beeps.
const FEEDBACK = {
  ok: Buffer.from('ff0040a80401010201', 'hex'),
  fail: Buffer.from('ff0040540401010303', 'hex'),
}

/**
 * Reading and programming one tag on a reader: the rules staff rely on. A tag with someone else's content, or one of
 * this hub's tags, is not overwritten without an explicit yes; the record is written only after the chip has been
 * read back and matches; every failure says what to do.
 */
export class TagProvisioner {
  private readonly busy = new Set<string>()

  constructor(private readonly d: { nfc: NfcService; tags: TagsService; logger: Logger }) {}

  /** Runs one operation on a reader, refusing a second one at the same time (a batch and the CLI, say). */
  async exclusive<T>(reader: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(reader))
      throw new NfcError('busy', `the reader ${reader} is busy with another tag operation`)
    this.busy.add(reader)
    try {
      return await fn()
    } finally {
      this.busy.delete(reader)
    }
  }

  isBusy(reader: string): boolean {
    return this.busy.has(reader)
  }

  async read(
    ctx: CallContext,
    o: { reader?: string | undefined; timeoutSeconds: number },
  ): Promise<TagReading> {
    requireRole(ctx, 'staff')
    const placed = await this.d.nfc.waitForTag({
      reader: o.reader,
      timeoutMs: o.timeoutSeconds * 1000,
      takePresent: true,
    })
    return this.exclusive(placed.reader, async () => {
      const state = await inspect(this.d.nfc.transport(placed.reader))
      const c = this.classify(state)
      return {
        reader: placed.reader,
        uid: placed.uid,
        chip: state.chip.name,
        url: c.url,
        content: c.content,
        kind: c.kind,
        readOnly: state.readOnly,
        passwordProtected: state.passwordProtected,
        capacityBytes: userBytes(state.chip),
        tag: c.tag ? this.d.tags.view(c.tag) : null,
      }
    })
  }

  /** `tapdrop tag write` and the console's "program one tag": the tag on the reader, or the next one placed. */
  async write(
    ctx: CallContext,
    o: WriteSpec & Protection & { reader?: string | undefined; timeoutSeconds: number; overwrite: boolean },
  ): Promise<NfcWriteResult> {
    requireRole(ctx, 'staff')
    if ('create' in o) this.d.tags.checkVideos(o.create.videoIds)
    else this.d.tags.find(o.tagId)
    const placed = await this.d.nfc.waitForTag({
      reader: o.reader,
      timeoutMs: o.timeoutSeconds * 1000,
      takePresent: true,
    })
    return this.exclusive(placed.reader, () => this.programPlaced(ctx, placed, o, o, o.overwrite))
  }

  classify(state: TagState): Classified {
    const c = state.content
    if (c.kind === 'empty') return { kind: 'empty', url: null, content: 'empty', tag: null }
    if (c.kind === 'unformatted') {
      // A tag with nothing but zero bytes is blank too (some are shipped that way).
      const blank = state.memory.subarray(0, 16).every((b) => b === 0)
      return {
        kind: blank ? 'empty' : 'foreign',
        url: null,
        content: blank ? 'empty' : 'unrecognised data',
        tag: null,
      }
    }
    if (c.kind === 'other')
      return {
        kind: 'foreign',
        url: null,
        content: c.type === 'T' ? 'a text record' : `an NDEF record of type "${c.type}"`,
        tag: null,
      }
    const id = this.d.tags.identifyUrl(c.uri)
    if (id.kind === 'known') return { kind: 'known', url: c.uri, content: c.uri, tag: id.tag }
    return { kind: id.kind, url: c.uri, content: c.uri, tag: null }
  }

  /**
   * Programs the tag lying on `placed.reader` (the caller holds the reader). Known tags and foreign content need
   * `overwrite`; this hub's address with an unknown code (a cut write, a deleted tag) is rewritten without asking.
   */
  async programPlaced(
    ctx: CallContext,
    placed: PlacedTag,
    spec: WriteSpec,
    protection: Protection,
    overwrite: boolean,
    inspected?: TagState,
  ): Promise<NfcWriteResult> {
    const started = Date.now()
    const t = new CountingTransport(this.d.nfc.transport(placed.reader))
    try {
      const state = inspected ?? (await inspect(t))
      const c = this.classify(state)
      const target = 'tagId' in spec ? this.d.tags.find(spec.tagId) : null
      if (c.kind === 'known' && c.tag!.id !== target?.id && !overwrite)
        throw new NfcError(
          'known-tag',
          `this is already tag ${c.tag!.code}${c.tag!.label ? ` (${c.tag!.label})` : ''}; rebind it instead, or confirm overwriting`,
          { tagId: c.tag!.id, code: c.tag!.code },
        )
      if (c.kind === 'foreign' && !overwrite)
        throw new NfcError('foreign-content', `this tag holds ${c.content}; confirm to overwrite it`, {
          found: c.content,
        })
      const code = target ? target.code : this.d.tags.freshCode()
      const url = target ? tagUrl(target.baseUrl, target.code) : this.d.tags.newTagUrl(code)
      const pwd = protection.password ? Buffer.from(protection.password, 'hex') : null
      await programTag(t, state, {
        url,
        password: pwd ? { pwd, pack: packFor(pwd) } : null,
        currentPassword: protection.currentPassword ? Buffer.from(protection.currentPassword, 'hex') : null,
        lock: protection.lock,
      })
      const tag = this.d.tags.recordProgrammed(ctx, {
        ...(target ? { tagId: target.id } : { create: { ...(spec as { create: NewTagSpec }).create, code } }),
        uid: placed.uid,
        chip: state.chip.name,
        url,
        password: pwd !== null,
        locked: protection.lock,
        reader: placed.reader,
      })
      const apdus = t.count
      await this.feedback(placed.reader, 'ok')
      return {
        tag,
        uid: placed.uid,
        chip: state.chip.name,
        url,
        reader: placed.reader,
        apdus,
        ms: Date.now() - started,
      }
    } catch (err) {
      if (err instanceof NfcError && err.code !== 'removed') await this.feedback(placed.reader, 'fail')
      this.d.logger.info(
        { reader: placed.reader, uid: placed.uid, err: (err as Error).message },
        'tag not programmed',
      )
      throw err
    }
  }

  /** A tag's state for callers that look before deciding (the batch). */
  inspectPlaced(placed: PlacedTag): Promise<TagState> {
    return inspect(this.d.nfc.transport(placed.reader))
  }

  private async feedback(reader: string, kind: 'ok' | 'fail'): Promise<void> {
    if (!/acr122/i.test(reader)) return
    const t: Transport = this.d.nfc.transport(reader)
    try {
      await t.transmit(FEEDBACK[kind], 2)
    } catch {
      // The tag was taken away already, or the reader has no LED: feedback is a courtesy.
    }
  }
}

import type { Logger } from 'pino'
import type { NfcWriteResult, TagReading } from '../../../../shared/contract/nfc'
import type { Strategy, Tier } from '../../../../shared/contract/tags'
import type { TagRecord } from '../../../db/repos/tags'
import { requireRole, type CallContext } from '../../auth/actor'
import type { TagsService } from '../service'
import { tagUrl } from '../codes'
import { NfcError } from './nfc-error'
import type { InspectedTag, NfcPort, PlacedTag } from './nfc-port'

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

/**
 * Reading and programming one tag on a reader: the rules staff rely on. A tag with someone else's content, or one of
 * this hub's tags, is not overwritten without an explicit yes; the record is written only after the chip has been
 * read back and matches; every failure says what to do.
 */
export class TagProvisioner {
  private readonly busy = new Set<string>()

  constructor(private readonly d: { nfc: NfcPort; tags: TagsService; logger: Logger }) {}

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
      const state = await this.d.nfc.inspect(placed.reader)
      const c = this.classify(state)
      return {
        reader: placed.reader,
        uid: placed.uid,
        chip: state.chip,
        url: c.url,
        content: c.content,
        kind: c.kind,
        readOnly: state.readOnly,
        passwordProtected: state.passwordProtected,
        capacityBytes: state.capacityBytes,
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

  classify(state: InspectedTag): Classified {
    const c = state.content
    if (c.kind === 'empty') return { kind: 'empty', url: null, content: 'empty', tag: null }
    if (c.kind === 'unformatted')
      // A tag with nothing but zero bytes is blank too (some are shipped that way).
      return {
        kind: c.blank ? 'empty' : 'foreign',
        url: null,
        content: c.blank ? 'empty' : 'unrecognised data',
        tag: null,
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
    inspected?: InspectedTag,
  ): Promise<NfcWriteResult> {
    const started = Date.now()
    try {
      const state = inspected ?? (await this.d.nfc.inspect(placed.reader))
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
      const written = await this.d.nfc.write(placed.reader, state, {
        url,
        password: protection.password ?? null,
        currentPassword: protection.currentPassword ?? null,
        lock: protection.lock,
      })
      // What the programming cost: the look at the chip (unless the caller looked already) and the write.
      const apdus = (inspected ? 0 : state.apdus) + written.apdus
      const tag = this.d.tags.recordProgrammed(ctx, {
        ...(target ? { tagId: target.id } : { create: { ...(spec as { create: NewTagSpec }).create, code } }),
        uid: placed.uid,
        chip: state.chip,
        url,
        password: Boolean(protection.password),
        locked: protection.lock,
        reader: placed.reader,
      })
      await this.d.nfc.feedback(placed.reader, 'ok')
      return {
        tag,
        uid: placed.uid,
        chip: state.chip,
        url,
        reader: placed.reader,
        apdus,
        ms: Date.now() - started,
      }
    } catch (err) {
      if (err instanceof NfcError && err.code !== 'removed') await this.d.nfc.feedback(placed.reader, 'fail')
      this.d.logger.info(
        { reader: placed.reader, uid: placed.uid, err: (err as Error).message },
        'tag not programmed',
      )
      throw err
    }
  }

  /** A tag's state for callers that look before deciding (the batch). */
  inspectPlaced(placed: PlacedTag): Promise<InspectedTag> {
    return this.d.nfc.inspect(placed.reader)
  }
}

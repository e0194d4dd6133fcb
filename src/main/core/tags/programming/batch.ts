import type { Logger } from 'pino'
import type { Batch, BatchItem } from '../../../../shared/contract/nfc'
import type { Strategy, Tier } from '../../../../shared/contract/tags'
import { actorName, requireRole, type CallContext } from '../../auth/actor'
import type { TagsService } from '../service'
import { NfcError } from './nfc-error'
import type { Protection, TagProvisioner } from './provisioner'
import type { CardEvent, NfcPort, PlacedTag } from './nfc-port'

export interface BatchInput extends Protection {
  videoIds: number[]
  strategy?: Strategy | undefined
  tier: Tier
  dailyCap: number | null
  labelPrefix: string
  reader?: string | undefined
}

interface Running {
  batch: Batch
  input: BatchInput
  ctx: CallContext
  off: () => void
}

const MAX_ITEMS = 500

/**
 * Batch mode at the counter: staff choose what the tags deliver and a label prefix, then place tags one after
 * another. Each placed tag is looked at, then programmed and verified, or identified as one of ours, or held for a
 * decision when it carries someone else's content. The list lives in memory; everything it did is in the tags table
 * and the audit log, so a restart loses only the on-screen list.
 */
export class BatchRunner {
  private running: Running | null = null
  private last: Batch | null = null
  private nextBatchId = 1
  private nextItemId = 1
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly d: {
      nfc: NfcPort
      tags: TagsService
      provisioner: TagProvisioner
      logger: Logger
      onChange: (batch: Batch) => void
    },
  ) {}

  get(ctx: CallContext): Batch | null {
    requireRole(ctx, 'viewer')
    return this.running?.batch ?? this.last
  }

  start(ctx: CallContext, input: BatchInput): Batch {
    requireRole(ctx, 'staff')
    if (this.running)
      throw new NfcError(
        'busy',
        `a batch started by ${this.running.batch.startedBy} is running; stop it first`,
      )
    this.d.tags.checkVideos(input.videoIds)
    const batch: Batch = {
      id: this.nextBatchId++,
      active: true,
      startedAt: new Date().toISOString(),
      startedBy: actorName(ctx.actor),
      reader: input.reader ?? null,
      videoIds: input.videoIds,
      strategy: input.strategy ?? null,
      tier: input.tier,
      labelPrefix: input.labelPrefix,
      password: Boolean(input.password),
      lock: input.lock,
      items: [],
    }
    const off = this.d.nfc.onCard((e) => this.onCard(e))
    this.running = { batch, input, ctx, off }
    this.d.logger.info(
      { batch: batch.id, by: batch.startedBy, videos: input.videoIds, lock: input.lock },
      'tag batch started',
    )
    this.changed()
    // A tag already lying on the reader is the first of the batch.
    for (const name of this.d.nfc.readerNames()) {
      const tag = this.d.nfc.present(name)
      if (tag && this.wanted(tag.reader)) this.enqueue(tag)
    }
    return batch
  }

  stop(ctx: CallContext): Batch | null {
    requireRole(ctx, 'staff')
    const r = this.running
    if (!r) return this.last
    r.off()
    r.batch.active = false
    this.running = null
    this.last = r.batch
    this.d.logger.info({ batch: r.batch.id, items: r.batch.items.length }, 'tag batch stopped')
    this.changed(r.batch)
    return r.batch
  }

  /** Overwrite foreign content (the tag must still lie on the reader), or point a known tag at this batch's videos. */
  async resolve(ctx: CallContext, itemId: number, action: 'overwrite' | 'rebind'): Promise<Batch> {
    requireRole(ctx, 'staff')
    const r = this.running
    const item = r?.batch.items.find((i) => i.id === itemId)
    if (!r || !item) throw new NfcError('timeout', 'that tag is not in the running batch')
    if (action === 'rebind') {
      if (item.state !== 'known' || !item.tag) throw new NfcError('io', 'only a known tag can be rebound')
      const tag = this.d.tags.update(ctx, {
        id: item.tag.id,
        videoIds: r.input.videoIds,
        ...(r.input.strategy ? { strategy: r.input.strategy } : {}),
        tier: r.input.tier,
      })
      Object.assign(item, { state: 'rebound', tag })
      this.changed()
      return r.batch
    }
    if (item.state !== 'needs-confirmation') throw new NfcError('io', 'this tag does not need a confirmation')
    // In turn with the tags placed before it: run beside the batch's own work on that reader (the same tag seen
    // again as it shifts, say), the overwrite found the reader busy and the tag was marked failed.
    const overwrite = this.chain.then(async () => {
      if (item.state !== 'needs-confirmation')
        throw new NfcError('io', 'this tag does not need a confirmation')
      const placed = this.d.nfc.present(item.reader)
      if (!placed || placed.uid !== item.uid)
        throw new NfcError('removed', 'place that tag on the reader again to overwrite it')
      await this.run(placed, item, true)
    })
    this.chain = overwrite.catch(() => undefined)
    await overwrite
    return r.batch
  }

  private wanted(reader: string): boolean {
    const want = this.running?.input.reader
    return !want || want === reader
  }

  private onCard(e: CardEvent): void {
    if (e.type === 'placed' && this.wanted(e.tag.reader)) this.enqueue(e.tag)
  }

  /** Tags are handled one at a time, in the order they were placed. */
  private enqueue(placed: PlacedTag): void {
    const r = this.running
    if (!r) return
    // A tag seen again while its row is still being looked at or waits for a decision is the same tag lying there
    // (it shifted, or the reader service restarted): it keeps that row instead of getting a second one.
    const last = r.batch.items.findLast((i) => i.reader === placed.reader)
    if (
      placed.uid !== null &&
      last?.uid === placed.uid &&
      (last.state === 'working' || last.state === 'needs-confirmation')
    )
      return
    if (r.batch.items.length >= MAX_ITEMS) r.batch.items.shift()
    const item: BatchItem = {
      id: this.nextItemId++,
      at: new Date().toISOString(),
      reader: placed.reader,
      uid: placed.uid,
      chip: null,
      state: 'working',
      tag: null,
      found: null,
      error: null,
      ms: null,
    }
    r.batch.items.push(item)
    this.changed()
    this.chain = this.chain.then(() => this.run(placed, item, false))
  }

  private async run(placed: PlacedTag, item: BatchItem, overwrite: boolean): Promise<void> {
    const r = this.running
    if (!r) return
    const started = Date.now()
    item.state = 'working'
    item.error = null
    this.changed()
    try {
      await this.d.provisioner.exclusive(placed.reader, async () => {
        const state = await this.d.provisioner.inspectPlaced(placed)
        item.chip = state.chip
        const c = this.d.provisioner.classify(state)
        if (c.kind === 'known' && !overwrite) {
          Object.assign(item, { state: 'known', tag: this.d.tags.view(c.tag!), ms: Date.now() - started })
          return
        }
        if (c.kind === 'foreign' && !overwrite) {
          Object.assign(item, { state: 'needs-confirmation', found: c.content, ms: Date.now() - started })
          return
        }
        const ok = r.batch.items.filter((i) => i.state === 'ok').length
        const label = r.input.labelPrefix ? `${r.input.labelPrefix}${String(ok + 1).padStart(2, '0')}` : ''
        const res = await this.d.provisioner.programPlaced(
          r.ctx,
          placed,
          {
            create: {
              videoIds: r.input.videoIds,
              strategy: r.input.strategy,
              tier: r.input.tier,
              dailyCap: r.input.dailyCap,
              label,
            },
          },
          r.input,
          overwrite,
          state,
        )
        Object.assign(item, { state: 'ok', tag: res.tag, found: null, ms: Date.now() - started })
      })
    } catch (err) {
      const e = err instanceof NfcError ? err : null
      if (!e) this.d.logger.error({ err }, 'tag batch item failed')
      Object.assign(item, {
        state: 'failed',
        error: { code: e ? `nfc-${e.code}` : 'internal-error', message: e ? e.message : 'internal error' },
        ms: Date.now() - started,
      })
    }
    this.changed()
  }

  private changed(batch?: Batch): void {
    const b = batch ?? this.running?.batch
    if (b) this.d.onChange(structuredClone(b))
  }
}

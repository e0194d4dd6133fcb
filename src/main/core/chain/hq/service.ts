import type { Logger } from 'pino'
import type { z } from 'zod'
import type {
  ChainBindInputSchema,
  ChainHq as ChainHqView,
  ChainJob,
  ChainPublishInputSchema,
  ChainStore,
} from '../../../../shared/contract/chain'
import type { Repos } from '../../../db/repos'
import type { JobRecord } from '../../../db/repos/jobs'
import { inWriteTransaction } from '../../../db/immediate'
import type { AuditService } from '../../audit/service'
import { actorName, requireRole, type CallContext } from '../../auth/actor'
import type { ConfigStore } from '../../config/store'
import { fieldRefused, HubError, refusal } from '../../errors'
import type { EventBus } from '../../events/bus'
import type { JobQueue } from '../../jobs/queue'
import { defaultStrategy, type Catalog } from '../catalog'
import { editCatalog, readCurrentCatalog, type CurrentCatalog } from '../catalog-io'
import { CATALOG_POINTER } from '../keys'
import type { ObjectStore } from '../object-store'
import { readPointer } from '../pointer'
import type { ChainService } from '../service'
import { collectGarbage } from './garbage'
import {
  CHAIN_JOB_KINDS,
  CHAIN_PUBLISH_JOB,
  chainIdOf,
  enqueuePublish,
  enqueueUnpublish,
  newBindingId,
  PublishPayload,
  UnpublishPayload,
} from './publish-job'
import { cachedStores, listStores, type StatusCache } from './stores'
import { hubText, TEXT } from '../../../../shared/contract/texts'

export interface ChainHqDeps {
  chain: ChainService
  repos: Repos
  queue: JobQueue
  audit: AuditService
  events: EventBus
  config: ConfigStore
  logger: Logger
  now?: () => number
}

/** The catalog read this recently is shown without asking the bucket again (one conditional GET after). */
const FRESH_MS = 3000

/**
 * Headquarters: what it published (the catalog in the bucket is the truth: a second headquarters console writes to
 * the same one), its publish jobs, the stores' statuses, bindings and groups, and the clean-up of files the catalog
 * let go of more than the grace period ago.
 */
export class ChainHq {
  private current: (CurrentCatalog & { readAt: number }) | null = null
  /** The newest catalog this hub wrote or read: what HQ shows while the bucket cannot be read. */
  private lastKnown: Catalog | null = null
  private readError: { code: string; message: string } | null = null
  /** The catalog version each publish job wrote (for the console; not kept across a restart). */
  private readonly versions = new Map<number, number>()
  private readonly statuses: StatusCache = new Map()
  private gcTimer: NodeJS.Timeout | null = null
  private gcRunning: Promise<void> | null = null
  private changedTimer: NodeJS.Timeout | null = null
  private readonly now: () => number

  constructor(private readonly d: ChainHqDeps) {
    this.now = d.now ?? Date.now
  }

  private active(): boolean {
    const setup = this.d.chain.setup()
    return setup.role === 'hq' && setup.connection !== null
  }

  start(): void {
    // Files let go of are deleted an hour apart at most; the first check a minute after start.
    const schedule = (ms: number) => {
      this.gcTimer = setTimeout(() => {
        if (this.active()) void this.gc()
        schedule(3_600_000)
      }, ms)
      this.gcTimer.unref()
    }
    schedule(60_000)
  }

  async stop(): Promise<void> {
    if (this.gcTimer) clearTimeout(this.gcTimer)
    if (this.changedTimer) clearTimeout(this.changedTimer)
    await this.gcRunning
  }

  /** Told by the publish jobs: a new catalog version is in effect. */
  catalogWritten(catalog: Catalog, jobId: number | null): void {
    if (jobId !== null) this.versions.set(jobId, catalog.version)
    // The pointer's ETag is not known here: the next read asks again (one small GET).
    this.current = null
    this.lastKnown = catalog
    this.changed()
  }

  /** The console is told at most twice a second, however fast jobs report progress. */
  changed(): void {
    if (this.changedTimer) return
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null
      this.d.events.emit({ type: 'chain-changed' })
    }, 500)
    this.changedTimer.unref()
  }

  private requireHq(ctx: CallContext, role: 'viewer' | 'staff' | 'admin'): void {
    requireRole(ctx, role)
    if (this.d.chain.setup().role !== 'hq')
      throw new HubError('chain-wrong-role', 'this is for headquarters (chainRole hq); this hub is a store')
  }

  private by(ctx: CallContext): string {
    return `${this.d.config.values.storeName ?? 'headquarters'} (${actorName(ctx.actor)})`
  }

  /** The catalog in effect, re-read when older than a few seconds (an unchanged pointer costs one small request). */
  async catalog(store?: ObjectStore): Promise<CurrentCatalog> {
    const s = store ?? (await this.d.chain.store())
    const c = this.current
    if (c && this.now() - c.readAt < FRESH_MS) return c
    if (c && c.pointerEtag) {
      const read = await readPointer(s, CATALOG_POINTER, { ifNoneMatch: c.pointerEtag })
      if (read.status === 'not-modified') {
        c.readAt = this.now()
        return c
      }
    }
    const fresh = await readCurrentCatalog(s)
    this.current = { ...fresh, readAt: this.now() }
    this.lastKnown = fresh.catalog
    return this.current
  }

  async view(ctx: CallContext): Promise<ChainHqView> {
    this.requireHq(ctx, 'viewer')
    const jobs = this.jobs()
    let current: CurrentCatalog | null = null
    try {
      current = await this.catalog()
      this.readError = null
    } catch (err) {
      this.readError = err instanceof HubError ? { code: err.code, message: err.message } : null
      if (!this.readError) throw err
    }
    // The bucket away: the catalog as last known, with the reason in `error` (it said "nothing published yet").
    const c = current?.catalog ?? (this.readError ? this.lastKnown : null)
    const byChainId = this.localVideos()
    const title = (id: string) => c?.videos.find((v) => v.id === id)?.title ?? id
    return {
      catalogVersion: c && c.version > 0 ? c.version : null,
      publishedAt: c?.publishedAt || null,
      videos: (c?.videos ?? []).map((v) => ({
        chainId: v.id,
        videoId: byChainId.get(v.id) ?? null,
        title: v.title,
        stores: v.stores,
        bytes: v.bytes,
        publishedAt: v.publishedAt,
      })),
      bindings: (c?.bindings ?? []).map((b) => ({
        id: b.id,
        label: b.label,
        videos: b.videos.map((id) => ({ chainId: id, title: title(id) })),
        stores: b.stores,
        from: b.from,
        to: b.to,
        strategy: b.strategy,
        createdAt: b.createdAt,
      })),
      groups: Object.entries(c?.groups ?? {})
        .map(([name, stores]) => ({ name, stores }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      jobs,
      error: this.readError,
    }
  }

  async stores(ctx: CallContext): Promise<ChainStore[]> {
    this.requireHq(ctx, 'viewer')
    const store = await this.d.chain.store()
    try {
      return await listStores(store, this.statuses)
    } catch (err) {
      return cachedStores(store.location, this.statuses, `as last read; now: ${(err as Error).message}`)
    }
  }

  /**
   * Whether the catalog carries this hub's video (HQ refuses deleting it until unpublished): read now, or as last
   * known while the bucket cannot be read.
   */
  async isPublished(videoId: number): Promise<boolean> {
    const v = this.d.repos.videos.findById(videoId)
    if (!v || v.origin !== 'local') return false
    const id = chainIdOf(v.sha256)
    return (await this.catalogOrLastKnown())?.videos.some((x) => x.id === id) ?? false
  }

  /** The catalog read now, or while the bucket cannot be read the last this hub wrote or read (null: none yet). */
  private async catalogOrLastKnown(): Promise<Catalog | null> {
    try {
      return (await this.catalog()).catalog
    } catch {
      return this.lastKnown
    }
  }

  /** This hub's videos by their chain id. */
  private localVideos(): Map<string, number> {
    return new Map(
      this.d.repos.videos
        .list()
        .filter((v) => v.origin === 'local')
        .map((v) => [chainIdOf(v.sha256), v.id]),
    )
  }

  publish(ctx: CallContext, input: z.output<typeof ChainPublishInputSchema>): ChainJob {
    this.requireHq(ctx, 'staff')
    this.requireConfigured()
    const v = this.d.repos.videos.findById(input.videoId)
    if (!v) throw new HubError('video-not-found', `no video with id ${input.videoId}`)
    if (v.origin !== 'local')
      throw new HubError('chain-read-only', 'a chain video cannot be published again from here')
    if (v.status !== 'ready') throw refusal('conflict', hubText('publishNotReady'))
    if ((input.from || input.to) && input.label === undefined)
      throw fieldRefused('label', TEXT.fromToNeedLabel)
    if (input.from && input.to && input.from > input.to) throw fieldRefused('to', TEXT.fromAfterTo)
    const payload: PublishPayload = {
      videoId: v.id,
      chainId: chainIdOf(v.sha256),
      stores: input.stores,
      ...(input.label !== undefined ? { label: input.label } : {}),
      ...(input.from ? { from: input.from } : {}),
      ...(input.to ? { to: input.to } : {}),
      by: this.by(ctx),
    }
    const size = this.d.repos.videos.renditions(v.id).reduce((n, r) => n + r.sizeBytes, 0)
    const id = inWriteTransaction(this.d.repos.db, () => {
      const jobId = enqueuePublish(this.d.queue, payload, size)
      this.d.audit.record(ctx, 'chain.publish', `video:${v.id}`, {
        chainId: payload.chainId,
        stores: payload.stores,
        label: payload.label ?? null,
        from: payload.from ?? null,
        to: payload.to ?? null,
      })
      return jobId
    })
    this.changed()
    return this.job(ctx, id)
  }

  async unpublish(ctx: CallContext, video: number | string): Promise<ChainJob> {
    this.requireHq(ctx, 'staff')
    this.requireConfigured()
    let chainId: string
    let videoId: number | null = null
    let title: string
    if (typeof video === 'number') {
      const v = this.d.repos.videos.findById(video)
      if (!v) throw new HubError('video-not-found', `no video with id ${video}`)
      chainId = chainIdOf(v.sha256)
      videoId = v.id
      title = v.title
    } else {
      chainId = video
      videoId = this.localVideos().get(video) ?? null
      title =
        (await this.catalog().catch(() => null))?.catalog.videos.find((v) => v.id === video)?.title ?? video
    }
    const payload: UnpublishPayload = { chainId, videoId, title, by: this.by(ctx) }
    const id = inWriteTransaction(this.d.repos.db, () => {
      const jobId = enqueueUnpublish(this.d.queue, payload)
      this.d.audit.record(ctx, 'chain.unpublish', videoId ? `video:${videoId}` : chainId, { chainId })
      return jobId
    })
    this.changed()
    return this.job(ctx, id)
  }

  job(ctx: CallContext, id: number): ChainJob {
    this.requireHq(ctx, 'viewer')
    const job = this.d.repos.jobs.findById(id)
    if (!job || !(CHAIN_JOB_KINDS as readonly string[]).includes(job.kind))
      throw new HubError('not-found', `no publish job with id ${id}`)
    return this.toJob(job)
  }

  private jobs(): ChainJob[] {
    return this.d.repos.jobs.recentOfKinds(CHAIN_JOB_KINDS, 30).map((j) => this.toJob(j))
  }

  private toJob(job: JobRecord): ChainJob {
    const publish = job.kind === CHAIN_PUBLISH_JOB
    const p = publish ? PublishPayload.safeParse(job.payload) : UnpublishPayload.safeParse(job.payload)
    const payload = p.success ? p.data : null
    const videoId = payload?.videoId ?? job.videoId
    const title =
      (videoId !== null ? this.d.repos.videos.findById(videoId)?.title : undefined) ??
      (payload && 'title' in payload ? payload.title : null) ??
      payload?.chainId ??
      `#${job.id}`
    const progress = job.status === 'running' ? this.d.queue.progressOf(job.id) : null
    return {
      id: job.id,
      kind: publish ? 'publish' : 'unpublish',
      videoId,
      chainId: payload?.chainId ?? null,
      title,
      status: job.status,
      percent:
        job.status === 'done'
          ? 100
          : progress
            ? Math.round(progress.fraction * 1000) / 10
            : job.status === 'running'
              ? 0
              : null,
      attempts: job.attempts,
      error: job.error,
      catalogVersion: this.versions.get(job.id) ?? null,
      createdAt: new Date(job.createdAt).toISOString(),
      finishedAt: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
    }
  }

  async bind(ctx: CallContext, input: z.output<typeof ChainBindInputSchema>): Promise<ChainHqView> {
    this.requireHq(ctx, 'staff')
    const store = await this.d.chain.store()
    const local = this.localVideos()
    const ids = input.videos.map((v) => {
      if (typeof v === 'string') return v
      const rec = this.d.repos.videos.findById(v)
      if (!rec) throw new HubError('video-not-found', `no video with id ${v}`)
      return chainIdOf(rec.sha256)
    })
    const at = new Date(this.now()).toISOString()
    const id = newBindingId()
    const edit = await editCatalog(
      store,
      (c) => {
        const missing = ids.filter((x) => !c.videos.some((v) => v.id === x))
        if (missing.length)
          throw refusal(
            'conflict',
            hubText('publishFirst', {
              videos: missing.map((m) => (local.has(m) ? `#${local.get(m)}` : m)).join(', '),
            }),
          )
        c.bindings.push({
          id,
          label: input.label,
          videos: [...new Set(ids)],
          strategy: input.strategy ?? defaultStrategy(new Set(ids).size),
          stores: [...new Set(input.stores)],
          from: input.from,
          to: input.to,
          createdAt: at,
        })
        return c
      },
      { by: this.by(ctx), now: this.now },
    )
    this.d.audit.record(ctx, 'chain.bind', id, {
      label: input.label,
      videos: ids,
      stores: input.stores,
      from: input.from,
      to: input.to,
      version: edit.catalog.version,
    })
    this.catalogWritten(edit.catalog, null)
    return this.view(ctx)
  }

  async unbind(ctx: CallContext, bindingId: string): Promise<ChainHqView> {
    this.requireHq(ctx, 'staff')
    const store = await this.d.chain.store()
    const edit = await editCatalog(
      store,
      (c) => {
        if (!c.bindings.some((b) => b.id === bindingId)) return null
        c.bindings = c.bindings.filter((b) => b.id !== bindingId)
        return c
      },
      { by: this.by(ctx), now: this.now },
    )
    if (!edit.changed) throw new HubError('not-found', `no binding ${bindingId} in the catalog`)
    this.d.audit.record(ctx, 'chain.unbind', bindingId, { version: edit.catalog.version })
    this.catalogWritten(edit.catalog, null)
    return this.view(ctx)
  }

  /** Sets a group's stores (an empty list removes the group). */
  async setGroup(ctx: CallContext, name: string, stores: string[]): Promise<ChainHqView> {
    this.requireHq(ctx, 'admin')
    const store = await this.d.chain.store()
    const wanted = [...new Set(stores)].sort()
    const edit = await editCatalog(
      store,
      (c) => {
        const before = c.groups[name]
        if (wanted.length === 0) {
          if (!before) return null
          const used = [...c.videos.map((v) => v.stores), ...c.bindings.map((b) => b.stores)].some((t) =>
            t.includes(`@${name}`),
          )
          if (used) throw refusal('conflict', hubText('groupInUse', { name }))
          delete c.groups[name]
          return c
        }
        if (before && JSON.stringify([...before].sort()) === JSON.stringify(wanted)) return null
        c.groups[name] = wanted
        return c
      },
      { by: this.by(ctx), now: this.now },
    )
    this.d.audit.record(ctx, 'chain.group', `@${name}`, { stores: wanted, version: edit.catalog.version })
    if (edit.changed) this.catalogWritten(edit.catalog, null)
    return this.view(ctx)
  }

  private requireConfigured(): void {
    const setup = this.d.chain.setup()
    if (!setup.connection)
      throw new HubError(
        'chain-not-configured',
        `the chain is not configured: set ${setup.missing.join(', ')}`,
        {
          missing: setup.missing,
        },
      )
  }

  /** Deletes from the bucket what the catalog let go of more than the grace period ago. */
  gc(): Promise<void> {
    this.gcRunning ??= (async () => {
      try {
        const store = await this.d.chain.store()
        const result = await collectGarbage(store, {
          graceMs: this.d.config.values.chainGraceHours * 3_600_000,
          now: this.now,
          by: `${this.d.config.values.storeName ?? 'headquarters'} (clean-up)`,
        })
        if (result.deleted > 0) {
          this.d.logger.info(result, 'chain: files the catalog let go of were deleted from the bucket')
          this.current = null
          this.changed()
        }
      } catch (err) {
        this.d.logger.warn(
          { err: (err as Error).message },
          'chain: clean-up of the bucket failed; tried again later',
        )
      } finally {
        this.gcRunning = null
      }
    })()
    return this.gcRunning
  }

  /** For `chain status` at HQ: the version in the bucket, videos in it, jobs not finished. */
  async statusFields(): Promise<{ catalogVersion: number | null; videos: number; pending: number }> {
    const pending = this.d.repos.jobs
      .recentOfKinds(CHAIN_JOB_KINDS, 1000)
      .filter((j) => j.status === 'queued' || j.status === 'running').length
    const c = await this.catalogOrLastKnown()
    return c
      ? { catalogVersion: c.version > 0 ? c.version : null, videos: c.videos.length, pending }
      : { catalogVersion: null, videos: 0, pending }
  }
}

import { mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { ChainSync as ChainSyncView, ChainSyncStateName } from '../../../../shared/contract/chain'
import type { Repos } from '../../../db/repos'
import type { VideoRecord } from '../../../db/repos/videos'
import { inWriteTransaction } from '../../../db/immediate'
import { requireRole, type CallContext } from '../../auth/actor'
import type { ConfigStore } from '../../config/store'
import { HubError } from '../../errors'
import type { EventBus } from '../../events/bus'
import type { VideoStorage } from '../../videos/storage'
import {
  activeOn,
  bindingsFor,
  CatalogSchema,
  labelMatches,
  localDay,
  parseCatalog,
  type Catalog,
} from '../catalog'
import { HashPool } from '../file-hasher'
import { CATALOG_POINTER, storeStatusKey } from '../keys'
import { ObjectStoreError, type ObjectStore } from '../object-store'
import { readPointed, readPointer } from '../pointer'
import type { ChainService } from '../service'
import type { StoreStatus } from '../store-status'
import { mbpsToBytes, TokenBucket } from '../throttle'
import { ChainBindings } from './bindings'
import { fetchFiles, type FetchProgress } from './fetch'
import { planSync, type SyncPlan } from './plan'
import { applyPlan } from './apply'

export interface ChainSyncDeps {
  chain: ChainService
  repos: Repos
  config: ConfigStore
  events: EventBus
  storage: VideoStorage
  /** Where the chain's files live (media/chain): content-addressed, on the library's disk. */
  dir: string
  logger: Logger
  appVersion: string
  /** Staff are told the store has not synced for long (a notification). */
  notifyStale: (params: Record<string, string | number>) => void
  /** The library changed: what the tap path and the caption draw cached goes. */
  onApplied: () => void
  now?: () => number
  /** Downloads at once (they share one bandwidth limit). Default 2. */
  concurrency?: number
}

/** A failed attempt is tried again after 5 s, then 10, 20 … up to the poll interval. */
const FIRST_RETRY_MS = 5000
/** A status object is written when something changed, while downloading every 10 s, else every 5 minutes. */
const HEARTBEAT_IDLE_MS = 5 * 60_000
const HEARTBEAT_BUSY_MS = 10_000

/**
 * A store's side of the chain: polls the catalog pointer (a conditional GET on the ETag of the catalog applied, so
 * an unchanged catalog costs one request and no body), fetches what the newest catalog needs and this store lacks
 * (checked, resumable, behind one bandwidth limit), applies it whole in one transaction (the last good catalog
 * stays applied until then: a catalog that does not parse, names absent files or arrives damaged is refused with
 * its reason), lets go of what the catalog no longer holds after the grace period, and writes its status for
 * headquarters. Offline it serves what it has and tries again with back-off. The sync state that must survive a
 * kill -9 is in SQLite (chain_state, chain_files); a partial download is a `.part` file, continued next time.
 */
export class ChainSync {
  readonly bindings = new ChainBindings()
  private readonly bucket: TokenBucket
  /** The downloads' checksums, off the event loop that serves phones. */
  private readonly hasher: HashPool
  private readonly now: () => number
  private timer: NodeJS.Timeout | null = null
  private staleTimer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private controller: AbortController | null = null
  private stopped = true
  private unsubscribe: (() => void) | null = null
  private state: ChainSyncStateName = 'off'
  private available: number | null = null
  private progress: (FetchProgress & { fetchedBytes: number; resumedBytes: number }) | null = null
  private pendingFiles = 0
  private lastRun: ChainSyncView['lastRun'] = null
  private nextAt: number | null = null
  private applied: Catalog | null = null
  private activeSince: number | null = null
  private beat = { at: 0, signature: '' }
  /** Status writes, one after another (see heartbeat). */
  private beats: Promise<void> = Promise.resolve()
  private beatQueued: Promise<void> | null = null
  private changedTimer: NodeJS.Timeout | null = null
  /** Bucket objects whose copy failed its checksum, by key → the ETag of that copy: not fetched again unchanged. */
  private readonly damaged = new Map<string, string>()
  private readonly metaCache = new Map<string, unknown>()

  constructor(private readonly d: ChainSyncDeps) {
    this.now = d.now ?? Date.now
    this.bucket = new TokenBucket(() => mbpsToBytes(d.config.values.chainDownloadMbps))
    this.hasher = new HashPool({ logger: d.logger })
  }

  /** A store with its chain settings complete: the role, a connection, a store id. */
  private active(): boolean {
    const s = this.d.chain.setup()
    return s.role === 'store' && s.connection !== null && s.missing.length === 0 && s.storeId !== null
  }

  start(): void {
    this.stopped = false
    this.loadApplied()
    this.unsubscribe = this.d.config.onChange((keys) => {
      if (keys.some((k) => k.startsWith('chain') || k === 'storeName')) {
        // The object store is rebuilt for new settings: a sync using the old one stops and starts again.
        if (keys.some((k) => k !== 'chainDownloadMbps' && k !== 'chainStaleHours' && k !== 'chainGraceHours'))
          this.controller?.abort(new Error('the chain settings changed'))
        this.loadApplied()
        this.kick(200)
      }
    })
    this.kick(300)
    this.staleTimer = setInterval(() => this.checkStale(), 60_000)
    this.staleTimer.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    if (this.timer) clearTimeout(this.timer)
    if (this.staleTimer) clearInterval(this.staleTimer)
    if (this.changedTimer) clearTimeout(this.changedTimer)
    this.controller?.abort(new Error('the hub is stopping'))
    await this.running
    await this.hasher.close()
  }

  /** Checks for a new catalog now (staff pressed "sync now", or the CLI asked). */
  syncNow(ctx: CallContext): ChainSyncView {
    requireRole(ctx, 'staff')
    this.requireStore()
    this.kick(0)
    return this.view(ctx)
  }

  private requireStore(): void {
    const s = this.d.chain.setup()
    if (s.role !== 'store')
      throw new HubError(
        'chain-wrong-role',
        'this is for a store (chainRole store); this hub is headquarters',
      )
    if (!this.active())
      throw new HubError(
        'chain-not-configured',
        `the chain is not configured: set ${s.missing.join(', ') || 'the chain settings'}`,
        { missing: s.missing },
      )
  }

  private kick(ms: number): void {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    this.nextAt = this.now() + ms
    this.timer = setTimeout(() => void this.run(), ms)
    this.timer.unref()
  }

  /** One attempt at a time; a kick during one runs another right after it. */
  private async run(): Promise<void> {
    if (this.running) {
      this.again = true
      return
    }
    this.timer = null
    this.nextAt = null
    this.running = this.attempt().finally(() => {
      this.running = null
      if (this.again && !this.stopped) {
        this.again = false
        this.kick(0)
      }
    })
    await this.running
  }

  private loadApplied(): void {
    const st = this.d.repos.chain.state()
    let catalog: Catalog | null = null
    if (st.appliedCatalog) {
      const parsed = CatalogSchema.safeParse(JSON.parse(st.appliedCatalog))
      catalog = parsed.success ? parsed.data : null
    }
    this.applied = catalog
    this.bindings.load(this.active() ? catalog : null, this.d.chain.setup().storeId, this.chainIds())
  }

  private chainIds(): Map<string, number> {
    return new Map(
      this.d.repos.videos
        .chainVideos()
        .filter((v) => v.chainLeavingAt === null && v.chainId !== null)
        .map((v) => [v.chainId!, v.id]),
    )
  }

  private async attempt(): Promise<void> {
    if (!this.active()) {
      this.state = 'off'
      this.changed()
      return
    }
    this.activeSince ??= this.now()
    const controller = new AbortController()
    this.controller = controller
    let store: ObjectStore | null = null
    try {
      this.d.repos.chain.setAttempt(this.now())
      store = await this.d.chain.store()
      await this.syncOnce(store, controller.signal)
      this.state = 'idle'
      this.progress = null
      this.pendingFiles = 0
      this.kick(this.d.config.values.chainPollSeconds * 1000)
      try {
        this.collect(true)
      } catch (gcErr) {
        this.d.logger.warn({ err: (gcErr as Error).message }, 'chain clean-up failed; tried again later')
      }
    } catch (err) {
      if (this.stopped) return
      const e = describe(err)
      let failures = 1
      try {
        this.d.repos.chain.setFailed({ ...e, now: this.now() })
        failures = this.d.repos.chain.state().failures
      } catch (dbErr) {
        // A full disk can refuse this write too: the store goes on serving and tries again.
        this.d.logger.warn({ err: (dbErr as Error).message }, 'chain sync state not saved')
      }
      this.state = 'waiting'
      const delay = Math.min(
        FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 20),
        this.d.config.values.chainPollSeconds * 1000,
      )
      this.d.logger.warn(
        { code: e.code, reason: e.message, failures, retryInMs: delay },
        'chain sync failed; the last good catalog stays applied',
      )
      if (e.code === 'internal-error') this.d.logger.error({ err }, 'chain sync: unexpected error')
      this.kick(controller.signal.aborted ? 200 : delay)
      try {
        this.collect(false)
      } catch (gcErr) {
        this.d.logger.warn({ err: (gcErr as Error).message }, 'chain clean-up failed; tried again later')
      }
    } finally {
      this.controller = null
      if (store && !this.stopped) await this.heartbeat(store)
      this.checkStale()
      this.changed()
    }
  }

  private async syncOnce(store: ObjectStore, signal: AbortSignal): Promise<void> {
    this.state = 'checking'
    this.changed()
    const st = this.d.repos.chain.state()
    const read = await readPointer(store, CATALOG_POINTER, {
      ifNoneMatch: st.appliedEtag ?? undefined,
      signal,
    })
    if (read.status === 'not-modified') {
      this.available = st.appliedVersion
      this.d.repos.chain.setSynced(this.now())
      return
    }
    if (read.status === 'missing') {
      if (st.appliedVersion === null) {
        this.available = null
        this.d.repos.chain.setSynced(this.now())
        return
      }
      throw new ObjectStoreError(
        'not-found',
        `the bucket holds no catalog (${CATALOG_POINTER} is missing): is this the chain's bucket? Version ${st.appliedVersion} stays applied`,
        { op: 'sync', key: CATALOG_POINTER },
      )
    }
    const announced = read.pointer.extra?.version
    if (typeof announced === 'number') this.available = announced
    const body = await readPointed(store, read.pointer, { maxBytes: 64 * 1024 * 1024, signal })
    const catalog = parseCatalog(body, read.pointer.key)
    this.available = catalog.version
    const storeId = this.d.chain.setup().storeId!
    const plan: SyncPlan = await planSync({
      store,
      catalog,
      storeId,
      repos: this.d.repos,
      storage: this.d.storage,
      dir: this.d.dir,
      metaCache: this.metaCache,
      signal,
    })
    this.pendingFiles = plan.missing.length
    if (plan.missing.length) {
      this.state = 'downloading'
      mkdirSync(this.d.dir, { recursive: true })
      this.progress = {
        files: plan.missing.length,
        filesDone: 0,
        bytes: plan.missing.reduce((n, f) => n + f.size, 0),
        bytesDone: 0,
        fetchedBytes: 0,
        resumedBytes: 0,
      }
      this.changed()
      const started = this.now()
      await fetchFiles({
        store,
        catalog,
        files: plan.missing,
        dir: this.d.dir,
        storage: this.d.storage,
        repos: this.d.repos,
        reserveBytes: this.d.config.values.minFreeDiskMegabytes * 1024 * 1024,
        throttle: (n) => this.bucket.take(n),
        limited: () => this.bucket.limited(),
        damaged: this.damaged,
        concurrency: this.d.concurrency ?? 2,
        hasher: this.hasher,
        now: this.now,
        signal,
        onProgress: (p) => {
          this.progress = { ...this.progress!, ...p }
          this.pendingFiles = p.files - p.filesDone
          this.changed()
          void this.heartbeat(store)
        },
      })
      this.pendingFiles = 0
      const p = this.progress!
      this.lastRun = {
        version: catalog.version,
        files: p.files,
        bytes: p.bytes,
        fetchedBytes: p.fetchedBytes,
        resumedBytes: p.resumedBytes,
        seconds: Math.round((this.now() - started) / 100) / 10,
        at: new Date(this.now()).toISOString(),
      }
    }
    this.state = 'applying'
    const result = applyPlan({
      repos: this.d.repos,
      catalog,
      plan,
      etag: read.etag,
      dir: this.d.dir,
      storage: this.d.storage,
      now: this.now(),
    })
    this.applied = catalog
    this.bindings.load(catalog, storeId, this.chainIds())
    this.d.logger.info(
      {
        version: catalog.version,
        videos: plan.items.length,
        added: result.added,
        updated: result.updated,
        leaving: result.leaving,
        bindings: this.bindings.size,
        fetchedBytes: this.progress?.fetchedBytes ?? 0,
        resumedBytes: this.progress?.resumedBytes ?? 0,
      },
      'chain catalog applied',
    )
    for (const id of result.changedVideos) this.d.events.emit({ type: 'videos-changed', videoId: id })
    if (result.captionsChanged) this.d.events.emit({ type: 'captions-changed' })
    this.d.onApplied()
  }

  /**
   * Lets go of chain videos the catalog dropped more than the grace period ago (their rows go; tags that used them
   * lose them, as when staff delete a video). After a sync that brought the store up to date, also the files no row
   * names any more, partial downloads nothing wants, and strays a crash left.
   */
  private collect(upToDate: boolean): void {
    const grace = this.d.config.values.chainGraceHours * 3_600_000
    const now = this.now()
    let removed = 0
    for (const v of this.d.repos.videos.chainVideos()) {
      if (v.chainLeavingAt === null || now - v.chainLeavingAt < grace) continue
      inWriteTransaction(this.d.repos.db, () => this.d.repos.videos.delete(v.id))
      this.d.events.emit({ type: 'videos-changed', videoId: v.id })
      removed++
    }
    if (removed) {
      this.d.logger.info(
        { videos: removed },
        'chain videos the catalog no longer holds were removed after the grace period',
      )
      this.bindings.load(this.active() ? this.applied : null, this.d.chain.setup().storeId, this.chainIds())
      this.d.onApplied()
    }
    if (!upToDate) return
    const named = new Set<string>()
    for (const v of this.d.repos.videos.chainVideos()) {
      for (const r of this.d.repos.videos.renditions(v.id)) named.add(r.path)
      if (v.posterPath) named.add(v.posterPath)
      if (v.thumbPath) named.add(v.thumbPath)
    }
    let files = 0
    for (const f of this.d.repos.chain.files()) {
      if (named.has(f.path)) continue
      rmSync(this.d.storage.abs(f.path), { force: true })
      this.d.repos.chain.removeFile(f.sha256)
      files++
    }
    const known = new Set(this.d.repos.chain.files().map((f) => f.path))
    let names: string[] = []
    try {
      names = readdirSync(this.d.dir)
    } catch {
      names = []
    }
    for (const name of names) {
      const full = join(this.d.dir, name)
      if (known.has(this.d.storage.rel(full))) continue
      rmSync(full, { force: true, recursive: true })
      files++
    }
    if (files) this.d.logger.info({ files }, 'chain files nothing names any more were removed')
  }

  /**
   * Writes this store's status object for headquarters: when something changed, else now and then. Writes go one
   * after another, each reading the state when its turn comes: two PUTs in flight at once may land in either order,
   * and a progress report landing after the "up to date" one left HQ showing the store downloading for minutes.
   */
  private heartbeat(store: ObjectStore): Promise<void> {
    // Progress reports come by the chunk: one write waiting for its turn is enough.
    if (this.beatQueued) return this.beatQueued
    const next = this.beats.then(() => {
      this.beatQueued = null
      return this.writeStatus(store)
    })
    this.beatQueued = next
    this.beats = next
    return next
  }

  private async writeStatus(store: ObjectStore): Promise<void> {
    const storeId = this.d.chain.setup().storeId
    if (!storeId) return
    const status = this.statusObject(storeId)
    // Not a change: the time of writing, lastSyncAt (set by every poll that found the catalog unchanged) and the free
    // disk space (moves with every file written on the PC). With them, an idle store wrote its status at every poll,
    // doubling its requests; they go with the next write that is due.
    const { at: _at, lastSyncAt: _synced, disk: _disk, progress, ...rest } = status
    const signature = JSON.stringify({ ...rest, busy: progress !== null })
    const since = this.now() - this.beat.at
    const due =
      signature !== this.beat.signature ||
      since >= HEARTBEAT_IDLE_MS ||
      (progress !== null && since >= HEARTBEAT_BUSY_MS)
    if (!due) return
    try {
      await store.put(storeStatusKey(storeId), JSON.stringify(status), { contentType: 'application/json' })
      this.beat = { at: this.now(), signature }
    } catch (err) {
      // Not recorded as written: the next attempt writes it again.
      this.d.logger.debug({ err: (err as Error).message }, 'chain status object not written')
    }
  }

  private statusObject(storeId: string): StoreStatus {
    const st = this.d.repos.chain.state()
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
    return {
      v: 1,
      storeId,
      storeName: this.d.config.values.storeName,
      at: new Date(this.now()).toISOString(),
      appVersion: this.d.appVersion,
      state: this.state,
      catalogVersion: st.appliedVersion,
      availableVersion: this.available,
      lastSyncAt: iso(st.lastSyncAt),
      progress: this.progress
        ? {
            files: this.progress.files,
            filesDone: this.progress.filesDone,
            bytes: this.progress.bytes,
            bytesDone: this.progress.bytesDone,
          }
        : null,
      error: st.error ? { code: st.error.code, message: st.error.message } : null,
      disk: this.disk(),
      videos: this.d.repos.videos.chainVideos().filter((v) => v.chainLeavingAt === null).length,
    }
  }

  private disk(): { freeBytes: number; totalBytes: number } | null {
    try {
      const s = statfsSync(this.d.dir.replace(/[/\\]media[/\\]chain$/, ''))
      return { freeBytes: Number(s.bavail) * Number(s.bsize), totalBytes: Number(s.blocks) * Number(s.bsize) }
    } catch {
      return null
    }
  }

  private stale(): boolean {
    const hours = this.d.config.values.chainStaleHours
    if (hours <= 0 || !this.active()) return false
    const since = this.d.repos.chain.state().lastSyncAt ?? this.activeSince
    return since !== null && this.now() - since > hours * 3_600_000
  }

  private checkStale(): void {
    try {
      if (!this.stale()) return
      const st = this.d.repos.chain.state()
      this.d.notifyStale({
        hours: this.d.config.values.chainStaleHours,
        lastSyncAt: st.lastSyncAt ? new Date(st.lastSyncAt).toISOString() : '',
        error: st.error?.message.slice(0, 200) ?? '',
      })
    } catch (err) {
      // A full disk refuses the notification's row: said again at the next check.
      this.d.logger.warn({ err: (err as Error).message }, 'chain: the stale-sync notification was not saved')
    }
  }

  /** The console is told at most twice a second. */
  private changed(): void {
    if (this.changedTimer || this.stopped) return
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null
      this.d.events.emit({ type: 'chain-changed' })
    }, 500)
    this.changedTimer.unref()
  }

  view(ctx: CallContext): ChainSyncView {
    requireRole(ctx, 'viewer')
    return this.snapshot()
  }

  snapshot(): ChainSyncView {
    const st = this.d.repos.chain.state()
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
    const storeId = this.d.chain.setup().storeId
    const active = this.active()
    const rows = this.d.repos.videos.chainVideos()
    const byChainId = new Map(rows.map((v) => [v.chainId, v] as [string | null, VideoRecord]))
    const day = localDay(this.now())
    const tags = this.d.repos.tags.list()
    return {
      state: active ? this.state : 'off',
      catalogVersion: st.appliedVersion,
      availableVersion: this.available,
      appliedAt: iso(st.appliedAt),
      lastSyncAt: iso(st.lastSyncAt),
      lastAttemptAt: iso(st.lastAttemptAt),
      nextAttemptAt: active ? iso(this.nextAt) : null,
      error: st.error ? { code: st.error.code, message: st.error.message, at: iso(st.error.at)! } : null,
      failures: st.failures,
      progress: this.progress,
      lastRun: this.lastRun,
      videos: rows.filter((v) => v.chainLeavingAt === null).length,
      pending: this.pendingFiles,
      bindings:
        this.applied && storeId
          ? bindingsFor(this.applied, storeId).map((b) => ({
              id: b.id,
              label: b.label,
              videos: b.videos.map((id) => {
                const row = byChainId.get(id)
                return {
                  chainId: id,
                  videoId: row?.id ?? null,
                  title: row?.title ?? this.applied!.videos.find((v) => v.id === id)?.title ?? id,
                }
              }),
              from: b.from,
              to: b.to,
              active: activeOn(b, day),
              tags: tags
                .filter((t) => labelMatches(b.label, t.label))
                .map((t) => ({ id: t.id, label: t.label })),
            }))
          : [],
      stale: this.stale(),
    }
  }

  /** For `chain status` at a store. */
  statusFields(): {
    catalogVersion: number | null
    lastSyncAt: string | null
    syncing: boolean
    videos: number
    pending: number
    sync: ChainSyncView
  } {
    const sync = this.snapshot()
    return {
      catalogVersion: sync.catalogVersion,
      lastSyncAt: sync.lastSyncAt,
      syncing: sync.state === 'checking' || sync.state === 'downloading' || sync.state === 'applying',
      videos: sync.videos,
      pending: sync.pending,
      sync,
    }
  }
}

/** An error as staff read it: a code the console translates and a message that says what to do. */
function describe(err: unknown): { code: string; message: string } {
  if (err instanceof HubError) return { code: err.code, message: err.message }
  const code = (err as { code?: unknown } | null)?.code
  if (code === 'ENOSPC')
    return {
      code: 'chain-disk-full',
      message: 'the disk filled up during the sync; the partial file was removed',
    }
  if ((err as Error)?.name === 'AbortError' || (err as Error)?.message === 'the chain settings changed')
    return { code: 'chain-unreachable', message: (err as Error).message }
  return { code: 'internal-error', message: (err as Error)?.message ?? String(err) }
}

import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import type { UsedClip } from '../../db/repos/remix'
import type { TagRecord } from '../../db/repos/tags'
import type { PoolStatus, RemixFallback } from '../../../shared/contract/remix'
import type { ConfigStore } from '../config/store'
import type { JobQueue } from '../jobs/queue'
import { endOrphanFfmpeg } from '../media/orphans'
import { startOfDay } from '../time/days'
import type { VideoStorage } from '../videos/storage'
import { templateInputs } from './inputs'
import { planVariant, usedClips } from './plan'
import { newSeed } from './prng'
import { enqueueVariant } from './variant-job'
import { english, hubText, type HubText } from '../../../shared/contract/texts'

/** A variant the pool knows: being rendered, ready for a tap, or given out with its file still on disk. */
interface LiveVariant {
  id: number
  tagId: number | null
  templateId: number
  seed: number
  status: 'rendering' | 'ready' | 'used'
  /** Absolute, once rendered. */
  path: string | null
  sizeBytes: number
  uses: number
  usedAt: number | null
  /** The clips in order and which are mirrored: a new variant avoids the look of one the pool has. */
  signature: string
}

/** What a tap on a remix tag gets. */
export interface TakenVariant {
  variantId: number
  seed: number
  templateId: number
  sizeBytes: number
  /** Null: an unused variant. */
  fallback: RemixFallback | null
}

export interface PoolDeps {
  repos: Repos
  config: ConfigStore
  storage: VideoStorage
  queue: JobQueue
  logger: Logger
  /** `<data>/media/variants`: one folder per tag, `<variant id>.mp4`, work folders `.work-<variant id>`. */
  dir: string
  /** Staff are told once when a tag's pool runs dry (again after it had variants). */
  onDry: (tag: TagRecord, fallback: RemixFallback) => void
  now?: () => number
  random?: () => number
}

const HOUR = 3_600_000
/** Failed renders in a row after which a tag's pool waits before trying again. */
const FAILURES_BEFORE_PAUSE = 3
const FAILURE_PAUSE_MS = 10 * 60_000
/**
 * A variant given to a phone this recently may still be playing, saving or resuming there (the customer is in the
 * store, on its Wi-Fi): the disk budget does not take it; refills wait instead (the pool says so).
 */
const RECENT_USE_MS = HOUR
const signatureOf = (clips: UsedClip[]) => clips.map((c) => `${c.videoId}${c.mirror ? 'm' : ''}`).join(',')

/**
 * The variant pools of remix tags. The tap path asks `take()`, which answers from memory: the oldest unused
 * variant of the tag (never the same one twice: it leaves the ready list as it is given), else the least-used one,
 * else null (the caller gives the template's base video). Uses are written behind, once a second; a transfer row
 * names its variant, so after a crash the row is the proof (`recoverUsedVariants`). Refills run in idle time as
 * low-priority jobs of the hub's job queue; used variants are deleted after `remixUsedKeepHours` and when the
 * variants pass `remixDiskMegabytes`.
 */
export class VariantPools {
  private readonly variants = new Map<number, LiveVariant>()
  private readonly ready = new Map<number, number[]>()
  private readonly takes = new Map<number, number[]>()
  private readonly pendingUses = new Map<number, { count: number; at: number }>()
  private readonly dryTags = new Set<number>()
  private readonly progress = new Map<number, number>()
  private readonly failures = new Map<number, { count: number; at: number }>()
  /** Why a tag's pool is not refilling (tag 0: every pool), told in the console and logged once each. */
  private readonly problems = new Map<number, HubText>()
  private usedToday = { day: 0, perTag: new Map<number, number>() }
  private readonly timers: NodeJS.Timeout[] = []
  private refillTimer: NodeJS.Timeout | null = null
  private stopped = true
  private readonly now: () => number

  constructor(private readonly d: PoolDeps) {
    this.now = d.now ?? Date.now
  }

  /**
   * After a restart (kill -9 included): an ffmpeg left running is ended and work folders removed (a half-rendered
   * variant is never renamed into place), variants a transfer names count as used, rows whose file is gone are
   * marked deleted, files no row names are removed. Rendering rows keep their jobs, which the queue runs again.
   */
  start(): void {
    const { repos, logger, dir } = this.d
    if (existsSync(dir)) {
      endOrphanFfmpeg(dir, logger)
      for (const sub of readdirSync(dir, { withFileTypes: true }))
        if (sub.isDirectory())
          for (const name of readdirSync(join(dir, sub.name)))
            if (name.startsWith('.work-')) rmSync(join(dir, sub.name, name), { recursive: true, force: true })
    }
    const recovered = repos.remix.recoverUsedVariants()
    if (recovered) logger.info({ variants: recovered }, 'variants given out before a stop are marked used')
    const known = new Set<string>()
    for (const v of repos.remix.liveVariants()) {
      const path = v.path ? this.d.storage.abs(v.path) : null
      if (v.status !== 'rendering' && (!path || !existsSync(path))) {
        repos.remix.setVariantDeleted(v.id)
        continue
      }
      if (path) known.add(path)
      this.variants.set(v.id, {
        id: v.id,
        tagId: v.tagId,
        templateId: v.templateId,
        seed: v.seed,
        status: v.status === 'ready' ? 'ready' : v.status === 'used' ? 'used' : 'rendering',
        path,
        sizeBytes: v.sizeBytes ?? 0,
        uses: v.uses,
        usedAt: v.usedAt,
        signature: signatureOf(v.clips),
      })
      if (v.status === 'ready' && v.tagId !== null) this.readyList(v.tagId).push(v.id)
    }
    this.removeStrayFiles(known)
    const now = this.now()
    // The last hour's taps size the pools after a restart too.
    for (const [tagId, n] of repos.remix.usedSince(now - HOUR))
      this.takes.set(
        tagId,
        Array.from({ length: n }, () => now - HOUR / 2),
      )
    this.usedToday = { day: startOfDay(now), perTag: repos.remix.usedSince(startOfDay(now)) }
    this.stopped = false
    this.timers.push(setInterval(() => this.flushUses(), 1000))
    this.timers.push(
      setInterval(
        () =>
          this.guard('keeping the pools', () => {
            this.cleanup()
            this.refill()
          }),
        30_000,
      ),
    )
    for (const t of this.timers) t.unref()
    this.refillSoon()
  }

  stop(): void {
    this.stopped = true
    for (const t of this.timers.splice(0)) clearInterval(t)
    if (this.refillTimer) clearTimeout(this.refillTimer)
    this.refillTimer = null
    this.flushUses()
  }

  // ── the tap path (memory only) ───────────────────────────────────────────────────────────────────────────

  /** A variant for one tap of a remix tag; null when the tag has none at all (give the base video). */
  take(tag: TagRecord): TakenVariant | null {
    const now = this.now()
    this.countTake(tag.id, now)
    this.refillSoon()
    const list = this.readyList(tag.id)
    while (list.length) {
      const v = this.variants.get(list.shift()!)
      if (!v || v.status !== 'ready' || v.templateId !== tag.templateId) continue
      this.dryTags.delete(tag.id)
      return this.give(v, now, null)
    }
    let best: LiveVariant | null = null
    for (const v of this.variants.values())
      if (v.tagId === tag.id && v.templateId === tag.templateId && v.status === 'used' && v.path)
        if (!best || v.uses < best.uses || (v.uses === best.uses && (v.usedAt ?? 0) < (best.usedAt ?? 0)))
          best = v
    const fallback: RemixFallback = best ? 'least-used' : 'base-video'
    if (!this.dryTags.has(tag.id)) {
      this.dryTags.add(tag.id)
      // Told after this tap's answer: a notification is a row in SQLite.
      setImmediate(() => this.guard('telling staff of a dry pool', () => this.d.onDry(tag, fallback)))
    }
    return best ? this.give(best, now, fallback) : null
  }

  /** The file of a variant a transfer names, while it is on disk. */
  file(variantId: number): { path: string; sizeBytes: number } | null {
    const v = this.variants.get(variantId)
    return v?.path ? { path: v.path, sizeBytes: v.sizeBytes } : null
  }

  private give(v: LiveVariant, now: number, fallback: RemixFallback | null): TakenVariant {
    v.status = 'used'
    v.uses++
    v.usedAt = now
    const p = this.pendingUses.get(v.id)
    this.pendingUses.set(v.id, { count: (p?.count ?? 0) + 1, at: now })
    return { variantId: v.id, seed: v.seed, templateId: v.templateId, sizeBytes: v.sizeBytes, fallback }
  }

  private countTake(tagId: number, now: number): void {
    const list = this.takes.get(tagId) ?? []
    while (list.length && list[0]! < now - HOUR) list.shift()
    list.push(now)
    this.takes.set(tagId, list)
    const day = startOfDay(now)
    if (day !== this.usedToday.day) this.usedToday = { day, perTag: new Map() }
    this.usedToday.perTag.set(tagId, (this.usedToday.perTag.get(tagId) ?? 0) + 1)
  }

  private readyList(tagId: number): number[] {
    let list = this.ready.get(tagId)
    if (!list) this.ready.set(tagId, (list = []))
    return list
  }

  /** Writes the uses gathered since the last call (once a second, and at stop). */
  flushUses(): void {
    if (this.pendingUses.size === 0) return
    const uses = [...this.pendingUses].map(([id, u]) => ({ id, count: u.count, at: u.at }))
    this.pendingUses.clear()
    try {
      inWriteTransaction(this.d.repos.db, () => this.d.repos.remix.setVariantsUsed(uses))
    } catch (err) {
      // Kept for the next try; the transfers name their variants meanwhile (recoverUsedVariants).
      for (const u of uses) this.pendingUses.set(u.id, { count: u.count, at: u.at })
      this.d.logger.warn({ err }, 'writing variant uses failed')
    }
  }

  // ── the variant job's reports ─────────────────────────────────────────────────────────────────────────────

  /** A variant is rendered and recorded: it joins its tag's ready list (or goes, if the tag no longer wants it). */
  rendered(variantId: number, file: { path: string; sizeBytes: number }): void {
    const v = this.variants.get(variantId)
    this.progress.delete(variantId)
    if (!v) return
    v.status = 'ready'
    v.path = file.path
    v.sizeBytes = file.sizeBytes
    if (v.tagId !== null) {
      this.failures.delete(v.tagId)
      this.readyList(v.tagId).push(v.id)
      this.dryTags.delete(v.tagId)
    }
  }

  /**
   * A variant failed for good. Three in a row pause its tag's refills for ten minutes (a template that keeps
   * failing must not hold the queue); a full disk does not count: the floor check in refill() waits for room.
   */
  failed(variantId: number, error = ''): void {
    const v = this.variants.get(variantId)
    this.progress.delete(variantId)
    this.variants.delete(variantId)
    if (v?.tagId != null && !/disk/i.test(error)) {
      const f = this.failures.get(v.tagId)
      this.failures.set(v.tagId, { count: (f?.count ?? 0) + 1, at: this.now() })
    }
  }

  setProgress(variantId: number, fraction: number): void {
    if (this.variants.has(variantId)) this.progress.set(variantId, fraction)
  }

  /** Whether the variant is still wanted (its tag still uses its template). */
  wanted(variantId: number): boolean {
    return this.variants.has(variantId)
  }

  // ── keeping the pools filled, in idle time ───────────────────────────────────────────────────────────────

  /** Work run from a timer: a write the database refuses (a full disk) is logged and tried again next time. */
  private guard(what: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.d.logger.warn({ err: (err as Error)?.message ?? String(err) }, `${what} failed`)
    }
  }

  /** Tags or videos changed: pools are looked at again shortly (off the caller's path). */
  changed(): void {
    this.refillSoon()
  }

  private refillSoon(): void {
    if (this.stopped || this.refillTimer) return
    this.refillTimer = setTimeout(() => {
      this.refillTimer = null
      this.guard('refilling the pools', () => this.refill())
    }, 250)
    this.refillTimer.unref()
  }

  /** Ready + rendering the tag's pool aims at: the last hour's taps over the lead time, between min and max. */
  target(tagId: number): number {
    const c = this.d.config.values
    const now = this.now()
    const recent = (this.takes.get(tagId) ?? []).filter((t) => t >= now - HOUR).length
    const want = Math.ceil((recent * c.remixPoolLeadMinutes) / 60)
    return Math.max(c.remixPoolMin, Math.min(c.remixPoolMax, want))
  }

  /** Queues variant jobs where a pool is below its target, within the disk budget and above the disk floor. */
  refill(): void {
    if (this.stopped) return
    const c = this.d.config.values
    try {
      if (this.d.storage.freeBytes() < c.minFreeDiskMegabytes * 1048576) {
        this.problem(0, hubText('poolDiskLow'))
        return
      }
      this.problems.delete(0)
    } catch {
      // The data folder's disk could not be asked: the render itself will tell.
    }
    this.enforceBudget()
    const budget = c.remixDiskMegabytes * 1048576
    for (const tag of this.d.repos.tags.withTemplate()) {
      if (!tag.enabled || tag.templateId === null) continue
      const f = this.failures.get(tag.id)
      if (f && f.count >= FAILURES_BEFORE_PAUSE && this.now() - f.at < FAILURE_PAUSE_MS) {
        const minutes = Math.ceil((f.at + FAILURE_PAUSE_MS - this.now()) / 60_000)
        this.problem(tag.id, hubText('poolPaused', { n: f.count, minutes }))
        continue
      }
      const mine = [...this.variants.values()].filter(
        (v) => v.tagId === tag.id && v.templateId === tag.templateId,
      )
      const have = mine.filter((v) => v.status !== 'used').length
      const want = this.target(tag.id) - have
      if (want <= 0) {
        // Full: nothing is in its way, whatever stopped it before (the budget, a template then broken).
        this.problems.delete(tag.id)
        continue
      }
      if (this.diskBytes() >= budget) {
        // On to the next tag all the same: each that wants variants says why, each that is full says nothing.
        this.problem(tag.id, hubText('poolBudget', { mb: c.remixDiskMegabytes }))
        continue
      }
      this.queueVariants(tag, want, new Set(mine.map((v) => v.signature)))
    }
  }

  private queueVariants(tag: TagRecord, count: number, taken: Set<string>): void {
    const inputs = templateInputs(this.d.repos, tag.templateId!, tag.id, this.d.config.values.remixRendition)
    if ('problem' in inputs) {
      this.problem(tag.id, inputs.problem)
      return
    }
    this.problems.delete(tag.id)
    const extra = { musicMs: inputs.music?.durationMs ?? null, lines: inputs.lines }
    const random = this.d.random ?? Math.random
    // Known to the pool only once SQLite has them: a transaction refused half-way (a full disk) leaves no variant
    // the pool would wait for forever.
    const queued: LiveVariant[] = []
    try {
      inWriteTransaction(this.d.repos.db, () => {
        for (let i = 0; i < count; i++) {
          // A seed whose clips-and-mirrors the pool does not have yet, if one of a few tries finds it.
          let seed = newSeed(random)
          let clips = usedClips(planVariant(inputs.clips, inputs.template.rules, seed, extra))
          for (let tries = 0; tries < 12 && taken.has(signatureOf(clips)); tries++) {
            seed = newSeed(random)
            clips = usedClips(planVariant(inputs.clips, inputs.template.rules, seed, extra))
          }
          const signature = signatureOf(clips)
          taken.add(signature)
          const id = this.d.repos.remix.insertVariant({
            templateId: tag.templateId!,
            tagId: tag.id,
            seed,
            now: this.now(),
          })
          this.d.repos.remix.setVariantClips(id, clips)
          enqueueVariant(this.d.queue, id)
          queued.push({
            id,
            tagId: tag.id,
            templateId: tag.templateId!,
            seed,
            status: 'rendering',
            path: null,
            sizeBytes: 0,
            uses: 0,
            usedAt: null,
            signature,
          })
        }
      })
    } catch (err) {
      this.problem(tag.id, hubText('poolNotQueued', { why: (err as Error).message }))
      return
    }
    for (const v of queued) this.variants.set(v.id, v)
  }

  private problem(tagId: number, text: HubText): void {
    const before = this.problems.get(tagId)
    this.problems.set(tagId, text)
    // Logged once per kind of reason: a paused pool's minutes left change every refill, the reason does not.
    if (before?.key === text.key) return
    this.d.logger.warn({ tagId, reason: english(text) }, 'remix pool cannot refill')
  }

  private diskBytes(tagId?: number): number {
    let n = 0
    for (const v of this.variants.values()) if (tagId === undefined || v.tagId === tagId) n += v.sizeBytes
    return n
  }

  /**
   * Deletes used variants past their time, variants their tag no longer wants, and the oldest used over budget
   * (never one given out in the last hour: a phone may still be downloading it).
   */
  cleanup(): void {
    const c = this.d.config.values
    const now = this.now()
    const wanted = new Map(this.d.repos.tags.withTemplate().map((t) => [t.id, t.templateId]))
    for (const v of [...this.variants.values()]) {
      const stale = v.tagId === null || wanted.get(v.tagId) !== v.templateId
      if (v.status === 'used' && (v.usedAt ?? 0) < now - c.remixUsedKeepHours * HOUR) this.remove(v)
      else if (stale && v.status !== 'rendering') this.remove(v)
      else if (stale) this.variants.delete(v.id) // its job finds it unwanted and removes its file
    }
    this.enforceBudget()
  }

  private enforceBudget(): void {
    const budget = this.d.config.values.remixDiskMegabytes * 1048576
    let total = this.diskBytes()
    if (total <= budget) return
    const recent = this.now() - RECENT_USE_MS
    const used = [...this.variants.values()]
      .filter((v) => v.status === 'used' && (v.usedAt ?? 0) < recent)
      .sort((a, b) => (a.usedAt ?? 0) - (b.usedAt ?? 0))
    for (const v of used) {
      if (total <= budget) break
      total -= v.sizeBytes
      this.remove(v)
    }
  }

  private remove(v: LiveVariant): void {
    this.variants.delete(v.id)
    this.progress.delete(v.id)
    if (v.path) rmSync(v.path, { force: true })
    this.pendingUses.delete(v.id)
    this.d.repos.remix.setVariantDeleted(v.id)
  }

  private removeStrayFiles(known: Set<string>): void {
    if (!existsSync(this.d.dir)) return
    for (const sub of readdirSync(this.d.dir, { withFileTypes: true })) {
      if (!sub.isDirectory() || sub.name === 'preview') continue
      for (const name of readdirSync(join(this.d.dir, sub.name))) {
        const path = join(this.d.dir, sub.name, name)
        if (name.endsWith('.mp4') && !known.has(path) && statSync(path).isFile())
          rmSync(path, { force: true })
      }
    }
  }

  /** A tag was deleted or given another template: its pool starts again. */
  forgetTag(tagId: number): void {
    this.ready.delete(tagId)
    this.takes.delete(tagId)
    this.dryTags.delete(tagId)
    this.failures.delete(tagId)
  }

  // ── what the console and CLI see ──────────────────────────────────────────────────────────────────────────

  status(tags: TagRecord[]): PoolStatus[] {
    const failed = this.d.repos.remix.failedPerTag()
    const today = startOfDay(this.now()) === this.usedToday.day ? this.usedToday.perTag : new Map()
    return tags
      .filter((t) => t.templateId !== null)
      .map((t) => {
        const mine = [...this.variants.values()].filter(
          (v) => v.tagId === t.id && v.templateId === t.templateId,
        )
        const rendering = mine.filter((v) => v.status === 'rendering')
        const fractions = rendering.map((v) => this.progress.get(v.id)).filter((f) => f !== undefined)
        return {
          tagId: t.id,
          templateId: t.templateId!,
          ready: mine.filter((v) => v.status === 'ready').length,
          rendering: rendering.length,
          used: mine.filter((v) => v.status === 'used').length,
          usedToday: today.get(t.id) ?? 0,
          failed: failed.get(t.id) ?? 0,
          target: this.target(t.id),
          progress: fractions.length ? Math.max(...fractions) : null,
          diskBytes: mine.reduce((n, v) => n + v.sizeBytes, 0),
          dry: this.dryTags.has(t.id),
          problem: this.problems.get(0) ?? this.problems.get(t.id) ?? null,
        }
      })
  }
}

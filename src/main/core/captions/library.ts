import type { Logger } from 'pino'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import type { CaptionRecord } from '../../db/repos/captions'
import type { CaptionStrategy } from '../../../shared/contract/publish'
import type { DrawMemory } from './draw'

/** A caption as the tap path holds it; `uses` and `lastUsedAt` count on in memory between saves. */
export interface HeldCaption {
  record: CaptionRecord
  id: number
  uses: number
  lastUsedAt: number | null
}

/** The captions one tag draws from when it delivers one video, and what the draw remembers about them. */
export interface DrawSet {
  list: HeldCaption[]
  memory: DrawMemory
}

export interface TagDrawInfo {
  label: string
  captionStrategy: CaptionStrategy
}

/** Uses drawn since the last save, per caption. */
interface Pending {
  id: number
  uses: number
  lastUsedAt: number
}

/**
 * Captions as the tap path reads them: every caption in memory, loaded at the first tap after a change (one query),
 * the sets each tag draws from built on first use, and uses counted in memory and added to SQLite every few
 * seconds on a timer (and at stop), never on the tap itself. A reload keeps the uses not saved yet.
 */
export class CaptionLibrary {
  private loaded = false
  private readonly byId = new Map<number, HeldCaption>()
  private readonly ofTag = new Map<number, HeldCaption[]>()
  private readonly ofVideo = new Map<number, HeldCaption[]>()
  private readonly tags = new Map<number, TagDrawInfo>()
  private readonly sets = new Map<string, DrawSet>()
  private readonly memories = new Map<string, DrawMemory>()
  private readonly pending = new Map<number, Pending>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly d: {
      repos: Pick<Repos, 'db' | 'captions' | 'tags'>
      logger: Logger
      random: () => number
      /** How often counted uses are saved. */
      saveEveryMs: number
    },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.save(), this.d.saveEveryMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.save()
  }

  /** A caption or a tag changed: everything is read again at the next tap (uses not saved yet are kept). */
  invalidate(): void {
    this.loaded = false
    this.byId.clear()
    this.ofTag.clear()
    this.ofVideo.clear()
    this.tags.clear()
    this.sets.clear()
    this.memories.clear()
  }

  /** What the draw needs of a tag: its placement label and strategy (null: no such tag). */
  tag(tagId: number): TagDrawInfo | null {
    let info = this.tags.get(tagId)
    if (!info) {
      const t = this.d.repos.tags.findById(tagId)
      if (!t) return null
      info = { label: t.label, captionStrategy: t.captionStrategy }
      this.tags.set(tagId, info)
    }
    return info
  }

  caption(id: number): HeldCaption | null {
    this.load()
    return this.byId.get(id) ?? null
  }

  /**
   * The captions a tag draws from for a video: its own that are for every video or for this one; without any, the
   * video's own. Two videos of a tag that give the same captions share one memory, so `rotate` goes on across them.
   */
  setFor(tagId: number, videoId: number | null): DrawSet {
    const key = `${tagId}:${videoId ?? ''}`
    let set = this.sets.get(key)
    if (set) return set
    this.load()
    const own = (this.ofTag.get(tagId) ?? []).filter(
      (c) => c.record.videoId === null || c.record.videoId === videoId,
    )
    const list = own.length > 0 ? own : videoId === null ? [] : (this.ofVideo.get(videoId) ?? [])
    const memoryKey = `${tagId}|${list.map((c) => c.id).join(',')}`
    let memory = this.memories.get(memoryKey)
    if (!memory) {
      memory = { cursor: null, previous: null, random: this.d.random }
      this.memories.set(memoryKey, memory)
    }
    set = { list, memory }
    this.sets.set(key, set)
    return set
  }

  /** A video's own captions (what a tag not saved yet would draw from). */
  ofVideoOnly(videoId: number): readonly HeldCaption[] {
    this.load()
    return this.ofVideo.get(videoId) ?? []
  }

  /** A tap got this caption: counted now, saved with the next batch. */
  used(c: HeldCaption, at: number): void {
    c.uses++
    c.lastUsedAt = Math.max(c.lastUsedAt ?? 0, at)
    const p = this.pending.get(c.id)
    if (p) {
      p.uses++
      p.lastUsedAt = Math.max(p.lastUsedAt, at)
    } else this.pending.set(c.id, { id: c.id, uses: 1, lastUsedAt: at })
  }

  /** Uses counted but not saved yet, per caption (what a list read adds to SQLite's counts). */
  unsaved(id: number): { uses: number; lastUsedAt: number } | null {
    return this.pending.get(id) ?? null
  }

  /**
   * Adds the uses counted since the last save to SQLite, in one transaction (nothing can count a use meanwhile: it
   * is synchronous). Kept for the next try if it fails.
   */
  save(): void {
    if (this.pending.size === 0) return
    const batch = [...this.pending.values()]
    try {
      inWriteTransaction(this.d.repos.db, () => this.d.repos.captions.addUses(batch))
    } catch (err) {
      this.d.logger.warn({ err, captions: batch.length }, 'caption uses not saved yet; trying again')
      return
    }
    this.pending.clear()
  }

  private load(): void {
    if (this.loaded) return
    for (const r of this.d.repos.captions.list()) {
      const p = this.pending.get(r.id)
      const c: HeldCaption = {
        record: r,
        id: r.id,
        uses: r.uses + (p?.uses ?? 0),
        lastUsedAt: p ? Math.max(r.lastUsedAt ?? 0, p.lastUsedAt) : r.lastUsedAt,
      }
      this.byId.set(c.id, c)
      if (r.tagId !== null) push(this.ofTag, r.tagId, c)
      else if (r.videoId !== null) push(this.ofVideo, r.videoId, c)
    }
    this.loaded = true
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

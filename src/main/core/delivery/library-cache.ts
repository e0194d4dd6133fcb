import type { Repos } from '../../db/repos'
import type { TagRecord } from '../../db/repos/tags'
import { TAG_CODE } from '../tags/codes'

export interface CachedVideo {
  ready: boolean
  title: string
  posterPath: string | null
  thumbPath: string | null
  renditions: Array<{ label: string; width: number; height: number; sizeBytes: number; path: string }>
}

/**
 * Tags and videos as the tap and media paths read them, many times a second: from memory, loaded on first use.
 * Any edit of a tag or video clears it (the hub wires that to the change events).
 */
export class LibraryCache {
  private readonly tags = new Map<string, TagRecord>()
  private readonly videos = new Map<number, CachedVideo | null>()

  constructor(private readonly repos: Pick<Repos, 'tags' | 'videos'>) {}

  invalidate(): void {
    this.tags.clear()
    this.videos.clear()
  }

  tag(code: string): TagRecord | null {
    const hit = this.tags.get(code)
    if (hit) return hit
    const t = TAG_CODE.test(code) ? this.repos.tags.findByCode(code) : null
    // Only known codes are kept: a flood of random codes must not grow memory.
    if (t) this.tags.set(code, t)
    return t
  }

  /** Whether a video is ready and its renditions. */
  video(id: number): CachedVideo | null {
    let v = this.videos.get(id)
    if (v === undefined) {
      const rec = this.repos.videos.findById(id)
      v = rec
        ? {
            ready: rec.status === 'ready',
            title: rec.title,
            posterPath: rec.posterPath,
            thumbPath: rec.thumbPath,
            renditions: this.repos.videos.renditions(id),
          }
        : null
      this.videos.set(id, v)
    }
    return v
  }

  /** A video's title (`#id` once the video is gone: the transfer still names it). */
  title(videoId: number | null): string | null {
    if (videoId === null) return null
    return this.video(videoId)?.title ?? `#${videoId}`
  }
}

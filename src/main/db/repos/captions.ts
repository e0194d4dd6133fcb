import type { Database } from 'better-sqlite3'
import { UnknownValueError } from '../errors'

export interface CaptionRecord {
  id: number
  videoId: number | null
  tagId: number | null
  text: string
  hashtags: string[]
  mentions: string[]
  poi: string | null
  uses: number
  lastUsedAt: number | null
  createdBy: number | null
  createdAt: number
  updatedAt: number
}

type Row = Record<string, unknown>

export type CaptionsRepo = ReturnType<typeof captionsRepo>

/** A JSON array of strings read from `captions.column`; anything else is an UnknownValueError. */
function names(column: string, value: unknown): string[] {
  const list: unknown = typeof value === 'string' ? JSON.parse(value) : null
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))
    throw new UnknownValueError('captions', column, value)
  return list as string[]
}

export function captionsRepo(db: Database) {
  const insert = db.prepare(`
    INSERT INTO captions (video_id, tag_id, text, hashtags, mentions, poi, created_by, created_at, updated_at)
    VALUES (@videoId, @tagId, @text, @hashtags, @mentions, @poi, @createdBy, @now, @now)`)
  const update = db.prepare(`
    UPDATE captions SET text = @text, hashtags = @hashtags, mentions = @mentions, poi = @poi, updated_at = @now
    WHERE id = @id`)
  const remove = db.prepare('DELETE FROM captions WHERE id = ?')
  const byId = db.prepare<[number], Row>('SELECT * FROM captions WHERE id = ?')
  const all = db.prepare<[], Row>('SELECT * FROM captions ORDER BY id')
  const ofVideo = db.prepare<[number], Row>('SELECT * FROM captions WHERE video_id = ? ORDER BY id')
  const ofTag = db.prepare<[number], Row>('SELECT * FROM captions WHERE tag_id = ? ORDER BY id')
  const countOf = db.prepare<[number | null, number | null], { n: number }>(
    'SELECT count(*) AS n FROM captions WHERE video_id IS ? AND tag_id IS ?',
  )
  const ofTagCount = db.prepare<[number], { n: number }>(
    'SELECT count(*) AS n FROM captions WHERE tag_id = ?',
  )
  const perTag = db.prepare<[], { tag_id: number; n: number }>(
    'SELECT tag_id, count(*) AS n FROM captions WHERE tag_id IS NOT NULL GROUP BY tag_id',
  )
  const addUses = db.prepare(
    'UPDATE captions SET uses = uses + ?, last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?',
  )

  const toCaption = (r: Row): CaptionRecord => ({
    id: r.id as number,
    videoId: (r.video_id as number | null) ?? null,
    tagId: (r.tag_id as number | null) ?? null,
    text: r.text as string,
    hashtags: names('hashtags', r.hashtags),
    mentions: names('mentions', r.mentions),
    poi: (r.poi as string | null) ?? null,
    uses: r.uses as number,
    lastUsedAt: (r.last_used_at as number | null) ?? null,
    createdBy: (r.created_by as number | null) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  })

  return {
    insert(c: {
      videoId: number | null
      tagId: number | null
      text: string
      hashtags: string[]
      mentions: string[]
      poi: string | null
      createdBy: number | null
      now: number
    }): number {
      return Number(
        insert.run({ ...c, hashtags: JSON.stringify(c.hashtags), mentions: JSON.stringify(c.mentions) })
          .lastInsertRowid,
      )
    },
    update(c: {
      id: number
      text: string
      hashtags: string[]
      mentions: string[]
      poi: string | null
      now: number
    }): void {
      update.run({ ...c, hashtags: JSON.stringify(c.hashtags), mentions: JSON.stringify(c.mentions) })
    },
    delete(id: number): void {
      remove.run(id)
    },
    findById(id: number): CaptionRecord | null {
      const r = byId.get(id)
      return r ? toCaption(r) : null
    },
    /**
     * Oldest first (the order a tag goes round them in). A tag's: its own, also those for one of its videos (with
     * `videoId` too: only those); a video's alone: its own, not the tags' for it; neither: all.
     */
    list(filter: { videoId?: number; tagId?: number } = {}): CaptionRecord[] {
      const { videoId, tagId } = filter
      if (tagId !== undefined)
        return ofTag
          .all(tagId)
          .map(toCaption)
          .filter((c) => videoId === undefined || c.videoId === videoId)
      if (videoId !== undefined)
        return ofVideo
          .all(videoId)
          .map(toCaption)
          .filter((c) => c.tagId === null)
      return all.all().map(toCaption)
    },
    /** Captions with exactly this owner (a video's own, a tag's own, or a tag's for one video). */
    countFor(videoId: number | null, tagId: number | null): number {
      return countOf.get(videoId, tagId)!.n
    },
    /** A tag's own captions, also those for one of its videos. */
    countOfTag(tagId: number): number {
      return ofTagCount.get(tagId)!.n
    },
    countPerTag(): Map<number, number> {
      return new Map(perTag.all().map((r) => [r.tag_id, r.n]))
    },
    /** Adds uses counted in memory (the caller runs it in a transaction). A deleted caption is skipped. */
    addUses(batch: Iterable<{ id: number; uses: number; lastUsedAt: number }>): void {
      for (const u of batch) addUses.run(u.uses, u.lastUsedAt, u.id)
    },
  }
}

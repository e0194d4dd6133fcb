import type { Database } from 'better-sqlite3'
import { StrategySchema, TierSchema, type Strategy, type Tier } from '../../../shared/contract/tags'
import {
  CaptionStrategySchema,
  PlatformSchema,
  type CaptionStrategy,
  type Platform,
} from '../../../shared/contract/publish'
import { StoreActionSchema, type StoreAction } from '../../../shared/contract/store-actions'
import { oneOf } from '../check'
import { UnknownValueError } from '../errors'

export interface TagRecord {
  id: number
  code: string
  label: string
  tier: Tier
  enabled: boolean
  strategy: Strategy
  rotateCursor: number
  dailyCap: number | null
  baseUrl: string
  uid: string | null
  chip: string | null
  programmedAt: number | null
  programmedBy: number | null
  createdBy: number | null
  createdAt: number
  updatedAt: number
  /** The videos it delivers, in pool order (one for a single-video tag). */
  videoIds: number[]
  /** Publish buttons its phone page offers, in order. */
  platforms: Platform[]
  captionStrategy: CaptionStrategy
  /** Store actions its phone page shows beside the video, in order. */
  storeActions: StoreAction[]
  /** A remix tag's template (each tap gets an unused variant of it); null = its videos. */
  templateId: number | null
}

/** A JSON array column of one of the contract's enums (platforms, store_actions). */
function listOf<T extends string>(
  schema: { readonly options: readonly T[] },
  column: string,
  value: unknown,
): T[] {
  const list: unknown = typeof value === 'string' ? JSON.parse(value) : null
  if (!Array.isArray(list)) throw new UnknownValueError('tags', column, value)
  return list.map((p) => oneOf(schema, 'tags', column, p))
}

type Row = Record<string, unknown>

export type TagsRepo = ReturnType<typeof tagsRepo>

export function tagsRepo(db: Database) {
  const insert = db.prepare(`
    INSERT INTO tags (code, label, tier, strategy, daily_cap, base_url, platforms, caption_strategy, store_actions,
                      template_id, created_by, created_at, updated_at)
    VALUES (@code, @label, @tier, @strategy, @dailyCap, @baseUrl, @platforms, @captionStrategy, @storeActions,
            @templateId, @createdBy, @now, @now)`)
  const byId = db.prepare<[number], Row>('SELECT * FROM tags WHERE id = ?')
  const byCode = db.prepare<[string], Row>('SELECT * FROM tags WHERE code = ?')
  const all = db.prepare<[], Row>('SELECT * FROM tags ORDER BY id DESC')
  const videosOf = db.prepare<[number], { video_id: number }>(
    'SELECT video_id FROM tag_videos WHERE tag_id = ? ORDER BY position',
  )
  const allVideos = db.prepare<[], { tag_id: number; video_id: number }>(
    'SELECT tag_id, video_id FROM tag_videos ORDER BY tag_id, position',
  )
  const clearVideos = db.prepare('DELETE FROM tag_videos WHERE tag_id = ?')
  const addVideo = db.prepare('INSERT INTO tag_videos (tag_id, video_id, position) VALUES (?, ?, ?)')
  const update = db.prepare(`
    UPDATE tags SET label = @label, tier = @tier, enabled = @enabled, strategy = @strategy, daily_cap = @dailyCap,
                    platforms = @platforms, caption_strategy = @captionStrategy, store_actions = @storeActions,
                    template_id = @templateId, updated_at = @now
    WHERE id = @id`)
  const usingVideo = db.prepare<[number], { n: number }>(
    'SELECT count(DISTINCT tag_id) AS n FROM tag_videos WHERE video_id = ?',
  )
  const remove = db.prepare('DELETE FROM tags WHERE id = ?')
  const baseUrls = db.prepare<[], { base_url: string; n: number }>(
    'SELECT base_url, count(*) AS n FROM tags GROUP BY base_url',
  )
  const setHardware = db.prepare(
    'UPDATE tags SET uid = ?, chip = ?, programmed_at = ?, programmed_by = ?, updated_at = ? WHERE id = ?',
  )
  const byUid = db.prepare<[string], Row>(
    'SELECT * FROM tags WHERE uid = ? ORDER BY programmed_at DESC LIMIT 1',
  )
  const releaseUid = db.prepare('UPDATE tags SET uid = NULL, updated_at = ? WHERE uid = ? AND id != ?')

  const toTag = (r: Row, videoIds: number[]): TagRecord => ({
    id: r.id as number,
    code: r.code as string,
    label: r.label as string,
    tier: oneOf(TierSchema, 'tags', 'tier', r.tier),
    enabled: r.enabled === 1,
    strategy: oneOf(StrategySchema, 'tags', 'strategy', r.strategy),
    rotateCursor: r.rotate_cursor as number,
    dailyCap: (r.daily_cap as number | null) ?? null,
    baseUrl: r.base_url as string,
    uid: (r.uid as string | null) ?? null,
    chip: (r.chip as string | null) ?? null,
    programmedAt: (r.programmed_at as number | null) ?? null,
    programmedBy: (r.programmed_by as number | null) ?? null,
    createdBy: (r.created_by as number | null) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    videoIds,
    platforms: listOf(PlatformSchema, 'platforms', r.platforms),
    captionStrategy: oneOf(CaptionStrategySchema, 'tags', 'caption_strategy', r.caption_strategy),
    storeActions: listOf(StoreActionSchema, 'store_actions', r.store_actions),
    templateId: (r.template_id as number | null) ?? null,
  })
  const withVideos = (r: Row | undefined) =>
    r
      ? toTag(
          r,
          videosOf.all(r.id as number).map((v) => v.video_id),
        )
      : null

  return {
    insert(t: {
      code: string
      label: string
      tier: Tier
      strategy: Strategy
      dailyCap: number | null
      baseUrl: string
      platforms: readonly Platform[]
      captionStrategy: CaptionStrategy
      /** None when left out. */
      storeActions?: readonly StoreAction[]
      /** None when left out. */
      templateId?: number | null
      createdBy: number | null
      now: number
    }): number {
      return Number(
        insert.run({
          ...t,
          templateId: t.templateId ?? null,
          platforms: JSON.stringify(t.platforms),
          storeActions: JSON.stringify(t.storeActions ?? []),
        }).lastInsertRowid,
      )
    },
    setVideos(tagId: number, videoIds: number[]): void {
      clearVideos.run(tagId)
      videoIds.forEach((v, i) => addVideo.run(tagId, v, i))
    },
    findById(id: number): TagRecord | null {
      return withVideos(byId.get(id))
    },
    findByCode(code: string): TagRecord | null {
      return withVideos(byCode.get(code))
    },
    list(): TagRecord[] {
      const pools = new Map<number, number[]>()
      for (const { tag_id, video_id } of allVideos.all())
        pools.set(tag_id, [...(pools.get(tag_id) ?? []), video_id])
      return all.all().map((r) => toTag(r, pools.get(r.id as number) ?? []))
    },
    update(t: {
      id: number
      label: string
      tier: Tier
      enabled: boolean
      strategy: Strategy
      dailyCap: number | null
      platforms: readonly Platform[]
      captionStrategy: CaptionStrategy
      storeActions: readonly StoreAction[]
      templateId: number | null
      now: number
    }): void {
      update.run({
        ...t,
        enabled: t.enabled ? 1 : 0,
        platforms: JSON.stringify(t.platforms),
        storeActions: JSON.stringify(t.storeActions),
      })
    },
    countUsingVideo(videoId: number): number {
      return usingVideo.get(videoId)!.n
    },
    delete(id: number): void {
      remove.run(id)
    },
    baseUrls(): Array<{ baseUrl: string; count: number }> {
      return baseUrls.all().map((r) => ({ baseUrl: r.base_url, count: r.n }))
    },
    /** Records the chip a tag record was programmed onto; that chip belongs to no other record afterwards. */
    setHardware(h: { id: number; uid: string | null; chip: string; at: number; by: number | null }): void {
      if (h.uid) releaseUid.run(h.at, h.uid, h.id)
      setHardware.run(h.uid, h.chip, h.at, h.by, h.at, h.id)
    },
    findByUid(uid: string): TagRecord | null {
      return withVideos(byUid.get(uid))
    },
    /** Remix tags (a template each): their pools are kept filled. */
    withTemplate(): TagRecord[] {
      return this.list().filter((t) => t.templateId !== null)
    },
  }
}

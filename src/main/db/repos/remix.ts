import type { Database } from 'better-sqlite3'
import {
  ClipPinSchema,
  TemplateRulesSchema,
  VariantStatusSchema,
  type ClipPin,
  type TemplateRules,
  type VariantStatus,
} from '../../../shared/contract/remix'
import { oneOf } from '../check'
import { UnknownValueError } from '../errors'

export interface MusicRecord {
  id: number
  title: string
  originalName: string
  path: string
  sha256: string
  durationMs: number
  sourceLufs: number
  createdAt: number
}

export interface ClipRecord {
  videoId: number
  inMs: number
  outMs: number | null
  pin: ClipPin | null
}

export interface TemplateRecord {
  id: number
  name: string
  rules: TemplateRules
  clips: ClipRecord[]
  createdBy: number | null
  createdAt: number
  updatedAt: number
}

/** A clip as a variant used it (JSON in variants.clips). */
export interface UsedClip {
  videoId: number
  startMs: number
  sourceMs: number
  speed: number
  mirror: boolean
  zoom: number
}

export interface VariantRecord {
  id: number
  templateId: number
  tagId: number | null
  seed: number
  status: VariantStatus
  clips: UsedClip[]
  path: string | null
  sizeBytes: number | null
  durationMs: number | null
  uses: number
  error: string | null
  createdAt: number
  readyAt: number | null
  usedAt: number | null
}

type Row = Record<string, unknown>

function json(table: string, column: string, value: unknown): unknown {
  try {
    return JSON.parse(String(value))
  } catch {
    throw new UnknownValueError(table, column, value)
  }
}

const toMusic = (r: Row): MusicRecord => ({
  id: r.id as number,
  title: r.title as string,
  originalName: r.original_name as string,
  path: r.path as string,
  sha256: r.sha256 as string,
  durationMs: r.duration_ms as number,
  sourceLufs: r.source_lufs as number,
  createdAt: r.created_at as number,
})

const toVariant = (r: Row): VariantRecord => ({
  id: r.id as number,
  templateId: r.template_id as number,
  tagId: (r.tag_id as number | null) ?? null,
  seed: r.seed as number,
  status: oneOf(VariantStatusSchema, 'variants', 'status', r.status),
  clips: json('variants', 'clips', r.clips) as UsedClip[],
  path: (r.path as string | null) ?? null,
  sizeBytes: (r.size_bytes as number | null) ?? null,
  durationMs: (r.duration_ms as number | null) ?? null,
  uses: r.uses as number,
  error: (r.error as string | null) ?? null,
  createdAt: r.created_at as number,
  readyAt: (r.ready_at as number | null) ?? null,
  usedAt: (r.used_at as number | null) ?? null,
})

export type RemixRepo = ReturnType<typeof remixRepo>

/** Music, remix templates with their clips, and the variants of each remix tag's pool. */
export function remixRepo(db: Database) {
  const musicInsert = db.prepare(`
    INSERT INTO music (title, original_name, path, sha256, duration_ms, source_lufs, created_at)
    VALUES (@title, @originalName, @path, @sha256, @durationMs, @sourceLufs, @createdAt)`)
  const musicById = db.prepare<[number], Row>('SELECT * FROM music WHERE id = ?')
  const musicBySha = db.prepare<[string], Row>('SELECT * FROM music WHERE sha256 = ?')
  const musicAll = db.prepare<[], Row>('SELECT * FROM music ORDER BY id DESC')

  const templateInsert = db.prepare(`
    INSERT INTO remix_templates (name, rules, music_id, created_by, created_at, updated_at)
    VALUES (@name, @rules, @musicId, @createdBy, @now, @now)`)
  const clipInsert = db.prepare(
    'INSERT INTO remix_clips (template_id, position, video_id, in_ms, out_ms, pin) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const templateById = db.prepare<[number], Row>('SELECT * FROM remix_templates WHERE id = ?')
  const templateAll = db.prepare<[], Row>('SELECT * FROM remix_templates ORDER BY id DESC')
  const clipsOf = db.prepare<[number], Row>(
    'SELECT * FROM remix_clips WHERE template_id = ? ORDER BY position',
  )
  const templateDelete = db.prepare('DELETE FROM remix_templates WHERE id = ?')
  const templatesOfVideo = db.prepare<[number], { id: number; name: string }>(
    'SELECT id, name FROM remix_templates WHERE id IN (SELECT template_id FROM remix_clips WHERE video_id = ?) ORDER BY id',
  )
  const tagsOfTemplate = db.prepare<[number], { id: number }>(
    'SELECT id FROM tags WHERE template_id = ? ORDER BY id',
  )

  const variantInsert = db.prepare(
    "INSERT INTO variants (template_id, tag_id, seed, status, created_at) VALUES (?, ?, ?, 'rendering', ?)",
  )
  const variantById = db.prepare<[number], Row>('SELECT * FROM variants WHERE id = ?')
  const variantsLive = db.prepare<[], Row>(
    "SELECT * FROM variants WHERE status IN ('rendering', 'ready', 'used') ORDER BY id",
  )
  const variantsOfTag = db.prepare<[number, number], Row>(
    'SELECT * FROM variants WHERE tag_id = ? ORDER BY id DESC LIMIT ?',
  )
  const setClips = db.prepare('UPDATE variants SET clips = ? WHERE id = ?')
  const setReady = db.prepare(
    "UPDATE variants SET status = 'ready', path = ?, size_bytes = ?, duration_ms = ?, ready_at = ?, error = NULL WHERE id = ? AND status = 'rendering'",
  )
  const setFailed = db.prepare(
    "UPDATE variants SET status = 'failed', error = ? WHERE id = ? AND status = 'rendering'",
  )
  const setUsed = db.prepare(
    "UPDATE variants SET status = 'used', uses = uses + ?, used_at = ? WHERE id = ? AND status IN ('ready', 'used')",
  )
  const setDeleted = db.prepare("UPDATE variants SET status = 'deleted', path = NULL WHERE id = ?")
  // A tap's "used" mark is written behind the tap; its transfer row (written by delivery's batches) is the proof
  // after a crash between the two.
  const recoverUsed = db.prepare(`
    UPDATE variants
       SET status = 'used',
           uses = max(uses, (SELECT count(*) FROM transfers WHERE variant_id = variants.id)),
           used_at = coalesce(used_at, (SELECT max(created_at) FROM transfers WHERE variant_id = variants.id))
     WHERE status = 'ready' AND id IN (SELECT variant_id FROM transfers WHERE variant_id IS NOT NULL)`)
  const usedToday = db.prepare<[number], { tag_id: number; n: number }>(
    'SELECT tag_id, count(*) AS n FROM transfers WHERE variant_id IS NOT NULL AND created_at >= ? GROUP BY tag_id',
  )
  const failedCounts = db.prepare<[], { tag_id: number; n: number }>(
    "SELECT tag_id, count(*) AS n FROM variants WHERE status = 'failed' GROUP BY tag_id",
  )

  const toTemplate = (r: Row): TemplateRecord => ({
    id: r.id as number,
    name: r.name as string,
    rules: (() => {
      const parsed = TemplateRulesSchema.safeParse(json('remix_templates', 'rules', r.rules))
      if (!parsed.success) throw new UnknownValueError('remix_templates', 'rules', r.rules)
      return parsed.data
    })(),
    clips: clipsOf.all(r.id as number).map((c) => ({
      videoId: c.video_id as number,
      inMs: c.in_ms as number,
      outMs: (c.out_ms as number | null) ?? null,
      pin: c.pin === null ? null : oneOf(ClipPinSchema, 'remix_clips', 'pin', c.pin),
    })),
    createdBy: (r.created_by as number | null) ?? null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  })

  return {
    insertMusic(m: Omit<MusicRecord, 'id'>): number {
      return Number(musicInsert.run(m).lastInsertRowid)
    },
    music(id: number): MusicRecord | null {
      const r = musicById.get(id)
      return r ? toMusic(r) : null
    },
    musicBySha(sha256: string): MusicRecord | null {
      const r = musicBySha.get(sha256)
      return r ? toMusic(r) : null
    },
    allMusic(): MusicRecord[] {
      return musicAll.all().map(toMusic)
    },

    insertTemplate(t: {
      name: string
      rules: TemplateRules
      clips: ClipRecord[]
      createdBy: number | null
      now: number
    }): number {
      const id = Number(
        templateInsert.run({
          name: t.name,
          rules: JSON.stringify(t.rules),
          musicId: t.rules.musicId,
          createdBy: t.createdBy,
          now: t.now,
        }).lastInsertRowid,
      )
      t.clips.forEach((c, i) => clipInsert.run(id, i, c.videoId, c.inMs, c.outMs, c.pin))
      return id
    },
    template(id: number): TemplateRecord | null {
      const r = templateById.get(id)
      return r ? toTemplate(r) : null
    },
    templates(): TemplateRecord[] {
      return templateAll.all().map(toTemplate)
    },
    deleteTemplate(id: number): void {
      templateDelete.run(id)
    },
    /** The templates whose clips take from the video (a video they use cannot be deleted). */
    templatesUsingVideo(videoId: number): Array<{ id: number; name: string }> {
      return templatesOfVideo.all(videoId)
    },
    tagsUsingTemplate(templateId: number): number[] {
      return tagsOfTemplate.all(templateId).map((r) => r.id)
    },

    insertVariant(v: { templateId: number; tagId: number | null; seed: number; now: number }): number {
      return Number(variantInsert.run(v.templateId, v.tagId, v.seed, v.now).lastInsertRowid)
    },
    variant(id: number): VariantRecord | null {
      const r = variantById.get(id)
      return r ? toVariant(r) : null
    },
    /** Variants being rendered, ready, or given out with their file still there. */
    liveVariants(): VariantRecord[] {
      return variantsLive.all().map(toVariant)
    },
    variantsOfTag(tagId: number, limit: number): VariantRecord[] {
      return variantsOfTag.all(tagId, limit).map(toVariant)
    },
    setVariantClips(id: number, clips: UsedClip[]): void {
      setClips.run(JSON.stringify(clips), id)
    },
    setVariantReady(
      id: number,
      v: { path: string; sizeBytes: number; durationMs: number; now: number },
    ): boolean {
      return setReady.run(v.path, v.sizeBytes, v.durationMs, v.now, id).changes === 1
    },
    setVariantFailed(id: number, error: string): void {
      setFailed.run(error.slice(0, 2000), id)
    },
    /** Taps that took variants since the last write: each counted, the latest time kept. */
    setVariantsUsed(uses: Array<{ id: number; count: number; at: number }>): void {
      for (const u of uses) setUsed.run(u.count, u.at, u.id)
    },
    setVariantDeleted(id: number): void {
      setDeleted.run(id)
    },
    /** After a crash: a variant its transfer names is used, whatever its own row says. */
    recoverUsedVariants(): number {
      return recoverUsed.run().changes
    },
    usedSince(since: number): Map<number, number> {
      return new Map(usedToday.all(since).map((r) => [r.tag_id, r.n]))
    },
    failedPerTag(): Map<number, number> {
      return new Map(failedCounts.all().map((r) => [r.tag_id, r.n]))
    },
  }
}

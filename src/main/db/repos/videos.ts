import type { Database } from 'better-sqlite3'
import {
  VideoOriginSchema,
  VideoStatusSchema,
  type VideoOrigin,
  type VideoStatus,
} from '../../../shared/contract/videos'
import { oneOf } from '../check'

export interface VideoRecord {
  id: number
  title: string
  description: string
  originalName: string
  sourcePath: string
  sizeBytes: number
  sha256: string
  durationMs: number
  width: number
  height: number
  rotation: number
  container: string
  videoCodec: string
  audioCodec: string | null
  pixFmt: string | null
  frameRate: number | null
  bitRate: number | null
  status: VideoStatus
  error: string | null
  posterPath: string | null
  thumbPath: string | null
  uploadedBy: number | null
  uploaderName: string
  createdAt: number
  updatedAt: number
  /** Uploaded here, or published by headquarters (a chain video: read-only at a store). */
  origin: VideoOrigin
  /** A chain video's id in the catalog, the SHA-256 of the metadata it was made from, and when it leaves. */
  chainId: string | null
  chainMeta: string | null
  chainLeavingAt: number | null
}

export interface RenditionRecord {
  id: number
  videoId: number
  label: string
  width: number
  height: number
  path: string
  sizeBytes: number
  bitRate: number | null
  durationMs: number | null
}

type Row = Record<string, unknown>

function toVideo(r: Row): VideoRecord {
  return {
    id: r.id as number,
    title: r.title as string,
    description: r.description as string,
    originalName: r.original_name as string,
    sourcePath: r.source_path as string,
    sizeBytes: r.size_bytes as number,
    sha256: r.sha256 as string,
    durationMs: r.duration_ms as number,
    width: r.width as number,
    height: r.height as number,
    rotation: r.rotation as number,
    container: r.container as string,
    videoCodec: r.video_codec as string,
    audioCodec: (r.audio_codec as string | null) ?? null,
    pixFmt: (r.pix_fmt as string | null) ?? null,
    frameRate: (r.frame_rate as number | null) ?? null,
    bitRate: (r.bit_rate as number | null) ?? null,
    status: oneOf(VideoStatusSchema, 'videos', 'status', r.status),
    error: (r.error as string | null) ?? null,
    posterPath: (r.poster_path as string | null) ?? null,
    thumbPath: (r.thumb_path as string | null) ?? null,
    uploadedBy: (r.uploaded_by as number | null) ?? null,
    uploaderName: r.uploader_name as string,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    origin: oneOf(VideoOriginSchema, 'videos', 'origin', r.origin),
    chainId: (r.chain_id as string | null) ?? null,
    chainMeta: (r.chain_meta as string | null) ?? null,
    chainLeavingAt: (r.chain_leaving_at as number | null) ?? null,
  }
}

function toRendition(r: Row): RenditionRecord {
  return {
    id: r.id as number,
    videoId: r.video_id as number,
    label: r.label as string,
    width: r.width as number,
    height: r.height as number,
    path: r.path as string,
    sizeBytes: r.size_bytes as number,
    bitRate: (r.bit_rate as number | null) ?? null,
    durationMs: (r.duration_ms as number | null) ?? null,
  }
}

export type NewVideo = Omit<
  VideoRecord,
  | 'id'
  | 'status'
  | 'error'
  | 'posterPath'
  | 'thumbPath'
  | 'createdAt'
  | 'updatedAt'
  | 'origin'
  | 'chainId'
  | 'chainMeta'
  | 'chainLeavingAt'
> & { now: number }

/** A video headquarters published, as a store records it once every file of it is here and checked. */
export interface ChainVideo {
  chainId: string
  chainMeta: string
  title: string
  description: string
  sourceSha256: string
  durationMs: number
  width: number
  height: number
  posterPath: string
  thumbPath: string
  renditions: Array<Omit<RenditionRecord, 'id' | 'videoId'>>
}

export type VideosRepo = ReturnType<typeof videosRepo>

export function videosRepo(db: Database) {
  const insert = db.prepare(`
    INSERT INTO videos (title, description, original_name, source_path, size_bytes, sha256, duration_ms, width, height, rotation,
                        container, video_codec, audio_codec, pix_fmt, frame_rate, bit_rate, status, uploaded_by, uploader_name,
                        created_at, updated_at)
    VALUES (@title, @description, @originalName, @sourcePath, @sizeBytes, @sha256, @durationMs, @width, @height, @rotation,
            @container, @videoCodec, @audioCodec, @pixFmt, @frameRate, @bitRate, 'queued', @uploadedBy, @uploaderName, @now, @now)`)
  const byId = db.prepare<[number], Row>('SELECT * FROM videos WHERE id = ?')
  const bySha = db.prepare<[string], Row>('SELECT * FROM videos WHERE sha256 = ?')
  const all = db.prepare<[], Row>('SELECT * FROM videos ORDER BY id DESC')
  const setStatus = db.prepare('UPDATE videos SET status = ?, error = ?, updated_at = ? WHERE id = ?')
  const setImages = db.prepare(
    'UPDATE videos SET poster_path = ?, thumb_path = ?, updated_at = ? WHERE id = ?',
  )
  const setText = db.prepare('UPDATE videos SET title = ?, description = ?, updated_at = ? WHERE id = ?')
  const remove = db.prepare('DELETE FROM videos WHERE id = ?')
  const uploadsSince = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM videos WHERE uploaded_by = ? AND created_at >= ?',
  )
  const renditionsOf = db.prepare<[number], Row>(
    'SELECT * FROM renditions WHERE video_id = ? ORDER BY height * width DESC',
  )
  const allRenditions = db.prepare<[], Row>('SELECT * FROM renditions ORDER BY video_id, height * width DESC')
  const clearRenditions = db.prepare('DELETE FROM renditions WHERE video_id = ?')
  const insertRendition = db.prepare(`
    INSERT INTO renditions (video_id, label, width, height, path, size_bytes, bit_rate, duration_ms)
    VALUES (@videoId, @label, @width, @height, @path, @sizeBytes, @bitRate, @durationMs)`)
  const insertChain = db.prepare(`
    INSERT INTO videos (title, description, original_name, source_path, size_bytes, sha256, duration_ms, width, height,
                        rotation, container, video_codec, audio_codec, status, poster_path, thumb_path, uploader_name,
                        origin, chain_id, chain_meta, created_at, updated_at)
    VALUES (@title, @description, @title, '', @sizeBytes, @sha256, @durationMs, @width, @height, 0, 'mp4', 'h264', 'aac',
            'ready', @posterPath, @thumbPath, @uploaderName, 'chain', @chainId, @chainMeta, @now, @now)`)
  const updateChain = db.prepare(`
    UPDATE videos SET title = @title, description = @description, size_bytes = @sizeBytes, duration_ms = @durationMs,
                      width = @width, height = @height, poster_path = @posterPath, thumb_path = @thumbPath,
                      chain_meta = @chainMeta, chain_leaving_at = NULL, updated_at = @now
    WHERE id = @id AND origin = 'chain'`)
  const chainVideos = db.prepare<[], Row>("SELECT * FROM videos WHERE origin = 'chain' ORDER BY id")
  const setLeaving = db.prepare(
    "UPDATE videos SET chain_leaving_at = ?, updated_at = ? WHERE id = ? AND origin = 'chain'",
  )
  const resetProcessing = db.prepare(
    "UPDATE videos SET status = 'queued', updated_at = ? WHERE status = 'processing'",
  )

  return {
    insert(v: NewVideo): number {
      return Number(insert.run(v).lastInsertRowid)
    },
    findById(id: number): VideoRecord | null {
      const r = byId.get(id)
      return r ? toVideo(r) : null
    },
    findBySha(sha256: string): VideoRecord | null {
      const r = bySha.get(sha256)
      return r ? toVideo(r) : null
    },
    list(): VideoRecord[] {
      return all.all().map(toVideo)
    },
    setStatus(id: number, status: VideoStatus, error: string | null, now: number): void {
      setStatus.run(status, error, now, id)
    },
    setImages(id: number, poster: string | null, thumb: string | null, now: number): void {
      setImages.run(poster, thumb, now, id)
    },
    setText(id: number, title: string, description: string, now: number): void {
      setText.run(title, description, now, id)
    },
    delete(id: number): void {
      remove.run(id)
    },
    uploadsSince(userId: number, since: number): number {
      return uploadsSince.get(userId, since)!.n
    },
    renditions(videoId: number): RenditionRecord[] {
      return renditionsOf.all(videoId).map(toRendition)
    },
    allRenditions(): RenditionRecord[] {
      return allRenditions.all().map(toRendition)
    },
    replaceRenditions(videoId: number, renditions: Array<Omit<RenditionRecord, 'id' | 'videoId'>>): void {
      clearRenditions.run(videoId)
      for (const r of renditions) insertRendition.run({ ...r, videoId })
    },
    /** Records a chain video (ready: its files are here), with its renditions; the caller holds a transaction. */
    insertChain(v: ChainVideo, uploaderName: string, now: number): number {
      const id = Number(
        insertChain.run({
          ...v,
          // A source a store also uploaded itself stays a video of its own: the chain's copy is told apart.
          sha256: `chain:${v.sourceSha256}`,
          sizeBytes: v.renditions.reduce((n, r) => n + r.sizeBytes, 0),
          uploaderName,
          now,
        }).lastInsertRowid,
      )
      for (const r of v.renditions) insertRendition.run({ ...r, videoId: id })
      return id
    },
    /** A chain video's new metadata (title, renditions …); it stays (or is again) one the catalog holds. */
    updateChain(id: number, v: ChainVideo, now: number): void {
      updateChain.run({ ...v, id, sizeBytes: v.renditions.reduce((n, r) => n + r.sizeBytes, 0), now })
      clearRenditions.run(id)
      for (const r of v.renditions) insertRendition.run({ ...r, videoId: id })
    },
    chainVideos(): VideoRecord[] {
      return chainVideos.all().map(toVideo)
    },
    /** When the catalog stopped holding a chain video (null: it holds it again). */
    setChainLeaving(id: number, at: number | null, now: number): void {
      setLeaving.run(at, now, id)
    },
    /** After a crash: whatever was being transcoded goes back to the queue. */
    resetProcessing(now: number): number {
      return resetProcessing.run(now).changes
    },
  }
}

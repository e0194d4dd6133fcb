import type { Repos } from '../../db/repos'
import type { MusicRecord, TemplateRecord } from '../../db/repos/remix'
import { pickRendition } from '../delivery/picker'
import type { PlannableClip } from './plan'
import { hubText, type HubText } from '../../../shared/contract/texts'

/** What rendering a template needs from the library, read from SQLite (never on the tap path). */
export interface TemplateInputs {
  template: TemplateRecord
  clips: PlannableClip[]
  /** By video id: the rendition file a clip is cut from (relative to the data directory). */
  files: Map<number, string>
  music: MusicRecord | null
  lines: string[]
  /** The base video is portrait: so is every variant. */
  portrait: boolean
  baseVideoId: number
}

/** The first clip's video (the one pinned first, else the first listed): a dry pool's last resort. */
export function baseVideoOf(t: { clips: Array<{ videoId: number; pin: string | null }> }): number {
  return (t.clips.find((c) => c.pin === 'first') ?? t.clips[0]!).videoId
}

/** A caption's first line as an overlay line: without `{variables}` (they are filled per tap), at most 40 chars. */
function overlayLine(text: string): string | null {
  const line = text.split('\n')[0]!.trim()
  if (!line || /[{}]/.test(line)) return null
  return [...line].slice(0, 40).join('')
}

/**
 * The template with each clip's video length and rendition, its music and its overlay lines (its own, else the
 * tag's captions). A reason instead when a video is gone or not ready, or the music is gone.
 */
export function templateInputs(
  repos: Pick<Repos, 'remix' | 'videos' | 'captions'>,
  templateId: number,
  tagId: number | null,
  rendition: string,
): TemplateInputs | { problem: HubText } {
  const template = repos.remix.template(templateId)
  if (!template) return { problem: hubText('templateDeleted', { id: templateId }) }
  const clips: PlannableClip[] = []
  const files = new Map<number, string>()
  let portrait = false
  const baseVideoId = baseVideoOf(template)
  for (const c of template.clips) {
    const v = repos.videos.findById(c.videoId)
    if (!v) return { problem: hubText('clipVideoDeleted', { id: c.videoId }) }
    if (v.status !== 'ready')
      return { problem: hubText('clipVideoNotReady', { id: c.videoId, status: v.status }) }
    const r = pickRendition(repos.videos.renditions(v.id), rendition)
    if (!r) return { problem: hubText('clipNoRendition', { id: c.videoId }) }
    files.set(v.id, r.path)
    if (v.id === baseVideoId) portrait = r.height > r.width
    clips.push({ ...c, durationMs: Math.min(v.durationMs, r.durationMs ?? v.durationMs) })
  }
  const musicId = template.rules.musicId
  const music = musicId === null ? null : repos.remix.music(musicId)
  if (musicId !== null && !music) return { problem: hubText('musicDeleted', { id: musicId }) }
  let lines = template.rules.lines
  if (lines.length === 0 && tagId !== null)
    lines = repos.captions
      .list({ tagId })
      .map((c) => overlayLine(c.text))
      .filter((l): l is string => l !== null)
  return { template, clips, files, music, lines, portrait, baseVideoId }
}

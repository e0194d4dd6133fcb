import type { Platform, PlatformLimits, PlatformLimitsMap } from '../contract/publish'
import { length, type CaptionContent } from './rules'
import { fillVariables, variablesUsed, type CaptionValues, type CaptionVariable } from './variables'

/** A caption with its variables filled for one tap (or one preview), and which of them had no value. */
export interface FilledCaption extends CaptionContent {
  emptyVariables: CaptionVariable[]
}

export type CaptionWarning =
  | { kind: 'too-long'; count: number; limit: number }
  | { kind: 'too-many-hashtags'; count: number; limit: number }
  | { kind: 'variable-empty'; variable: CaptionVariable }

/** What one platform receives for a caption, with its counters and what is over its limits. */
export interface PlatformCaption {
  platform: Platform
  /** The caption's words and @mentions, without hashtags (what Douyin's share schema calls `title`). */
  body: string
  /** Hashtag names without `#` (Douyin's `hashtag_list`). */
  hashtags: string[]
  /** What the customer pastes: the body, then the hashtags in this platform's form. */
  text: string
  /** The location to pick in the app (no app takes it from the text). */
  poi: string | null
  chars: number
  /** null = no limit. */
  maxChars: number | null
  /** The list plus any #话题 written in the text. */
  hashtagCount: number
  maxHashtags: number | null
  warnings: CaptionWarning[]
}

/** Fills `{门店}`, `{日期}`, `{标签位置}` (and their English spellings) in every part of a caption. */
export function fillCaption(c: CaptionContent, values: CaptionValues): FilledCaption {
  const used = new Set<CaptionVariable>()
  for (const part of [c.text, ...c.hashtags, ...c.mentions, c.poi ?? ''])
    for (const v of variablesUsed(part)) used.add(v)
  const fill = (s: string) => fillVariables(s, values).trim()
  return {
    text: fill(c.text),
    // A hashtag whose only content was an empty variable is no hashtag.
    hashtags: c.hashtags.map(fill).filter(Boolean),
    mentions: c.mentions.map(fill).filter(Boolean),
    poi: c.poi === null ? null : fill(c.poi) || null,
    emptyVariables: [...used].filter((v) => values[v].trim() === ''),
  }
}

// `#话题` written in the text (a run up to a space or the next # / @).
const INLINE_HASHTAG = /[#＃][^\s#＃@＠]+/gu

function hashtagText(names: string[], form: PlatformLimits['hashtagForm']): string {
  if (form === 'none') return ''
  return names.map((n) => (form === 'hash-closed' ? `#${n}#` : `#${n}`)).join(' ')
}

/** What `platform` receives for a filled caption, counted against `limits` (0 = no limit). */
export function renderForPlatform(
  c: FilledCaption,
  platform: Platform,
  limits: PlatformLimits,
): PlatformCaption {
  const mentions = c.mentions.map((m) => `@${m}`).join(' ')
  const body = [c.text, mentions].filter(Boolean).join(c.text.includes('\n') ? '\n' : ' ')
  const tags = hashtagText(c.hashtags, limits.hashtagForm)
  const text = [body, tags].filter(Boolean).join(body.includes('\n') ? '\n' : ' ')
  const chars = length(text)
  const hashtagCount =
    (limits.hashtagForm === 'none' ? 0 : c.hashtags.length) + (c.text.match(INLINE_HASHTAG)?.length ?? 0)
  const maxChars = limits.maxChars || null
  const maxHashtags = limits.maxHashtags || null
  const warnings: CaptionWarning[] = c.emptyVariables.map((variable) => ({
    kind: 'variable-empty' as const,
    variable,
  }))
  if (maxChars !== null && chars > maxChars)
    warnings.push({ kind: 'too-long', count: chars, limit: maxChars })
  if (maxHashtags !== null && hashtagCount > maxHashtags)
    warnings.push({ kind: 'too-many-hashtags', count: hashtagCount, limit: maxHashtags })
  return {
    platform,
    body,
    hashtags: c.hashtags,
    text,
    poi: c.poi,
    chars,
    maxChars,
    hashtagCount,
    maxHashtags,
    warnings,
  }
}

/** What each of `platforms` receives, in that order: the console's preview and the phone page use this. */
export function renderCaption(
  c: FilledCaption,
  platforms: readonly Platform[],
  limits: PlatformLimitsMap,
): PlatformCaption[] {
  return platforms.map((p) => renderForPlatform(c, p, limits[p]))
}

import { unknownVariables, VARIABLE_SPELLINGS } from './variables'

/** What staff write: the caption's words, its hashtags and @mentions (names without # / @), a location name. */
export interface CaptionContent {
  text: string
  hashtags: string[]
  mentions: string[]
  poi: string | null
}

export type CaptionField = keyof CaptionContent

/** The hard limits of what is stored; each platform's own, smaller limits are warnings (render.ts). */
export const CAPTION_LIMITS = {
  textChars: 1000,
  hashtags: 20,
  hashtagChars: 30,
  mentions: 10,
  mentionChars: 30,
  poiChars: 60,
} as const

/** Why a caption is refused. The hub says it in English (API, CLI); the console in its language, by `kind`. */
export type CaptionProblem =
  | { field: CaptionField; kind: 'required' }
  | { field: CaptionField; kind: 'too-long'; max: number; length: number }
  | { field: CaptionField; kind: 'too-many'; max: number }
  | { field: CaptionField; kind: 'html'; found: string }
  | { field: CaptionField; kind: 'invisible'; codePoint: string }
  | { field: CaptionField; kind: 'not-text' }
  | { field: CaptionField; kind: 'unknown-variable'; name: string }
  | { field: CaptionField; kind: 'bad-name'; value: string }
  | { field: CaptionField; kind: 'duplicate'; value: string }

/** Characters counted as people count them: code points (an emoji is one, 中 is one). */
export function length(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/**
 * Tidies what was typed before it is checked and stored: one kind of line break, tabs as spaces, Unicode NFC,
 * outer spaces trimmed; hashtags and mentions without their leading # / @ (either width), empty ones dropped; an
 * empty location is none.
 */
export function normalizeCaption(c: CaptionContent): CaptionContent {
  const clean = (s: string) => s.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').normalize('NFC').trim()
  const names = (list: string[], lead: RegExp) =>
    list.map((s) => clean(s).replace(lead, '').trim()).filter((s) => s.length > 0)
  const poi = c.poi === null ? '' : clean(c.poi)
  return {
    text: clean(c.text),
    hashtags: names(c.hashtags, /^[#＃]+/),
    mentions: names(c.mentions, /^[@＠]+/),
    poi: poi === '' ? null : poi,
  }
}

// Direction controls make text display in another order than it is stored (a caption that reads one way in the
// console and another on a phone); the rest are invisible characters and controls nobody types on purpose.
// Line feeds are text; the zero-width joiner and variation selectors are kept, since emoji are made of them.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/u
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
// Markup, not a comparison: `<` followed by a letter, `/`, `!` or `?` (`<script>`, `</b>`, `<!--`, `<?xml`).
const MARKUP = /<[a-zA-Z/!?][^>\n]{0,30}>?/

function textProblems(field: CaptionField, s: string, max: number): CaptionProblem[] {
  if (LONE_SURROGATE.test(s)) return [{ field, kind: 'not-text' }]
  const out: CaptionProblem[] = []
  const n = length(s)
  if (n > max) out.push({ field, kind: 'too-long', max, length: n })
  const hidden = INVISIBLE.exec(s)
  if (hidden)
    out.push({
      field,
      kind: 'invisible',
      codePoint: 'U+' + hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0'),
    })
  const markup = MARKUP.exec(s)
  if (markup) out.push({ field, kind: 'html', found: markup[0] })
  for (const name of unknownVariables(s)) out.push({ field, kind: 'unknown-variable', name })
  return out
}

function nameProblems(
  field: 'hashtags' | 'mentions',
  list: string[],
  maxItems: number,
  maxChars: number,
): CaptionProblem[] {
  const out: CaptionProblem[] = []
  if (list.length > maxItems) out.push({ field, kind: 'too-many', max: maxItems })
  const seen = new Set<string>()
  for (const name of list) {
    out.push(...textProblems(field, name, maxChars))
    // A hashtag or a name is one word: a space, # or @ inside would make the platform read two.
    if (/[\s#＃@＠]/u.test(name)) out.push({ field, kind: 'bad-name', value: name })
    const key = name.toLowerCase()
    if (seen.has(key)) out.push({ field, kind: 'duplicate', value: name })
    seen.add(key)
  }
  return out
}

/** Everything wrong with a caption (after normalizeCaption); empty when it may be stored. */
export function captionProblems(c: CaptionContent): CaptionProblem[] {
  const out: CaptionProblem[] = []
  if (c.text.length === 0) out.push({ field: 'text', kind: 'required' })
  else out.push(...textProblems('text', c.text, CAPTION_LIMITS.textChars))
  out.push(...nameProblems('hashtags', c.hashtags, CAPTION_LIMITS.hashtags, CAPTION_LIMITS.hashtagChars))
  out.push(...nameProblems('mentions', c.mentions, CAPTION_LIMITS.mentions, CAPTION_LIMITS.mentionChars))
  if (c.poi !== null) out.push(...textProblems('poi', c.poi, CAPTION_LIMITS.poiChars))
  return out
}

/** A problem in English, for the API's validation message and the CLI. */
export function describeProblem(p: CaptionProblem): string {
  switch (p.kind) {
    case 'required':
      return 'must not be empty'
    case 'too-long':
      return `at most ${p.max} characters (this has ${p.length})`
    case 'too-many':
      return `at most ${p.max}`
    case 'html':
      return `HTML is not allowed (found ${p.found}); captions are plain text`
    case 'invisible':
      return `invisible or text-direction characters are not allowed (found ${p.codePoint})`
    case 'not-text':
      return 'is not valid text (a broken character)'
    case 'unknown-variable':
      return `unknown variable {${p.name}}; use ${VARIABLE_SPELLINGS.join(', ')}`
    case 'bad-name':
      return `"${p.value}" must be one word without spaces, # or @`
    case 'duplicate':
      return `"${p.value}" is listed twice`
  }
}

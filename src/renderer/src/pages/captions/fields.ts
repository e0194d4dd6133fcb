import {
  captionProblems,
  normalizeCaption,
  type CaptionContent,
  type CaptionField,
  type CaptionProblem,
} from '../../../../shared/captions/rules'
import { CAPTION_LIMITS } from '../../../../shared/captions/rules'
import type { Caption } from '../../../../shared/contract/captions'

/** The caption form's values as antd holds them (`forVideo` only when a tag's caption is made). */
export interface CaptionFormValues {
  text: string
  hashtags: string[]
  mentions: string[]
  poi: string
  /** 0 = every video of the tag. */
  forVideo?: number
}

export type CaptionFieldKind =
  | { kind: 'textarea'; maxLength: number }
  /** A list of words typed one by one (antd's tags select). */
  | { kind: 'words' }
  | { kind: 'text'; maxLength: number }

export type CaptionFieldSpec = CaptionFieldKind & {
  key: CaptionField
  /** i18n keys of the label and of the help line under the field. */
  label: string
  help: string
  testId: string
}

/** The caption form, field by field, as the other forms of the console are laid out. */
export const CAPTION_FIELDS: readonly CaptionFieldSpec[] = [
  {
    key: 'text',
    kind: 'textarea',
    // The hub refuses more; the field lets a little more be pasted so the refusal says how much.
    maxLength: CAPTION_LIMITS.textChars * 2,
    label: 'captions.text',
    help: 'captions.textHelp',
    testId: 'caption-text',
  },
  {
    key: 'hashtags',
    kind: 'words',
    label: 'captions.hashtags',
    help: 'captions.hashtagsHelp',
    testId: 'caption-hashtags',
  },
  {
    key: 'mentions',
    kind: 'words',
    label: 'captions.mentions',
    help: 'captions.mentionsHelp',
    testId: 'caption-mentions',
  },
  {
    key: 'poi',
    kind: 'text',
    maxLength: CAPTION_LIMITS.poiChars * 2,
    label: 'captions.poi',
    help: 'captions.poiHelp',
    testId: 'caption-poi',
  },
]

/** What the form holds, as the hub will store it (normalised the same way). */
export function contentOf(v: Partial<CaptionFormValues>): CaptionContent {
  return normalizeCaption({
    text: v.text ?? '',
    hashtags: v.hashtags ?? [],
    mentions: v.mentions ?? [],
    poi: v.poi ?? null,
  })
}

export function formValuesOf(c: Caption | null): CaptionFormValues {
  return c
    ? { text: c.text, hashtags: c.hashtags, mentions: c.mentions, poi: c.poi ?? '' }
    : { text: '', hashtags: [], mentions: [], poi: '', forVideo: 0 }
}

/** What is wrong with one field, by the rules the hub applies (shared), for the form's own messages. */
export function fieldProblems(v: Partial<CaptionFormValues>, field: CaptionField): CaptionProblem[] {
  return captionProblems(contentOf(v)).filter((p) => p.field === field)
}

import type { Language } from './languages'
import { LABELS } from './labels'

/** Why an upload was refused. Nothing of a refused file stays on disk or in the database. */
export const REFUSAL_REASONS = [
  'empty',
  'not-video',
  'audio-only',
  'still-image',
  'truncated',
  'unsupported-container',
  'unsupported-codec',
  'too-short',
  'too-large',
  'disk-full',
  'quota-exceeded',
  'no-ffmpeg',
  'unreadable',
] as const
export type RefusalReason = (typeof REFUSAL_REASONS)[number]

/** Each refusal in both languages, as the CLI and the upload API give it (the words live in labels/). */
export const REFUSAL_TEXT = Object.fromEntries(
  REFUSAL_REASONS.map((r) => [r, { 'zh-CN': LABELS['zh-CN'].refusal[r], en: LABELS.en.refusal[r] }]),
) as Record<RefusalReason, Record<Language, string>>

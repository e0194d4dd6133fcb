import { z } from 'zod'
import { Empty } from './common'
import { method } from './define'
import { TEXT } from './texts'

/**
 * Why the phone page gets the offline path (save, copy the caption, open Douyin by hand) instead of a signed
 * "发布到抖音" link. docs/douyin.md says when each happens.
 */
export const DouyinFallbackReasonSchema = z.enum([
  /** Douyin publishing is switched off in Settings. */
  'disabled',
  /** No client key or client secret is set. */
  'not-configured',
  /** The transfer token names no transfer, or its link has expired. */
  'transfer-not-found',
  /** What the page passed cannot be used (a video URL that is not http(s), say). */
  'bad-input',
  /** The phone's Douyin is older than the publish page needs (only when the page knows the version). */
  'app-too-old',
  /** Douyin's servers (or the store's uplink) did not answer. */
  'unreachable',
  /** Douyin answered with an error: credentials, permissions, quota. */
  'refused',
  /** The hub could not record the share. */
  'hub-error',
])
export type DouyinFallbackReason = z.infer<typeof DouyinFallbackReasonSchema>

/** Who made a share's id: Douyin's share-id API (results can be matched), or the hub when that API failed. */
export const DouyinShareIdSourceSchema = z.enum(['douyin', 'hub'])
export type DouyinShareIdSource = z.infer<typeof DouyinShareIdSourceSchema>

/** What became of a share, once a callback or a return tells the hub. */
export const DouyinShareResultSchema = z.enum(['published', 'cancelled', 'failed'])
export type DouyinShareResult = z.infer<typeof DouyinShareResultSchema>

/** The app's client key from the Douyin open platform (控制台 → 应用信息), e.g. `aw1a2b3c4d5e6f`. */
export const DouyinClientKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{4,64}$/, TEXT.douyinClientKey)

/** The app's client secret. Written, never shown back: the messages here never quote the value. */
export const DouyinClientSecretSchema = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{8,128}$/, TEXT.douyinClientSecret)

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

function parseUrl(value: string): URL | null {
  try {
    return new URL(value)
  } catch {
    return null
  }
}

/**
 * Where Douyin's OpenAPI answers. The client secret travels to it, so plain http is accepted only on this PC
 * (a test stand-in).
 */
export const DouyinApiBaseUrlSchema = z
  .string()
  .trim()
  .max(200, 'at most 200 characters')
  .refine((value) => {
    const u = parseUrl(value)
    if (!u || u.username || u.password || u.search || u.hash) return false
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))
  }, TEXT.douyinApiBase)
  .transform((value) => value.replace(/\/+$/, ''))

/**
 * The address the Douyin app downloads the video from, in place of the hub's LAN address: scheme, host, port and
 * optionally a path the store's proxy forwards to the hub.
 */
export const DouyinVideoBaseUrlSchema = z
  .string()
  .trim()
  .max(200, 'at most 200 characters')
  .refine((value) => {
    const u = parseUrl(value)
    return (
      !!u &&
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      !u.username &&
      !u.password &&
      !u.search &&
      !u.hash
    )
  }, TEXT.douyinVideoBase)
  .transform((value) => value.replace(/\/+$/, ''))

/**
 * Settings' check of the saved Douyin credentials: one client_token and one ticket asked of Douyin now (not the
 * hub's cached ones). `ok` null: not switched on or not complete, so nothing was asked. `error.kind`: `credentials`
 * (Douyin refused the key and secret), `unreachable` (no answer in time), `refused` (another refusal); Douyin's code
 * in `code`.
 */
export const DouyinCheckSchema = z.object({
  enabled: z.boolean(),
  configured: z.boolean(),
  ok: z.boolean().nullable(),
  error: z
    .object({
      kind: z.enum(['unreachable', 'credentials', 'refused']),
      message: z.string(),
      code: z.number().nullable(),
    })
    .nullable(),
  checkedAt: z.string(),
})
export type DouyinCheck = z.infer<typeof DouyinCheckSchema>

export const douyinContract = {
  /** Admin: asks Douyin for a client_token and a ticket with the saved credentials (Settings' 检测 button). */
  'douyin-check': method({ input: Empty, output: DouyinCheckSchema, auth: 'user' }),
}

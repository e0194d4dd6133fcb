import { z } from 'zod'
import { ROLES } from '../roles'
import { LANGUAGES } from '../languages'
import { TEXT } from './texts'

export const Empty = z.strictObject({})
export const Ok = z.object({ ok: z.literal(true) })

export const RoleSchema = z.enum(ROLES)
export const LanguageSchema = z.enum(LANGUAGES)
export const IdSchema = z.number().int().positive()

// Usernames are case-insensitive: stored lower-case, NFC-normalised; letters of any script are allowed
// (stores name staff in Chinese), but no spaces or punctuation beyond . _ -.
export const UsernameSchema = z
  .string()
  .trim()
  .normalize('NFC')
  .toLowerCase()
  .min(2, 'at least 2 characters')
  .max(32, 'at most 32 characters')
  .regex(/^[\p{L}\p{N}._-]+$/u, TEXT.username)

export const PasswordSchema = z.string().min(8, 'at least 8 characters').max(256, 'at most 256 characters')
export const DisplayNameSchema = z.string().trim().max(64, 'at most 64 characters')

/** An http(s) URL of scheme, host and port only (no credentials, path, query or fragment): a base others are added to. */
export function isBaseUrl(value: string): boolean {
  try {
    const u = new URL(value)
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      !u.username &&
      !u.password &&
      !u.search &&
      !u.hash &&
      (u.pathname === '/' || u.pathname === '')
    )
  } catch {
    return false
  }
}

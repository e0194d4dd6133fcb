import type { z } from 'zod'
import { english, type HubText } from '../../shared/contract/texts'
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ValidationIssue } from '../../shared/errors'
import { isDatabaseDamage } from '../db/errors'

/** An error the hub expects and can explain; converted once, at the boundary, into the shared envelope. */
export class HubError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'HubError'
    this.code = code
    this.details = details
  }

  get status(): number {
    return ERROR_STATUS[this.code]
  }

  toBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message }
  }
}

/** Configuration that cannot be used; the hub refuses to start and says which value and where it came from. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Failures below the domain that people can act on, as the HubError they mean: a write that failed for lack of
 * space (SQLite's SQLITE_FULL, a file's ENOSPC) is "the disk is full", not an internal error; a damaged database
 * file says so rather than "internal error".
 */
export function explainError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return new HubError('disk-full', 'the hub’s disk is full; nothing was saved')
  if (isDatabaseDamage(code))
    return new HubError(
      'database-damaged',
      'the hub’s database file is damaged; see README, "A damaged database"',
    )
  return err
}

/** The answer's body; callers pass what explainError made of the error (sendError does). */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof HubError) return err.toBody()
  return { code: 'internal-error', message: 'internal error' }
}

/** The issue's figures a reader words a refusal with; never the input itself (it can hold a password). */
const ISSUE_FIELDS = [
  'origin',
  'minimum',
  'maximum',
  'inclusive',
  'exact',
  'expected',
  'format',
  'values',
  'keys',
  'divisor',
  'params',
] as const

function toIssue(i: z.core.$ZodIssue): ValidationIssue {
  const out: Record<string, unknown> = { path: i.path.join('.'), code: i.code, message: i.message }
  for (const f of ISSUE_FIELDS) {
    const v = (i as unknown as Record<string, unknown>)[f]
    // A bigint limit has no JSON form.
    if (v !== undefined) out[f] = typeof v === 'bigint' ? String(v) : v
  }
  return out as unknown as ValidationIssue
}

/**
 * Input refused: the message lists each field and why in English (logs, CLI); details.issues carries the same with
 * zod's codes and figures, which the console words in its own language.
 */
export function validationError(issues: z.core.$ZodIssue[] | ValidationIssue[]): HubError {
  const list = issues.map((i) =>
    typeof i.path === 'string' ? (i as ValidationIssue) : toIssue(i as z.core.$ZodIssue),
  )
  const summary = list.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
  return new HubError('validation-failed', summary || 'invalid input', { issues: list })
}

/** A refusal worded from the shared text table: the API's English message, and details.text for the console. */
export function refusal(code: ErrorCode, text: HubText, details?: Record<string, unknown>): HubError {
  return new HubError(code, english(text), { ...details, text })
}

/** One field refused by a rule of the hub rather than the contract (`message` is best one of shared TEXT). */
export function fieldRefused(path: string, message: string): HubError {
  return validationError([{ path, code: 'custom', message }])
}

import { CliError } from './errors'

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}/

/** Whether year-month-day names a day of the calendar (JavaScript's Date rolls 02-30 over into March). */
function realDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/**
 * A time flag: `2026-11-24T09:00:00+08:00` (or `…Z`, or a local time without an offset), or a bare day `2026-11-24`,
 * read as that day's local midnight (as the dashboard's days are). Answers an ISO date-time for the API; anything
 * else, an impossible day (`2026-02-30`, `2026-13-01`) included, is a usage error (exit 2).
 */
export function isoFlag(text: string, flag: string): string {
  const s = text.trim()
  const day = DAY.exec(s)
  const dated = day ?? DATE_TIME.exec(s)
  const [y, m, d] = dated ? [Number(dated[1]), Number(dated[2]), Number(dated[3])] : [0, 0, 0]
  const t = !dated || !realDay(y, m, d) ? NaN : day ? new Date(y, m - 1, d).getTime() : Date.parse(s)
  if (Number.isNaN(t))
    throw new CliError(
      `${flag} must be a real ISO date or date-time, e.g. 2026-11-24 or 2026-11-24T09:00:00+08:00 (got "${text}")`,
      2,
    )
  return new Date(t).toISOString()
}

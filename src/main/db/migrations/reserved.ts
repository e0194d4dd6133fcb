import type { Migration } from '../migration'

/**
 * A number another branch's migration holds (numbers are handed out per piece of work; migrations run by position,
 * 1, 2, 3 …, so a gap cannot be skipped). It changes nothing: when the branches meet, the real migration takes its
 * place in `index.ts` and this line goes.
 */
export function reserved(version: number, forWhat: string): Migration {
  return { version, name: `reserved for ${forWhat}`, up() {} }
}

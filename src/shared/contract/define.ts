import type { z } from 'zod'

/**
 * One admin API method: what it accepts (validated on the hub before any service runs) and what it answers.
 * `auth: 'public'` methods work without a login (status, login, first-run); every other method needs a session
 * or the local CLI token. Which role may do what is decided by the services, not here, so no transport can skip it.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
  auth: 'public' | 'user'
}

export function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec
}

/** Merges domain sections into one contract; a method name defined twice is a programming error. */
export function mergeSections<T extends Record<string, MethodSpec>>(...sections: T[]): T {
  const merged: Record<string, MethodSpec> = {}
  for (const section of sections) {
    for (const [name, spec] of Object.entries(section)) {
      if (name in merged) throw new Error(`contract method defined twice: ${name}`)
      merged[name] = spec
    }
  }
  return merged as T
}

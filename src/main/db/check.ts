import { UnknownValueError } from './errors'

/**
 * One of the contract's values (pass its schema, e.g. TierSchema), read from `table.column`; anything else is an
 * UnknownValueError. Repositories call it in their fromRow, once per checked column.
 */
export function oneOf<T extends string>(
  schema: { readonly options: readonly T[] },
  table: string,
  column: string,
  value: unknown,
): T {
  const known: readonly unknown[] = schema.options
  if (known.includes(value)) return value as T
  throw new UnknownValueError(table, column, value)
}

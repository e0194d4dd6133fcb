/**
 * Ids of the raw record tables never go back (migration 16): retention keeps the highest id it deleted, and a new
 * row's id is above it as well as above the table's own. The rule lives here; the delivery book, the funnel's
 * insert and the two prunes use these statements.
 */
export type MarkedTable = 'taps' | 'transfers' | 'funnel_events'

/** The highest id the table has handed out (an SQL expression, 0 for none). */
export const topIdSql = (table: MarkedTable): string =>
  `max(coalesce((SELECT max(id) FROM ${table}), 0), coalesce((SELECT top FROM id_marks WHERE name = '${table}'), 0))`

/** Keeps the table's highest id before rows are deleted (nothing for an empty table). */
export const keepTopIdSql = (table: MarkedTable): string =>
  `INSERT INTO id_marks (name, top) SELECT '${table}', id FROM ${table} WHERE true ORDER BY id DESC LIMIT 1
   ON CONFLICT (name) DO UPDATE SET top = max(top, excluded.top)`

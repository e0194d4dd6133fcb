// The store's days are local days of the PC the hub runs on: "today" on the dashboard starts at local midnight.

/** Local midnight at or before `t`. */
export function startOfDay(t: number): number {
  // Every tap asks for today's midnight (quotas): the last day's bounds answer without a Date.
  if (t >= lastDay.start && t < lastDay.next) return lastDay.start
  const d = new Date(t)
  d.setHours(0, 0, 0, 0)
  const start = d.getTime()
  d.setDate(d.getDate() + 1)
  lastDay = { start, next: d.getTime() }
  return start
}
let lastDay = { start: 0, next: 0 }

/** Local midnight `n` days after the day of `t` (negative goes back); calendar days, so DST days are 23 or 25 h. */
export function addDays(t: number, n: number): number {
  const d = new Date(startOfDay(t))
  d.setDate(d.getDate() + n)
  return d.getTime()
}

/** `2026-11-24`: the local day of `t`, as roll-ups are keyed. */
export function dayKey(t: number): string {
  const d = new Date(t)
  const mm = String(d.getMonth() + 1).padStart(2, '0')
  const dd = String(d.getDate()).padStart(2, '0')
  return `${d.getFullYear()}-${mm}-${dd}`
}

/** Local midnight of a `YYYY-MM-DD` day key. */
export function dayStart(key: string): number {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number]
  return new Date(y, m - 1, d).getTime()
}

/** Prints `value` as JSON (with --json) or as the given human-readable text. */
export function emit(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value) + '\n' : human() + '\n')
}

/** A plain aligned table for terminals. */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))]
  const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0)
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))))
  return cells
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i]! - width(c)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/**
 * Which bytes of a file a transfer has delivered, as merged [start, end) intervals. A transfer is complete when
 * the intervals cover the whole file, however many requests, retries and resumes that took.
 */
export class Coverage {
  private spans: Array<[number, number]>

  constructor(spans: Array<[number, number]> = []) {
    this.spans = spans.map(([a, b]) => [a, b])
  }

  /** Records bytes [start, end). */
  add(start: number, end: number): void {
    if (end <= start) return
    const out: Array<[number, number]> = []
    let s = start
    let e = end
    let placed = false
    for (const [a, b] of this.spans) {
      if (b < s) out.push([a, b])
      else if (a > e) {
        if (!placed) {
          out.push([s, e])
          placed = true
        }
        out.push([a, b])
      } else {
        s = Math.min(s, a)
        e = Math.max(e, b)
      }
    }
    if (!placed) out.push([s, e])
    this.spans = out
  }

  get bytes(): number {
    return this.spans.reduce((n, [a, b]) => n + (b - a), 0)
  }

  covers(total: number): boolean {
    return total === 0 || (this.spans.length === 1 && this.spans[0]![0] === 0 && this.spans[0]![1] >= total)
  }

  toJSON(): Array<[number, number]> {
    return this.spans.map(([a, b]) => [a, b])
  }
}

import { CouponCodeSchema } from '../../../../shared/contract/store-actions'

/** The most codes one import takes (the contract's limit). */
export const MAX_CODES_PER_IMPORT = 10_000

/** What was pasted or read from a file: one code per line, blank lines skipped; the lines that are no code. */
export function parseCouponCodes(text: string): { codes: string[]; badLines: number[] } {
  const codes: string[] = []
  const badLines: number[] = []
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (!line.trim()) return
    const ok = CouponCodeSchema.safeParse(line)
    if (ok.success) codes.push(ok.data)
    else badLines.push(i + 1)
  })
  return { codes, badLines }
}

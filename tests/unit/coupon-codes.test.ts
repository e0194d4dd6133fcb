import { describe, expect, it } from 'vitest'
import { parseCouponCodes } from '../../src/renderer/src/pages/tags/coupon-codes'

// What the coupon panel sends from pasted text or a .txt file: the hub takes the codes as they are, so the lines a
// person would not call a code must be named before anything is sent.
describe('coupon codes from pasted text or a file', () => {
  it('takes one code a line, whatever the line ends, skipping blank lines and trimming', () => {
    expect(parseCouponCodes('A-1\r\nA-2\rA-3\n\n  A-4  \n\t\n优惠-5\n')).toEqual({
      codes: ['A-1', 'A-2', 'A-3', 'A-4', '优惠-5'],
      badLines: [],
    })
  })

  it('names the lines that are no code: spaces inside, control characters, longer than 64', () => {
    const text = ['GOOD-1', 'has space', 'x'.repeat(65), 'GOOD-2', 'tab\there', 'x'.repeat(64)].join('\n')
    expect(parseCouponCodes(text)).toEqual({
      codes: ['GOOD-1', 'GOOD-2', 'x'.repeat(64)],
      badLines: [2, 3, 5],
    })
  })
})

import { describe, expect, it } from 'vitest'
import { confusableWith, usernameSkeleton } from '../../src/main/core/users/usernames'
import { UsernameSchema } from '../../src/shared/contract/common'

/** A name as the API stores it (trimmed, NFC, lower case), then compared with those taken. */
const similar = (name: string, taken: string[]) => confusableWith(UsernameSchema.parse(name), taken)

describe('user names that look like others', () => {
  it('finds full-width, Cyrillic and Greek look-alikes of a Latin name', () => {
    expect(similar('ｏｗｎｅｒ', ['owner'])).toBe('owner') // full-width
    expect(similar('ＯＷＮＥＲ', ['owner'])).toBe('owner')
    expect(similar('ѕtaff1', ['staff1'])).toBe('staff1') // Cyrillic dze
    expect(similar('оwnеr', ['owner'])).toBe('owner') // Cyrillic o and ie
    expect(similar('ОWNЕR', ['owner'])).toBe('owner') // Cyrillic capitals, lowered by the schema
    expect(similar('οwner', ['owner'])).toBe('owner') // Greek omicron
    expect(similar('adмin', ['admin'])).toBeNull() // Cyrillic em is drawn as a small capital M: not in the table
    expect(similar('staffl', ['staff1'])).toBe('staff1') // digit one and letter l
    expect(similar('rnei', ['mei'])).toBe('mei') // "rn" reads as "m"
    expect(similar('ѕtaff1', ['li', 'staff1', 'mei'])).toBe('staff1')
  })

  it('works both ways and keeps accents, other scripts and different names apart', () => {
    expect(similar('owner', ['ｏｗｎｅｒ'])).toBe('ｏｗｎｅｒ')
    expect(similar('staff1', ['ѕtaff1'])).toBe('ѕtaff1')
    expect(similar('rené', ['rene'])).toBeNull()
    expect(similar('店长', ['店员', '店長'])).toBeNull()
    expect(similar('staff2', ['staff1'])).toBeNull()
    expect(similar('li', ['l1'])).toBeNull()
    expect(similar('owner', ['owner'])).toBeNull() // the same name is "taken", not "confusable"
  })

  it('reduces a name to what it looks like', () => {
    expect(usernameSkeleton('ѕtaff1')).toBe('staffl')
    expect(usernameSkeleton('ｍｅｉ')).toBe('mei')
    // Cyrillic ё keeps its diaeresis on a Latin e; л and к have no Latin twin; а becomes a.
    expect(usernameSkeleton('ёлка')).toBe('e\u0308лкa'.normalize('NFC'))
    expect(usernameSkeleton('店长')).toBe('店长')
  })
})

import { describe, expect, it } from 'vitest'
import { CaptionCreateSchema, CaptionUpdateSchema } from '../../../src/shared/contract/captions'

// The contract's schema is the edge every caption passes (API, console, CLI): what it refuses is never stored.
const create = (c: Record<string, unknown>) => CaptionCreateSchema.safeParse({ videoId: 1, ...c })
const messages = (c: Record<string, unknown>) => {
  const r = create(c)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('a caption is plain text, checked field by field', () => {
  it('keeps emoji, Chinese and line breaks, and tidies what was typed', () => {
    const r = create({
      text: '  周末来{门店}打卡 🎉👍\r\n第二行\t好吃 ',
      hashtags: ['#探店', '＃周末 ', '', 'coffee'],
      mentions: ['@小王', '＠Li'],
      poi: '  ',
    })
    expect(r.success).toBe(true)
    expect(r.data).toMatchObject({
      text: '周末来{门店}打卡 🎉👍\n第二行 好吃',
      hashtags: ['探店', '周末', 'coffee'],
      mentions: ['小王', 'Li'],
      poi: null,
    })
  })

  it('accepts the variables in Chinese and English', () => {
    expect(messages({ text: '{门店} {日期} {标签位置} {store} {date} {placement}' })).toEqual([])
  })

  it('refuses HTML and script, naming what it found', () => {
    expect(messages({ text: '好吃<script>alert(1)</script>' })).toEqual([
      'text: HTML is not allowed (found <script>); captions are plain text',
    ])
    expect(messages({ text: 'x', hashtags: ['<b>hot</b>'] })).toContain(
      'hashtags: HTML is not allowed (found <b>); captions are plain text',
    )
    expect(messages({ text: 'x', poi: '<img src=x onerror=alert(1)>' })).toEqual([
      'poi: HTML is not allowed (found <img src=x onerror=alert(1)>); captions are plain text',
    ])
    // A comparison or a bracket is text.
    expect(messages({ text: '满2<3件 <限时> 1 < 2' })).toEqual([])
  })

  it('refuses text-direction marks and invisible characters, naming the code point', () => {
    expect(messages({ text: 'abc\u202Efed' })).toEqual([
      'text: invisible or text-direction characters are not allowed (found U+202E)',
    ])
    expect(messages({ text: 'x\u200F' })).toHaveLength(1)
    expect(messages({ text: 'x', hashtags: ['a\u2067b'] })).toEqual([
      'hashtags: invisible or text-direction characters are not allowed (found U+2067)',
    ])
    expect(messages({ text: 'x\u200By' })[0]).toMatch(/U\+200B/)
    expect(messages({ text: 'x\u0007' })[0]).toMatch(/U\+0007/)
    // Emoji are built with the zero-width joiner and variation selectors: those stay.
    expect(messages({ text: '👨‍👩‍👧 ❤️' })).toEqual([])
  })

  it('refuses 10,000 characters with how many it had, and an empty text', () => {
    expect(messages({ text: '好'.repeat(10_000) })).toEqual([
      'text: at most 1000 characters (this has 10000)',
    ])
    expect(messages({ text: '😀'.repeat(1000) })).toEqual([])
    expect(messages({ text: '   ' })).toEqual(['text: must not be empty'])
  })

  it('refuses unknown variables by name and lists the known ones', () => {
    expect(messages({ text: '欢迎来到{店名}，{门店}，{price}' })).toEqual([
      'text: unknown variable {店名}; use {门店}, {日期}, {标签位置}, {store}, {date}, {placement}',
      'text: unknown variable {price}; use {门店}, {日期}, {标签位置}, {store}, {date}, {placement}',
    ])
    // Braces that hold no name are text.
    expect(messages({ text: '{ } {' })).toEqual([])
  })

  it('refuses hashtags and mentions that are not one word, listed twice or too many', () => {
    expect(messages({ text: 'x', hashtags: ['探 店'] })).toEqual([
      'hashtags: "探 店" must be one word without spaces, # or @',
    ])
    expect(messages({ text: 'x', hashtags: ['Coffee', '#coffee'] })).toEqual([
      'hashtags: "coffee" is listed twice',
    ])
    expect(messages({ text: 'x', hashtags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).toEqual([
      'hashtags: at most 20',
    ])
    expect(messages({ text: 'x', mentions: ['a@b'] })).toEqual([
      'mentions: "a@b" must be one word without spaces, # or @',
    ])
  })

  it('needs a video or a tag; an update checks the same way', () => {
    expect(CaptionCreateSchema.safeParse({ text: 'x' }).success).toBe(false)
    expect(CaptionCreateSchema.safeParse({ tagId: 2, text: 'x' }).success).toBe(true)
    const r = CaptionUpdateSchema.safeParse({ id: 1, text: '<script>' })
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['text'])
  })
})

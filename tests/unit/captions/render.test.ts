import { describe, expect, it } from 'vitest'
import {
  DEFAULT_PLATFORM_LIMITS,
  PlatformSchema,
  type PlatformLimitsMap,
} from '../../../src/shared/contract/publish'
import { fillCaption, renderCaption, renderForPlatform } from '../../../src/shared/captions/render'
import { captionDate } from '../../../src/shared/captions/variables'

const values = { store: '星巴克(国贸店)', date: '5月3日', placement: '收银台' }
const caption = {
  text: '{日期}在{门店}的{标签位置}碰一碰，领新品视频☕',
  hashtags: ['{门店}', '探店', '咖啡'],
  mentions: ['星巴克'],
  poi: '{门店}',
}

describe('what each platform receives for a caption', () => {
  it('fills the variables everywhere, Chinese and English spellings alike', () => {
    expect(fillCaption(caption, values)).toEqual({
      text: '5月3日在星巴克(国贸店)的收银台碰一碰，领新品视频☕',
      hashtags: ['星巴克(国贸店)', '探店', '咖啡'],
      mentions: ['星巴克'],
      poi: '星巴克(国贸店)',
      emptyVariables: [],
    })
    expect(
      fillCaption({ text: 'At {store}, {date}, {placement}', hashtags: [], mentions: [], poi: null }, values)
        .text,
    ).toBe('At 星巴克(国贸店), 5月3日, 收银台')
  })

  it('writes {日期} in the hub’s language, on the local day', () => {
    const at = new Date(2026, 4, 3, 23, 59)
    expect(captionDate(at, 'zh-CN')).toBe('5月3日')
    expect(captionDate(at, 'en')).toBe('May 3')
  })

  it('puts mentions after the words and hashtags in each platform’s form, with counters', () => {
    const limits: PlatformLimitsMap = {
      ...DEFAULT_PLATFORM_LIMITS,
      kuaishou: { maxChars: 0, maxHashtags: 0, hashtagForm: 'hash-closed' },
      wechat: { maxChars: 0, maxHashtags: 0, hashtagForm: 'none' },
    }
    const [douyin, kuaishou, , , wechat] = renderCaption(
      fillCaption(caption, values),
      PlatformSchema.options,
      limits,
    )
    expect(douyin).toMatchObject({
      platform: 'douyin',
      body: '5月3日在星巴克(国贸店)的收银台碰一碰，领新品视频☕ @星巴克',
      hashtags: ['星巴克(国贸店)', '探店', '咖啡'],
      text: '5月3日在星巴克(国贸店)的收银台碰一碰，领新品视频☕ @星巴克 #星巴克(国贸店) #探店 #咖啡',
      poi: '星巴克(国贸店)',
      chars: 50,
      maxChars: 55,
      hashtagCount: 3,
      maxHashtags: 10,
      warnings: [],
    })
    expect(kuaishou!.text.endsWith('#星巴克(国贸店)# #探店# #咖啡#')).toBe(true)
    expect(kuaishou).toMatchObject({ maxChars: null, maxHashtags: null })
    expect(wechat!.text).toBe('5月3日在星巴克(国贸店)的收银台碰一碰，领新品视频☕ @星巴克')
    expect(wechat!.hashtagCount).toBe(0)
  })

  it('warns when a caption is too long or has too many hashtags for a platform, counting #话题 in the text', () => {
    const long = fillCaption(
      {
        text: '一'.repeat(50) + ' #一 #二',
        hashtags: Array.from({ length: 9 }, (_, i) => `t${i}`),
        mentions: [],
        poi: null,
      },
      values,
    )
    const douyin = renderForPlatform(long, 'douyin', DEFAULT_PLATFORM_LIMITS.douyin)
    // 50 + ' #一 #二' + 9 × ' #tN'
    expect(douyin.chars).toBe(50 + 6 + 9 * 4)
    expect(douyin.warnings).toEqual([
      { kind: 'too-long', count: 92, limit: 55 },
      { kind: 'too-many-hashtags', count: 11, limit: 10 },
    ])
    expect(renderForPlatform(long, 'xiaohongshu', DEFAULT_PLATFORM_LIMITS.xiaohongshu).warnings).toEqual([
      { kind: 'too-many-hashtags', count: 11, limit: 10 },
    ])
  })

  it('counts an emoji as one character', () => {
    const r = renderForPlatform(
      fillCaption({ text: '😀'.repeat(55), hashtags: [], mentions: [], poi: null }, values),
      'douyin',
      DEFAULT_PLATFORM_LIMITS.douyin,
    )
    expect(r).toMatchObject({ chars: 55, warnings: [] })
  })

  it('warns of a variable without a value and leaves a hashtag made only of it out', () => {
    const filled = fillCaption(caption, { ...values, store: '' })
    expect(filled.hashtags).toEqual(['探店', '咖啡'])
    expect(filled.poi).toBeNull()
    expect(renderForPlatform(filled, 'douyin', DEFAULT_PLATFORM_LIMITS.douyin).warnings).toEqual([
      { kind: 'variable-empty', variable: 'store' },
    ])
  })

  it('keeps a caption of several lines on its lines, hashtags on a line of their own', () => {
    const r = renderForPlatform(
      fillCaption({ text: '第一行\n第二行', hashtags: ['a'], mentions: ['b'], poi: null }, values),
      'xiaohongshu',
      DEFAULT_PLATFORM_LIMITS.xiaohongshu,
    )
    expect(r.text).toBe('第一行\n第二行\n@b\n#a')
  })
})

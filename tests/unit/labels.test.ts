import { describe, expect, it } from 'vitest'
import { LABELS } from '../../src/shared/labels'
import { REFUSAL_TEXT } from '../../src/shared/video-refusals'
import { PHONE_MESSAGES } from '../../src/main/lan/pages/messages'

/** Every leaf of a label table, by its dotted path. */
function leaves(o: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(o))
    if (typeof v === 'string') out.set(prefix + k, v)
    else for (const [p, s] of leaves(v as object, `${prefix}${k}.`)) out.set(p, s)
  return out
}
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()

describe('the shared labels', () => {
  it('name the same things in both languages, none empty, with the same placeholders', () => {
    const zh = leaves(LABELS['zh-CN'])
    const en = leaves(LABELS.en)
    expect([...en.keys()]).toEqual([...zh.keys()])
    for (const [path, text] of zh) {
      expect(text.trim(), path).not.toBe('')
      expect(en.get(path)!.trim(), path).not.toBe('')
      expect(placeholders(en.get(path)!), path).toEqual(placeholders(text))
    }
  })

  it('are the words the refusals and the phone page use', () => {
    expect(REFUSAL_TEXT['disk-full']).toEqual({
      'zh-CN': LABELS['zh-CN'].refusal['disk-full'],
      en: LABELS.en.refusal['disk-full'],
    })
    expect(PHONE_MESSAGES['zh-CN'].queue).toBe('排队中 · 第 {n} 位')
    expect(PHONE_MESSAGES.en.queue).toBe(`${LABELS.en.transferStatus.queued} · No. {n}`)
    // The tag form names the store's blocks as the phone page titles them.
    for (const lang of ['zh-CN', 'en'] as const) {
      const m = PHONE_MESSAGES[lang]
      expect([m.wifiTitle, m.wechatTitle, m.couponTitle, m.reviewTitle, m.storeTitle]).toEqual([
        ...Object.values(LABELS[lang].storeAction),
        LABELS[lang].storeActions,
      ])
    }
    expect(PHONE_MESSAGES['zh-CN'].couponTitle).toBe('领取优惠券')
  })
})

import i18next, { type TFunction } from 'i18next'
import { beforeAll, describe, expect, it } from 'vitest'
import { refusal, validationError } from '../../src/main/core/errors'
import { contract } from '../../src/shared/contract'
import type { ValidationIssue } from '../../src/shared/errors'
import { hubText, TEXT, TEXT_WORD_VALUES, type HubText } from '../../src/shared/contract/texts'
import { describeIssues } from '../../src/renderer/src/api/validation-text'
import { LABELS } from '../../src/shared/labels'
import { CONTRACT_TEXTS, sayText } from '../../src/renderer/src/i18n/contract-texts'
import zhCN from '../../src/renderer/src/i18n/zh-CN'
import en from '../../src/renderer/src/i18n/en'

/**
 * A refusal from the hub's contract, as the console words it: the hub answers in English (logs, CLI) with each
 * issue's code and figures; the console says it in the language chosen — a zh-CN console used to show zod's and the
 * contract's English inside its Chinese sentence ("输入有误：lanPort: must be between 0 and 65535").
 */
let zh: TFunction
let english: TFunction

beforeAll(async () => {
  const make = async (lng: string, translation: object) => {
    const i = i18next.createInstance()
    await i.init({ lng, resources: { [lng]: { translation } }, interpolation: { escapeValue: false } })
    return i.t
  }
  zh = await make('zh-CN', zhCN)
  english = await make('en', en)
})

/** What the hub sends for this input to settings-update (the same code path as its answer). */
function refused(input: unknown): ValidationIssue[] {
  const parsed = contract['settings-update'].input.safeParse(input)
  if (parsed.success) throw new Error('the input was accepted')
  const err = validationError(parsed.error.issues)
  // Through JSON, as the console receives it.
  return JSON.parse(JSON.stringify(err.toBody())).details.issues as ValidationIssue[]
}

const HAN = /[\u4e00-\u9fff]/
/** English words of two letters or more, outside example addresses and names kept as they are. */
const englishWords = (s: string) =>
  s
    .replace(/https?:\/\/\S+|[a-z0-9.-]+\.[a-z]{2,}|\b[A-Z]{2,}\b|Client (Key|Secret)|IPv[46]|URL|LOCK/g, '')
    .match(/[A-Za-z]{2,}/g) ?? []

describe('a refused input in the console', () => {
  it('is worded in Chinese in a zh-CN console, field by field', () => {
    const issues = refused({
      lanPort: 70_000,
      quotaNormal: 2.5,
      wifiSsid: '',
      wifiSecurity: 'WPA3',
      publicUrl: 'tapdrop.local/x',
      chainBucket: 'Shop..Videos',
      bogus: 1,
    })
    const text = describeIssues(issues, zh, 'zh-CN')
    expect(text).toContain('「lanPort」不能大于 65535')
    expect(text).toContain('「quotaNormal」必须是整数')
    expect(text).toContain('「wifiSsid」不能为空')
    expect(text).toContain('「wifiSecurity」只能是 "WPA" / "WEP" / "nopass"')
    expect(text).toContain('「对外地址」必须形如 http://192.168.1.20:8080（只写协议、主机和端口）')
    expect(text).toContain('「chainBucket」必须是存储桶名称')
    expect(text).toContain('「chainBucket」不能有两个连续的点')
    expect(text).toContain('有不认识的字段：bogus')
    // Nothing of the API's English is left but field names and examples.
    expect(englishWords(text.replace(/「[A-Za-z]+」|"[A-Za-z]+"/g, '').replace('bogus', ''))).toEqual([])
    expect(text).toMatch(HAN)
  })

  it('names a field as the form shows it when the form says so', () => {
    const issues = refused({ lanPort: 70_000 })
    const text = describeIssues(issues, zh, 'zh-CN', (path) => (path === 'lanPort' ? '手机页端口' : null))
    expect(text).toBe('「手机页端口」不能大于 65535')
  })

  it('stays in plain English in an English console', () => {
    const text = describeIssues(refused({ lanPort: -1, publicUrl: 'x' }), english, 'en')
    expect(text).toBe(
      'lanPort: must be at least 0; Public address: must look like http://192.168.1.20:8080 (scheme, host and port only)',
    )
  })

  it('has Chinese words for every refusal text, naming the same values', () => {
    const names = (x: string) => [...x.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()
    for (const [key, english] of Object.entries(TEXT)) {
      const zhText = CONTRACT_TEXTS['zh-CN'][key as keyof typeof TEXT]
      expect(zhText, key).toMatch(HAN)
      expect(zhText, key).not.toBe(english)
      expect(names(zhText), key).toEqual(names(english))
    }
  })

  it('words the hub’s own refusals (a conflict, a template that cannot make a variant) in the console’s language', () => {
    const conflict = refusal('conflict', hubText('tooFewClips', { need: 3, have: 2 })).toBody()
    expect(conflict.message).toBe('a variant needs 3 clips but the template has 2')
    const text = JSON.parse(JSON.stringify(conflict.details)).text as HubText
    expect(sayText(text, 'zh-CN')).toBe('每个变体需要 3 个片段，但模板只有 2 个')
    expect(sayText(text, 'en')).toBe(conflict.message)
  })

  it('says a video status named in a text in the console’s words, and leaves any other value as it is', () => {
    const notReady = hubText('clipVideoNotReady', { id: 4, status: 'processing' })
    expect(sayText(notReady, 'zh-CN')).toBe(
      `模板用到的视频 4 还不可用（${LABELS['zh-CN'].videoStatus.processing}）`,
    )
    expect(sayText(notReady, 'en')).toBe(
      `video 4 of the template is not ready (${LABELS.en.videoStatus.processing})`,
    )
    // Only the values a text declares are words of a table: `why` here says "ready" as the hub wrote it (the old
    // rule translated whatever value was named `status`, and would have to be named so to be tested).
    expect(sayText(hubText('poolNotQueued', { why: 'ready' }), 'zh-CN')).toBe('无法排入生成队列：ready')
    expect(TEXT_WORD_VALUES.poolNotQueued).toBeUndefined()
    expect(TEXT_WORD_VALUES.clipVideoNotReady).toEqual({ status: 'videoStatus' })
  })
})

import { describe, expect, it } from 'vitest'
import { NotificationKindSchema } from '../../src/shared/contract/monitoring'
import en from '../../src/renderer/src/i18n/en'
import zhCN from '../../src/renderer/src/i18n/zh-CN'

// A kind the hub raises without words in the console shows staff its key ("notify.chain-stale.title") instead of
// a sentence: every kind the contract names has a title and a body in both languages.
describe('the notification centre', () => {
  for (const [lang, messages] of [
    ['zh-CN', zhCN],
    ['en', en],
  ] as const) {
    it(`has a title and a body for every kind of notification (${lang})`, () => {
      const notify = messages.notify as Record<string, unknown>
      const missing = NotificationKindSchema.options.filter((kind) => {
        const words = notify[kind] as { title?: unknown; body?: unknown } | undefined
        return typeof words?.title !== 'string' || typeof words.body !== 'string'
      })
      expect(missing).toEqual([])
    })
  }
})

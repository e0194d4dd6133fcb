import { describe, expect, it } from 'vitest'
import { pickLanguage } from '../../src/shared/languages'

describe('phone page language', () => {
  it('follows Accept-Language with q-values and falls back to zh-CN', () => {
    expect(pickLanguage(undefined)).toBe('zh-CN')
    expect(pickLanguage('en-US,en;q=0.9')).toBe('en')
    expect(pickLanguage('zh-TW,zh;q=0.9,en;q=0.8')).toBe('zh-CN')
    expect(pickLanguage('fr-FR,en;q=0.5,zh;q=0.8')).toBe('zh-CN')
    expect(pickLanguage('fr-FR,de;q=0.5')).toBe('zh-CN')
    expect(pickLanguage('fr-FR', 'en')).toBe('en')
    expect(pickLanguage('en;q=0,zh;q=0.1')).toBe('zh-CN')
  })
})

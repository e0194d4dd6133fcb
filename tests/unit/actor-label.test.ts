import type { TFunction } from 'i18next'
import { describe, expect, it } from 'vitest'
import { actorLabel } from '../../src/renderer/src/actor'
import zh from '../../src/renderer/src/i18n/zh-CN'

const t = ((key: string) => {
  const [, , who] = key.split('.')
  return (zh.users.actor as Record<string, string>)[who!] ?? key
}) as unknown as TFunction

describe('who did it, as the console says it', () => {
  it('words the hub’s own actors, alone or inside headquarters’ "<name> (<who>)", and leaves people’s names', () => {
    expect(actorLabel(t, 'local-cli')).toBe('命令行')
    expect(actorLabel(t, 'anonymous')).toBe('（未登录）')
    // A store shows who published HQ's videos: it showed "总部 (local-cli)".
    expect(actorLabel(t, '总部 (local-cli)')).toBe('总部 (命令行)')
    expect(actorLabel(t, '总部 (xiaowang)')).toBe('总部 (xiaowang)')
    expect(actorLabel(t, 'xiaowang')).toBe('xiaowang')
  })
})

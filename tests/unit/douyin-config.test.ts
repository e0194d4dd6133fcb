import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/main/core/config/load'
import { ConfigError } from '../../src/main/core/errors'
import { SettingsUpdateSchema } from '../../src/shared/contract/hub'
import { tempDir } from '../helpers/tmp'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))
function file(content: object = {}): string {
  const d = tempDir()
  dirs.push(d)
  const f = join(d.path, 'config.json')
  writeFileSync(f, JSON.stringify(content))
  return f
}
function problems(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).message
  }
  throw new Error('expected a ConfigError')
}

describe('Douyin settings in the configuration', () => {
  it('is off by default and talks to open.douyin.com', () => {
    const c = loadConfig({ file: file(), env: {} }).values
    expect(c).toMatchObject({
      douyinEnabled: false,
      douyinClientKey: null,
      douyinClientSecret: null,
      douyinApiBaseUrl: 'https://open.douyin.com',
      douyinVideoBaseUrl: null,
    })
  })

  it('takes the credentials from the environment and normalises the addresses', () => {
    const c = loadConfig({
      file: file({
        douyinApiBaseUrl: 'https://open.douyin.com/',
        douyinVideoBaseUrl: 'https://v.example.com/store-7/',
      }),
      env: {
        TAPDROP_DOUYIN_ENABLED: 'true',
        TAPDROP_DOUYIN_CLIENT_KEY: ' aw1a2b3c4d5e6f ',
        TAPDROP_DOUYIN_CLIENT_SECRET: 'c0ffee5ecret0123456789abcdef0123',
      },
    })
    expect(c.values).toMatchObject({
      douyinEnabled: true,
      douyinClientKey: 'aw1a2b3c4d5e6f',
      douyinClientSecret: 'c0ffee5ecret0123456789abcdef0123',
      douyinApiBaseUrl: 'https://open.douyin.com',
      douyinVideoBaseUrl: 'https://v.example.com/store-7',
    })
    expect(c.sources.douyinClientSecret).toBe('env')
    // A stand-in on this PC may be plain http.
    expect(
      loadConfig({ file: file({ douyinApiBaseUrl: 'http://127.0.0.1:5123' }), env: {} }).values
        .douyinApiBaseUrl,
    ).toBe('http://127.0.0.1:5123')
  })

  it('refuses bad values with a message naming the place, the setting and what it must be', () => {
    const f = file({ douyinApiBaseUrl: 'http://open.douyin.com', douyinVideoBaseUrl: 'ftp://v.example.com' })
    const text = problems(() => loadConfig({ file: f, env: {} }))
    expect(text).toContain(
      `${f}: douyinApiBaseUrl: must be an https:// address like https://open.douyin.com (http:// only for 127.0.0.1 or localhost)`,
    )
    expect(text).toContain(
      `${f}: douyinVideoBaseUrl: must be an http:// or https:// address like https://video.example.com (no ?query or #fragment)`,
    )
    expect(
      problems(() => loadConfig({ file: file(), env: { TAPDROP_DOUYIN_CLIENT_KEY: 'my key' } })),
    ).toContain(
      'environment TAPDROP_DOUYIN_CLIENT_KEY: douyinClientKey: must be the client key from the Douyin open platform',
    )
    expect(problems(() => loadConfig({ file: file(), env: { TAPDROP_DOUYIN_ENABLED: 'yes' } }))).toContain(
      'environment TAPDROP_DOUYIN_ENABLED: douyinEnabled:',
    )
    for (const bad of ['https://user:pw@open.douyin.com', 'https://open.douyin.com/?a=1', 'open.douyin.com'])
      expect(problems(() => loadConfig({ file: file({ douyinApiBaseUrl: bad }), env: {} }))).toContain(
        'douyinApiBaseUrl: must be an https:// address',
      )
  })

  it('never quotes a refused secret back', () => {
    for (const secret of ['short', 'has a space inside it', 'x'.repeat(129)]) {
      const text = problems(() => loadConfig({ file: file(), env: { TAPDROP_DOUYIN_CLIENT_SECRET: secret } }))
      expect(text).toContain(
        'environment TAPDROP_DOUYIN_CLIENT_SECRET: douyinClientSecret: must be the client secret from the Douyin open platform: 8 to 128 characters, no spaces',
      )
      expect(text).not.toContain(secret)
      const r = SettingsUpdateSchema.safeParse({ douyinClientSecret: secret })
      expect(r.success).toBe(false)
      expect(JSON.stringify(r.error)).not.toContain(secret)
    }
  })
})

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { sayText } from '../../src/renderer/src/i18n/contract-texts'
import type { HubText } from '../../src/shared/contract/texts'
import { loadConfig } from '../../src/main/core/config/load'
import { ConfigStore } from '../../src/main/core/config/store'
import { ConfigError, HubError } from '../../src/main/core/errors'
import { tempDir } from '../helpers/tmp'

const dirs: Array<{ cleanup(): void }> = []
function configFile(content?: unknown): string {
  const d = tempDir()
  dirs.push(d)
  const file = join(d.path, 'config.json')
  if (content !== undefined)
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

function problems(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).message
  }
  throw new Error('expected a ConfigError')
}

describe('configuration', () => {
  it('uses safe defaults: admin on loopback, phones on every interface, zh-CN', () => {
    const c = loadConfig({ file: configFile(), env: {} })
    expect(c.values.adminHost).toBe('127.0.0.1')
    expect(c.values.lanHost).toBe('0.0.0.0')
    expect(c.values.language).toBe('zh-CN')
    expect(c.sources.adminPort).toBe('default')
  })

  it('layers file < environment < flags and remembers where each value came from', () => {
    const file = configFile({ lanPort: 9000, adminPort: 9001, language: 'en' })
    const c = loadConfig({ file, env: { TAPDROP_LAN_PORT: '9100' }, flags: { adminPort: '9200' } })
    expect(c.values).toMatchObject({ lanPort: 9100, adminPort: 9200, language: 'en' })
    expect(c.sources).toMatchObject({
      lanPort: 'env',
      adminPort: 'flag',
      language: 'file',
      lanHost: 'default',
    })
  })

  it('reads the store name and platform limits from the file or the environment (limits as JSON)', () => {
    const file = configFile({
      storeName: '国贸店',
      platformLimits: { kuaishou: { maxChars: 300, maxHashtags: 5, hashtagForm: 'hash' } },
    })
    expect(loadConfig({ file, env: {} }).values).toMatchObject({
      storeName: '国贸店',
      platformLimits: { kuaishou: { maxChars: 300, maxHashtags: 5, hashtagForm: 'hash' } },
    })
    const env = loadConfig({
      file: configFile(),
      env: {
        TAPDROP_STORE_NAME: '三里屯店',
        TAPDROP_PLATFORM_LIMITS: '{"douyin":{"maxChars":40,"maxHashtags":3,"hashtagForm":"none"}}',
      },
    })
    expect(env.values.storeName).toBe('三里屯店')
    expect(env.values.platformLimits).toEqual({
      douyin: { maxChars: 40, maxHashtags: 3, hashtagForm: 'none' },
    })
    expect(
      problems(() => loadConfig({ file: configFile(), env: { TAPDROP_PLATFORM_LIMITS: '{douyin' } })),
    ).toMatch(/environment TAPDROP_PLATFORM_LIMITS: platformLimits:/)
    expect(
      problems(() => loadConfig({ file: configFile({ platformLimits: { weibo: {} } }), env: {} })),
    ).toMatch(/config\.json: platformLimits: unknown setting\(s\) "weibo"/)
    expect(problems(() => loadConfig({ file: configFile({ storeName: '{门店}' }), env: {} }))).toMatch(
      /storeName: plain text/,
    )
  })

  it('names the exact place of a bad value', () => {
    expect(problems(() => loadConfig({ file: configFile(), env: { TAPDROP_LAN_PORT: 'eighty' } }))).toMatch(
      /environment TAPDROP_LAN_PORT: lanPort: must be a number/,
    )
    expect(
      problems(() => loadConfig({ file: configFile(), env: {}, flags: { adminPort: '70000' } })),
    ).toMatch(/flag --admin-port: adminPort: must be between 0 and 65535/)
    const file = configFile({ publicUrl: 'ftp://x' })
    expect(problems(() => loadConfig({ file, env: {} }))).toContain(
      `${file}: publicUrl: must look like http://`,
    )
  })

  it('refuses broken JSON and unknown settings in the file', () => {
    const broken = configFile('{ "lanPort": ')
    expect(problems(() => loadConfig({ file: broken, env: {} }))).toContain(`${broken}: not valid JSON`)
    expect(problems(() => loadConfig({ file: configFile({ lanProt: 1 }), env: {} }))).toContain(
      'unknown setting(s) "lanProt"',
    )
  })

  it('refuses a public URL too long for an NTAG213 tag', () => {
    expect(
      problems(() =>
        loadConfig({ file: configFile({ publicUrl: 'http://' + 'a'.repeat(70) + '.example' }), env: {} }),
      ),
    ).toContain('at most 64 characters')
  })

  it('saves changes to config.json and refuses values pinned by env or flag', () => {
    const file = configFile({ language: 'en' })
    const store = new ConfigStore(loadConfig({ file, env: { TAPDROP_LAN_PORT: '9100' } }))
    expect(() => store.update({ lanPort: 9300 })).toThrow(HubError)
    expect(() => store.update({ lanPort: 9300 })).toThrow(/TAPDROP_LAN_PORT/)
    // The console says it in its language: the refusal names its text and values.
    const refused = (() => {
      try {
        store.update({ lanPort: 9300 })
      } catch (err) {
        return (err as HubError).details?.text
      }
    })()
    expect(sayText(refused as HubText, 'zh-CN')).toBe(
      'lanPort 由环境变量 TAPDROP_LAN_PORT 设定，请在那里修改',
    )
    const changed = store.update({ publicUrl: 'http://192.168.1.20:8080/' })
    expect(changed).toEqual(['publicUrl'])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      language: 'en',
      publicUrl: 'http://192.168.1.20:8080',
    })
    const reloaded = loadConfig({ file, env: {} })
    expect(reloaded.values.publicUrl).toBe('http://192.168.1.20:8080')
    expect(reloaded.values.language).toBe('en')
  })
})

describe('data directory', () => {
  it('defaults to the per-OS app-data folder Electron uses, unless TAPDROP_DATA_DIR says otherwise', async () => {
    const { defaultDataDir } = await import('../../src/main/core/paths')
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/home/a/.config' }, 'linux')).toBe('/home/a/.config/TapDrop')
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(
      /AppData.Roaming.TapDrop$/,
    )
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/TapDrop$/)
    expect(defaultDataDir({ TAPDROP_DATA_DIR: '/srv/tapdrop', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(
      '/srv/tapdrop',
    )
  })
})

import { describe, expect, it } from 'vitest'
import { SettingsUpdateSchema, type SettingSource, type SettingsView } from '../../src/shared/contract/hub'
import { SETTINGS_FIELDS, formValues, settingsPatch } from '../../src/renderer/src/pages/settings/fields'

const at = <T>(value: T, source: SettingSource = 'default') => ({ value, source })

/** What settings-get answers on a fresh hub, with the NFC switch pinned by an environment variable. */
function view(): SettingsView {
  return {
    quotaNormal: at(3),
    quotaVip: at(10),
    maxStreams: at(8),
    queueMaxWaitSeconds: at(180),
    renditionPhone: at('720p'),
    renditionTablet: at('1080p'),
    renditionOther: at('1080p'),
    tapRateLimitPerMinute: at(60),
    tls: null,
    mdns: { enabled: true, announced: true, source: 'default' },
    nfc: at(false, 'env'),
    wifi: { ssid: 'Store', security: 'WPA', passwordSet: true },
    tagBaseUrls: [],
    uploadMaxMegabytes: at(4096),
    uploadsPerDayStaff: at(50),
    uploadsPerDayAdmin: at(0),
    transcodeConcurrency: at(1),
    retentionDays: at(365),
    alertFailedTransfers: at(5),
    alertQuotaRefusals: at(20),
    diskLowMegabytes: at(2048),
    media: { ffmpeg: null, ffprobe: null, ladder: 'phone-h264-v1' },
    lanHost: at('0.0.0.0'),
    lanPort: at(8080, 'flag'),
    publicUrl: at(null),
    language: at('zh-CN'),
    effectivePublicUrl: 'http://192.168.1.20:8080',
    lanAddresses: [],
    lanListening: 'http://0.0.0.0:8080',
    adminUrl: 'http://127.0.0.1:7410',
    chainRole: at('store'),
    chainEndpoint: at('http://10.0.0.5:7480'),
    chainRegion: at('us-east-1'),
    chainBucket: at('chain'),
    chainAccessKey: { masked: 'AKIA…MPLE', source: 'file' },
    chainSecretKey: { set: true, source: 'env' },
    chainPathStyle: at(true),
    chainCaFile: at(null),
    chainStoreId: at('sh-01', 'file'),
    chainPollSeconds: at(60),
    chainDownloadMbps: at(20),
    chainGraceHours: at(24),
    chainStaleHours: at(24),
    douyinEnabled: at(false),
    douyinClientKey: at(null),
    douyinClientSecret: { set: false, source: 'default' },
    douyinApiBaseUrl: at('https://open.douyin.com'),
    douyinVideoBaseUrl: at(null),
  }
}

describe('the Settings form (its field table)', () => {
  it('sends nothing when nothing was changed, and every field is one settings-update takes', () => {
    const v = view()
    expect(settingsPatch(v, formValues(v))).toEqual({})
    for (const f of SETTINGS_FIELDS) expect(Object.keys(SettingsUpdateSchema.shape)).toContain(f.key)
  })

  it('sends only what changed, never a pinned setting, and reads emptied texts as "none"', () => {
    const v = view()
    const typed = {
      ...formValues(v),
      quotaNormal: 5,
      renditionPhone: '480p',
      nfc: true, // pinned by TAPDROP_NFC: shown locked, not sent
      lanPort: 9090, // pinned by --lan-port
      mdns: false,
      wifiSsid: '  ',
      wifiPassword: '', // empty keeps the stored password
      publicUrl: ' http://10.0.0.2:8080 ',
    }
    const patch = settingsPatch(v, typed)
    expect(patch).toEqual({
      quotaNormal: 5,
      renditionPhone: '480p',
      mdns: false,
      wifiSsid: null,
      publicUrl: 'http://10.0.0.2:8080',
    })
    expect(SettingsUpdateSchema.safeParse(patch).success).toBe(true)
    // The LAN announcement pinned by TAPDROP_MDNS: locked in the form (it had no source: an editable switch).
    const mdnsPinned = { ...v, mdns: { ...v.mdns, source: 'env' as const } }
    const mdnsField = SETTINGS_FIELDS.find((f) => f.key === 'mdns')!
    expect(mdnsField.source?.(mdnsPinned)).toBe('env')
    expect(settingsPatch(mdnsPinned, { ...formValues(mdnsPinned), mdns: false })).toEqual({})
    expect(settingsPatch(v, { ...formValues(v), wifiPassword: 'secret-pass' })).toEqual({
      wifiPassword: 'secret-pass',
    })
  })

  it('never shows the chain key pair, keeps it when left empty, and sends what is typed', () => {
    const v = view()
    const values = formValues(v)
    expect(values.chainAccessKey).toBe('')
    expect(values.chainSecretKey).toBe('')
    expect(settingsPatch(v, { ...values, chainAccessKey: ' AKIANEWKEY123456 ', chainEndpoint: '' })).toEqual({
      chainAccessKey: 'AKIANEWKEY123456',
      chainEndpoint: null,
    })
    // The secret is pinned by TAPDROP_CHAIN_SECRET_KEY here: never sent from the form.
    expect(settingsPatch(v, { ...values, chainSecretKey: 'typed' })).toEqual({})
    const field = SETTINGS_FIELDS.find((f) => f.key === 'chainAccessKey')!
    expect(field.kind === 'text' && field.placeholder?.(v)).toEqual({
      key: 'settings.chainKeySet',
      values: { masked: 'AKIA…MPLE' },
    })
  })

  it('bounds each number as the hub does, narrower only where the form says why', () => {
    const bounds = Object.fromEntries(
      SETTINGS_FIELDS.filter((f) => f.kind === 'number').map((f) => [
        f.key,
        f.kind === 'number' && [f.min, f.max],
      ]),
    )
    expect(bounds).toMatchObject({
      quotaNormal: [0, 100_000],
      maxStreams: [1, 1000],
      queueMaxWaitSeconds: [10, 3600],
      retentionDays: [7, 3650],
      uploadMaxMegabytes: [1, 65_536],
      transcodeConcurrency: [1, 16],
      lanPort: [1, 65_535],
      chainPollSeconds: [10, 86_400],
      chainDownloadMbps: [0, 100_000],
      chainGraceHours: [1, 2160],
    })
  })

  it('keeps the Douyin secret write-only: never read into the form, sent only when typed, locked when pinned', () => {
    const v = { ...view(), douyinClientSecret: { set: true, source: 'file' as const } }
    expect(formValues(v).douyinClientSecret).toBe('')
    const typed = {
      ...formValues(v),
      douyinClientSecret: ' new-secret-0123 ',
      douyinClientKey: 'aw1a2b3c4d5e6f',
      douyinApiBaseUrl: '  ', // emptied: the hub keeps its address
      douyinVideoBaseUrl: ' https://v.example.com ',
    }
    const patch = settingsPatch(v, typed)
    expect(patch).toEqual({
      douyinClientSecret: 'new-secret-0123',
      douyinClientKey: 'aw1a2b3c4d5e6f',
      douyinVideoBaseUrl: 'https://v.example.com',
    })
    expect(SettingsUpdateSchema.safeParse(patch).success).toBe(true)
    expect(settingsPatch(v, { ...formValues(v), douyinClientSecret: '' })).toEqual({})
    const pinned = { ...v, douyinClientSecret: { set: true, source: 'env' as const } }
    expect(settingsPatch(pinned, { ...formValues(pinned), douyinClientSecret: 'other-secret-01' })).toEqual(
      {},
    )
  })
})

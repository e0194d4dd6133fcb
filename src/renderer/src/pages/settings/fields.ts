import type { z } from 'zod'
import {
  SettingsUpdateSchema,
  type SettingSource,
  type SettingsUpdate,
  type SettingsView,
} from '../../../../shared/contract/hub'

/** A field's name is the setting's name in settings-update. */
export type SettingKey = keyof SettingsUpdate & string
export type FormValue = string | number | boolean | null

export type SettingsSection =
  'network' | 'delivery' | 'nfcSection' | 'monitoring' | 'media' | 'douyin' | 'chain'
export const SECTIONS: SettingsSection[] = [
  'network',
  'delivery',
  'nfcSection',
  'monitoring',
  'media',
  'douyin',
  'chain',
]

/** A text the field shows, as an i18n key and its values (null: none). */
export type Text = { key: string; values?: Record<string, string> } | null

export type FieldKind =
  | { kind: 'number'; min: number; max: number }
  | { kind: 'text'; maxLength?: number; placeholder?: (view: SettingsView) => Text }
  | { kind: 'password'; maxLength: number; placeholder: (view: SettingsView) => Text }
  /** A drop-down; labels are shown as they are. */
  | { kind: 'select'; options: ReadonlyArray<{ value: string; label: string }> }
  /** Buttons side by side; labels are i18n keys. */
  | { kind: 'choice'; options: ReadonlyArray<{ value: string; label: string }> }
  | { kind: 'switch' }

interface FieldCommon {
  key: SettingKey
  section: SettingsSection
  /** i18n keys of the label and of the help line under the field. */
  label: string
  help?: string
  /** Of the form's 24 columns. */
  span: number
  required?: boolean
  testId?: string
  /** Where the value comes from: an environment variable or a flag pins it (shown locked, never sent). */
  source?: (view: SettingsView) => SettingSource
  /** The form's value, from what the hub holds. */
  read: (view: SettingsView) => FormValue
  /** What the hub holds, as the patch would say it: the field is sent only when it differs. */
  current: (view: SettingsView) => FormValue | undefined
  /** The patch value of what was typed (undefined: nothing to send). Without it, the value as typed. */
  toPatch?: (value: FormValue) => FormValue | undefined
}
export type SettingField = FieldKind & FieldCommon

type Layout = Pick<FieldCommon, 'section' | 'label' | 'help' | 'span' | 'required' | 'testId' | 'toPatch'>

/** Settings the hub shows as { value, source } and takes back under the same name. */
type ValueKey = {
  [K in keyof SettingsView]: SettingsView[K] extends { value: unknown; source: SettingSource } ? K : never
}[keyof SettingsView] &
  SettingKey

function setting(key: ValueKey, kind: FieldKind, layout: Layout): SettingField {
  return {
    key,
    ...kind,
    ...layout,
    source: (view) => view[key].source,
    read: (view) => view[key].value,
    current: (view) => view[key].value,
  }
}

// A number's bounds are the contract's (the hub checks the same schema), read from it rather than repeated.
function number(key: ValueKey, layout: Layout, narrower: { min?: number } = {}): SettingField {
  const schema = (SettingsUpdateSchema.shape[key] as z.ZodOptional<z.ZodNumber>).unwrap()
  const min = schema.minValue ?? 0
  const max = schema.maxValue ?? Number.MAX_SAFE_INTEGER
  return setting(key, { kind: 'number', min: Math.max(min, narrower.min ?? min), max }, layout)
}

const TARGETS = ['1080p', '720p', '480p'].map((x) => ({ value: x, label: x }))
const rendition = (key: 'renditionPhone' | 'renditionTablet' | 'renditionOther') =>
  setting(
    key,
    { kind: 'select', options: TARGETS },
    { section: 'delivery', label: `settings.${key}`, span: 8 },
  )
const alert = (key: 'retentionDays' | 'alertFailedTransfers' | 'alertQuotaRefusals' | 'diskLowMegabytes') =>
  number(key, {
    section: 'monitoring',
    label: `settings.${key}`,
    help: `settings.${key}Hint`,
    span: 12,
    testId: `settings-${key}`,
  })
/** An emptied text means "none" to the hub. */
const orNull = (v: FormValue) => (typeof v === 'string' ? v.trim() || null : v)
/** An emptied text keeps what the hub holds (a setting that cannot be "none"). */
const orKeep = (v: FormValue) => (typeof v === 'string' ? v.trim() || undefined : v)

/** The Settings form, top to bottom: the page renders exactly this. */
export const SETTINGS_FIELDS: SettingField[] = [
  setting(
    'lanHost',
    { kind: 'text' },
    {
      section: 'network',
      label: 'settings.lanHost',
      help: 'settings.lanHostHelp',
      span: 14,
      required: true,
      testId: 'settings-lan-host',
    },
  ),
  // 0 (a port the OS picks) is for tests: a store's tags need the same port after every start.
  number(
    'lanPort',
    { section: 'network', label: 'settings.lanPort', span: 10, required: true, testId: 'settings-lan-port' },
    { min: 1 },
  ),
  setting(
    'publicUrl',
    {
      kind: 'text',
      placeholder: (view) => ({ key: 'settings.publicUrlAuto', values: { url: view.effectivePublicUrl } }),
    },
    {
      section: 'network',
      label: 'settings.publicUrl',
      help: 'settings.publicUrlHelp',
      span: 24,
      testId: 'settings-public-url',
      toPatch: orNull,
    },
  ),
  setting(
    'language',
    {
      kind: 'choice',
      options: [
        { value: 'zh-CN', label: 'lang.zh' },
        { value: 'en', label: 'lang.en' },
      ],
    },
    { section: 'network', label: 'settings.language', help: 'settings.languageHelp', span: 24 },
  ),
  number('quotaNormal', {
    section: 'delivery',
    label: 'settings.quotaNormal',
    span: 12,
    testId: 'settings-quota-normal',
  }),
  number('quotaVip', { section: 'delivery', label: 'settings.quotaVip', span: 12 }),
  number('maxStreams', {
    section: 'delivery',
    label: 'settings.maxStreams',
    help: 'settings.maxStreamsHint',
    span: 12,
  }),
  number('queueMaxWaitSeconds', { section: 'delivery', label: 'settings.queueMaxWait', span: 12 }),
  rendition('renditionPhone'),
  rendition('renditionTablet'),
  rendition('renditionOther'),
  number('tapRateLimitPerMinute', { section: 'delivery', label: 'settings.tapRate', span: 12 }),
  {
    key: 'mdns',
    kind: 'switch',
    section: 'delivery',
    label: 'settings.mdns',
    span: 12,
    read: (view) => view.mdns.enabled,
    current: (view) => view.mdns.enabled,
    // TAPDROP_MDNS / --mdns pin it like any other setting: shown locked, never sent.
    source: (view) => view.mdns.source,
  },
  setting(
    'nfc',
    { kind: 'switch' },
    {
      section: 'nfcSection',
      label: 'settings.nfc',
      help: 'settings.nfcHint',
      span: 24,
      testId: 'settings-nfc',
    },
  ),
  {
    key: 'wifiSsid',
    kind: 'text',
    maxLength: 32,
    section: 'nfcSection',
    label: 'settings.wifiSsid',
    help: 'settings.wifiHint',
    span: 10,
    testId: 'settings-wifi-ssid',
    read: (view) => view.wifi.ssid ?? '',
    current: (view) => view.wifi.ssid,
    toPatch: orNull,
  },
  {
    // Never sent to the browser: an empty field keeps the stored one ("no password" is the nopass security).
    key: 'wifiPassword',
    kind: 'password',
    maxLength: 63,
    placeholder: (view) => (view.wifi.passwordSet ? { key: 'settings.wifiPasswordSet' } : null),
    section: 'nfcSection',
    label: 'settings.wifiPassword',
    span: 8,
    read: () => '',
    current: () => undefined,
    toPatch: (v) => v || undefined,
  },
  {
    key: 'wifiSecurity',
    kind: 'select',
    options: [
      { value: 'WPA', label: 'WPA/WPA2' },
      { value: 'WEP', label: 'WEP' },
      { value: 'nopass', label: '—' },
    ],
    section: 'nfcSection',
    label: 'settings.wifiSecurity',
    span: 6,
    read: (view) => view.wifi.security,
    current: (view) => view.wifi.security,
  },
  alert('retentionDays'),
  alert('alertFailedTransfers'),
  alert('alertQuotaRefusals'),
  alert('diskLowMegabytes'),
  number('uploadMaxMegabytes', { section: 'media', label: 'settings.uploadMax', span: 12 }),
  number('transcodeConcurrency', { section: 'media', label: 'settings.transcodeConcurrency', span: 12 }),
  number('uploadsPerDayStaff', { section: 'media', label: 'settings.uploadsStaff', span: 12 }),
  number('uploadsPerDayAdmin', { section: 'media', label: 'settings.uploadsAdmin', span: 12 }),
  // A chain of stores (issue 20). Left empty, a store hub is what it always was.
  setting(
    'chainRole',
    {
      kind: 'choice',
      options: [
        { value: 'store', label: 'settings.chainRoleStore' },
        { value: 'hq', label: 'settings.chainRoleHq' },
      ],
    },
    {
      section: 'chain',
      label: 'settings.chainRole',
      help: 'settings.chainRoleHelp',
      span: 24,
      testId: 'settings-chain-role',
    },
  ),
  setting(
    'chainEndpoint',
    { kind: 'text', maxLength: 255, placeholder: () => ({ key: 'settings.chainEndpointExample' }) },
    {
      section: 'chain',
      label: 'settings.chainEndpoint',
      help: 'settings.chainEndpointHelp',
      span: 16,
      testId: 'settings-chain-endpoint',
      toPatch: orNull,
    },
  ),
  setting(
    'chainRegion',
    { kind: 'text', maxLength: 63 },
    { section: 'chain', label: 'settings.chainRegion', span: 8 },
  ),
  setting(
    'chainBucket',
    { kind: 'text', maxLength: 63 },
    {
      section: 'chain',
      label: 'settings.chainBucket',
      span: 12,
      testId: 'settings-chain-bucket',
      toPatch: orNull,
    },
  ),
  setting(
    'chainPathStyle',
    { kind: 'switch' },
    { section: 'chain', label: 'settings.chainPathStyle', help: 'settings.chainPathStyleHelp', span: 12 },
  ),
  {
    // Never sent back whole: the field shows the masked id and stays empty; what is typed replaces it.
    key: 'chainAccessKey',
    kind: 'text',
    maxLength: 128,
    placeholder: (view) =>
      view.chainAccessKey.masked
        ? { key: 'settings.chainKeySet', values: { masked: view.chainAccessKey.masked } }
        : null,
    section: 'chain',
    label: 'settings.chainAccessKey',
    span: 12,
    testId: 'settings-chain-access-key',
    source: (view) => view.chainAccessKey.source,
    read: () => '',
    current: () => undefined,
    toPatch: (v) => (typeof v === 'string' ? v.trim() || undefined : undefined),
  },
  {
    // Never sent to the browser: an empty field keeps the stored one.
    key: 'chainSecretKey',
    kind: 'password',
    maxLength: 256,
    placeholder: (view) => (view.chainSecretKey.set ? { key: 'settings.wifiPasswordSet' } : null),
    section: 'chain',
    label: 'settings.chainSecretKey',
    span: 12,
    testId: 'settings-chain-secret-key',
    source: (view) => view.chainSecretKey.source,
    read: () => '',
    current: () => undefined,
    toPatch: (v) => (typeof v === 'string' ? v.trim() || undefined : undefined),
  },
  setting(
    'chainCaFile',
    { kind: 'text', maxLength: 4096 },
    {
      section: 'chain',
      label: 'settings.chainCaFile',
      help: 'settings.chainCaFileHelp',
      span: 24,
      toPatch: orNull,
    },
  ),
  setting(
    'chainStoreId',
    { kind: 'text', maxLength: 40 },
    {
      section: 'chain',
      label: 'settings.chainStoreId',
      help: 'settings.chainStoreIdHelp',
      span: 12,
      testId: 'settings-chain-store-id',
      toPatch: orNull,
    },
  ),
  number('chainPollSeconds', { section: 'chain', label: 'settings.chainPollSeconds', span: 12 }),
  number('chainDownloadMbps', {
    section: 'chain',
    label: 'settings.chainDownloadMbps',
    help: 'settings.chainDownloadMbpsHelp',
    span: 8,
    testId: 'settings-chain-download-mbps',
  }),
  number('chainGraceHours', {
    section: 'chain',
    label: 'settings.chainGraceHours',
    help: 'settings.chainGraceHoursHelp',
    span: 8,
  }),
  number('chainStaleHours', {
    section: 'chain',
    label: 'settings.chainStaleHours',
    help: 'settings.chainStaleHoursHelp',
    span: 8,
  }),
  setting(
    'douyinEnabled',
    { kind: 'switch' },
    {
      section: 'douyin',
      label: 'settings.douyinEnabled',
      help: 'settings.douyinEnabledHint',
      span: 24,
      testId: 'settings-douyin-enabled',
    },
  ),
  setting(
    'douyinClientKey',
    { kind: 'text', maxLength: 64 },
    {
      section: 'douyin',
      label: 'settings.douyinClientKey',
      span: 12,
      testId: 'settings-douyin-key',
      toPatch: orNull,
    },
  ),
  {
    // Write-only like the Wi-Fi password: the hub says whether one is set, never what it is.
    key: 'douyinClientSecret',
    kind: 'password',
    maxLength: 128,
    placeholder: (view) => (view.douyinClientSecret.set ? { key: 'settings.douyinSecretSet' } : null),
    section: 'douyin',
    label: 'settings.douyinClientSecret',
    span: 12,
    testId: 'settings-douyin-secret',
    source: (view) => view.douyinClientSecret.source,
    read: () => '',
    current: () => undefined,
    toPatch: (v) => (typeof v === 'string' ? v.trim() || undefined : undefined),
  },
  setting(
    'douyinApiBaseUrl',
    { kind: 'text', maxLength: 200 },
    {
      section: 'douyin',
      label: 'settings.douyinApiBaseUrl',
      help: 'settings.douyinApiBaseUrlHelp',
      span: 12,
      testId: 'settings-douyin-api',
      toPatch: orKeep,
    },
  ),
  setting(
    'douyinVideoBaseUrl',
    { kind: 'text', maxLength: 200, placeholder: () => ({ key: 'settings.douyinVideoBaseUrlAuto' }) },
    {
      section: 'douyin',
      label: 'settings.douyinVideoBaseUrl',
      help: 'settings.douyinVideoBaseUrlHelp',
      span: 12,
      testId: 'settings-douyin-video',
      toPatch: orNull,
    },
  ),
]

export const isPinned = (source: SettingSource | undefined): boolean => source === 'env' || source === 'flag'

/** The form's values from what the hub holds. */
export function formValues(view: SettingsView): Record<string, FormValue> {
  return Object.fromEntries(SETTINGS_FIELDS.map((f) => [f.key, f.read(view)]))
}

/** What to send: only what changed and is not pinned. */
export function settingsPatch(
  view: SettingsView,
  values: Record<string, FormValue | undefined>,
): SettingsUpdate {
  const patch: Record<string, FormValue> = {}
  for (const f of SETTINGS_FIELDS) {
    if (isPinned(f.source?.(view))) continue
    const typed = values[f.key]
    const value = f.toPatch ? f.toPatch(typed ?? null) : typed
    if (value !== undefined && value !== f.current(view)) patch[f.key] = value
  }
  return patch as SettingsUpdate
}

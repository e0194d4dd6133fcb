import { useEffect, useState } from 'react'
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Divider,
  Flex,
  Col,
  Form,
  Input,
  InputNumber,
  List,
  Radio,
  Select,
  Switch,
  Row,
  Tag,
  Typography,
} from 'antd'
import { useTranslation } from 'react-i18next'
import type { SettingsView, SettingsUpdate, SettingSource } from '../../../shared/contract/hub'
import { errorMessage } from '../api/client'
import { useSettings, useUpdateSettings } from '../api/hub'
import { PageHeader } from '../components/PageHeader'
import { CopyText } from '../components/CopyText'

const TARGETS = ['1080p', '720p', '480p'] as const
type Target = (typeof TARGETS)[number]

/** Settings shown as { value, source } and edited as plain fields. */
const VALUE_KEYS = [
  'quotaNormal',
  'quotaVip',
  'maxStreams',
  'queueMaxWaitSeconds',
  'renditionPhone',
  'renditionTablet',
  'renditionOther',
  'tapRateLimitPerMinute',
  'uploadMaxMegabytes',
  'uploadsPerDayStaff',
  'uploadsPerDayAdmin',
  'transcodeConcurrency',
  'retentionDays',
  'alertFailedTransfers',
  'alertQuotaRefusals',
  'diskLowMegabytes',
] as const

interface FormValues {
  quotaNormal: number
  quotaVip: number
  maxStreams: number
  queueMaxWaitSeconds: number
  renditionPhone: Target
  renditionTablet: Target
  renditionOther: Target
  tapRateLimitPerMinute: number
  mdns: boolean
  nfc: boolean
  wifiSsid: string
  wifiPassword: string
  wifiSecurity: 'WPA' | 'WEP' | 'nopass'
  uploadMaxMegabytes: number
  uploadsPerDayStaff: number
  uploadsPerDayAdmin: number
  transcodeConcurrency: number
  retentionDays: number
  alertFailedTransfers: number
  alertQuotaRefusals: number
  diskLowMegabytes: number
  lanHost: string
  lanPort: number
  publicUrl: string
  language: 'zh-CN' | 'en'
}

export function SettingsPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const query = useSettings()
  const update = useUpdateSettings()
  const view: SettingsView | null = query.data ?? null
  const [saving, setSaving] = useState(false)
  const [form] = Form.useForm<FormValues>()

  // The form follows what the hub holds (first load, after saving, or after another admin's change).
  useEffect(() => {
    if (view)
      form.setFieldsValue({
        ...Object.fromEntries(VALUE_KEYS.map((k) => [k, view[k].value])),
        mdns: view.mdns.enabled,
        nfc: view.nfc.value,
        wifiSsid: view.wifi.ssid ?? '',
        wifiPassword: '',
        wifiSecurity: view.wifi.security,
        lanHost: view.lanHost.value,
        lanPort: view.lanPort.value,
        publicUrl: view.publicUrl.value ?? '',
        language: view.language.value,
      })
  }, [view, form])
  useEffect(() => {
    if (query.error) message.error(errorMessage(query.error))
  }, [query.error, message])

  const lock = (source: SettingSource | undefined) =>
    source === 'env' ? (
      <Tag color="orange">{t('settings.lockedEnv')}</Tag>
    ) : source === 'flag' ? (
      <Tag color="orange">{t('settings.lockedFlag')}</Tag>
    ) : null
  const locked = (source: SettingSource | undefined) => source === 'env' || source === 'flag'

  const save = async (v: FormValues) => {
    if (!view) return
    const patch: SettingsUpdate = {}
    const values = patch as Record<string, unknown>
    for (const key of VALUE_KEYS)
      if (!locked(view[key].source) && v[key] !== undefined && v[key] !== view[key].value)
        values[key] = v[key]
    if (v.mdns !== view.mdns.enabled) patch.mdns = v.mdns
    if (!locked(view.nfc.source) && v.nfc !== view.nfc.value) patch.nfc = v.nfc
    const ssid = v.wifiSsid?.trim() || null
    if (ssid !== view.wifi.ssid) patch.wifiSsid = ssid
    // An empty password field keeps the stored one (it is never sent to the browser); "no password" is nopass.
    if (v.wifiPassword) patch.wifiPassword = v.wifiPassword
    if (v.wifiSecurity !== view.wifi.security) patch.wifiSecurity = v.wifiSecurity
    if (!locked(view.lanHost.source) && v.lanHost !== view.lanHost.value) patch.lanHost = v.lanHost
    if (!locked(view.lanPort.source) && v.lanPort !== view.lanPort.value) patch.lanPort = v.lanPort
    const url = v.publicUrl.trim() || null
    if (!locked(view.publicUrl.source) && url !== view.publicUrl.value) patch.publicUrl = url
    if (!locked(view.language.source) && v.language !== view.language.value) patch.language = v.language
    setSaving(true)
    try {
      await update.mutateAsync(patch)
      message.success(t('settings.saved'))
    } catch (err) {
      message.error(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <>
      <PageHeader title={t('settings.title')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title={t('settings.network')}>
            <Typography.Paragraph type="secondary">{t('settings.networkHelp')}</Typography.Paragraph>
            <Form<FormValues> form={form} layout="vertical" onFinish={save} disabled={!view}>
              <Row gutter={16}>
                <Col span={14}>
                  <Form.Item
                    name="lanHost"
                    label={
                      <>
                        {t('settings.lanHost')} {lock(view?.lanHost.source)}
                      </>
                    }
                    extra={t('settings.lanHostHelp')}
                    rules={[{ required: true }]}
                  >
                    <Input disabled={locked(view?.lanHost.source)} data-testid="settings-lan-host" />
                  </Form.Item>
                </Col>
                <Col span={10}>
                  <Form.Item
                    name="lanPort"
                    label={
                      <>
                        {t('settings.lanPort')} {lock(view?.lanPort.source)}
                      </>
                    }
                    rules={[{ required: true }]}
                  >
                    <InputNumber
                      min={1}
                      max={65535}
                      style={{ width: '100%' }}
                      disabled={locked(view?.lanPort.source)}
                      data-testid="settings-lan-port"
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item
                name="publicUrl"
                label={
                  <>
                    {t('settings.publicUrl')} {lock(view?.publicUrl.source)}
                  </>
                }
                extra={t('settings.publicUrlHelp')}
              >
                <Input
                  placeholder={view ? t('settings.publicUrlAuto', { url: view.effectivePublicUrl }) : ''}
                  disabled={locked(view?.publicUrl.source)}
                  data-testid="settings-public-url"
                />
              </Form.Item>
              <Form.Item
                name="language"
                label={
                  <>
                    {t('settings.language')} {lock(view?.language.source)}
                  </>
                }
                extra={t('settings.languageHelp')}
              >
                <Radio.Group disabled={locked(view?.language.source)}>
                  <Radio.Button value="zh-CN">{t('lang.zh')}</Radio.Button>
                  <Radio.Button value="en">{t('lang.en')}</Radio.Button>
                </Radio.Group>
              </Form.Item>
              <Divider titlePlacement="start">{t('settings.delivery')}</Divider>
              <Row gutter={16}>
                <Col span={12}>
                  <Form.Item
                    name="quotaNormal"
                    label={
                      <>
                        {t('settings.quotaNormal')} {lock(view?.quotaNormal.source)}
                      </>
                    }
                  >
                    <InputNumber
                      min={0}
                      max={100000}
                      style={{ width: '100%' }}
                      disabled={locked(view?.quotaNormal.source)}
                      data-testid="settings-quota-normal"
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="quotaVip"
                    label={
                      <>
                        {t('settings.quotaVip')} {lock(view?.quotaVip.source)}
                      </>
                    }
                  >
                    <InputNumber
                      min={0}
                      max={100000}
                      style={{ width: '100%' }}
                      disabled={locked(view?.quotaVip.source)}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="maxStreams"
                    label={
                      <>
                        {t('settings.maxStreams')} {lock(view?.maxStreams.source)}
                      </>
                    }
                    extra={t('settings.maxStreamsHint')}
                  >
                    <InputNumber
                      min={1}
                      max={1000}
                      style={{ width: '100%' }}
                      disabled={locked(view?.maxStreams.source)}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="queueMaxWaitSeconds"
                    label={
                      <>
                        {t('settings.queueMaxWait')} {lock(view?.queueMaxWaitSeconds.source)}
                      </>
                    }
                  >
                    <InputNumber
                      min={10}
                      max={3600}
                      style={{ width: '100%' }}
                      disabled={locked(view?.queueMaxWaitSeconds.source)}
                    />
                  </Form.Item>
                </Col>
                {(['renditionPhone', 'renditionTablet', 'renditionOther'] as const).map((k) => (
                  <Col span={8} key={k}>
                    <Form.Item
                      name={k}
                      label={
                        <>
                          {t(`settings.${k}`)} {lock(view?.[k].source)}
                        </>
                      }
                    >
                      <Select
                        options={TARGETS.map((x) => ({ value: x, label: x }))}
                        disabled={locked(view?.[k].source)}
                      />
                    </Form.Item>
                  </Col>
                ))}
                <Col span={12}>
                  <Form.Item
                    name="tapRateLimitPerMinute"
                    label={
                      <>
                        {t('settings.tapRate')} {lock(view?.tapRateLimitPerMinute.source)}
                      </>
                    }
                  >
                    <InputNumber
                      min={0}
                      max={100000}
                      style={{ width: '100%' }}
                      disabled={locked(view?.tapRateLimitPerMinute.source)}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="mdns" label={t('settings.mdns')} valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
              </Row>
              <Divider titlePlacement="start">{t('settings.nfcSection')}</Divider>
              <Row gutter={16}>
                <Col span={24}>
                  <Form.Item
                    name="nfc"
                    label={
                      <>
                        {t('settings.nfc')} {lock(view?.nfc.source)}
                      </>
                    }
                    valuePropName="checked"
                    extra={t('settings.nfcHint')}
                  >
                    <Switch disabled={locked(view?.nfc.source)} data-testid="settings-nfc" />
                  </Form.Item>
                </Col>
                <Col span={10}>
                  <Form.Item name="wifiSsid" label={t('settings.wifiSsid')} extra={t('settings.wifiHint')}>
                    <Input maxLength={32} data-testid="settings-wifi-ssid" />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item name="wifiPassword" label={t('settings.wifiPassword')}>
                    <Input.Password
                      maxLength={63}
                      autoComplete="new-password"
                      placeholder={view?.wifi.passwordSet ? t('settings.wifiPasswordSet') : ''}
                    />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name="wifiSecurity" label={t('settings.wifiSecurity')}>
                    <Select
                      options={[
                        { value: 'WPA', label: 'WPA/WPA2' },
                        { value: 'WEP', label: 'WEP' },
                        { value: 'nopass', label: '—' },
                      ]}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Divider titlePlacement="start">{t('settings.monitoring')}</Divider>
              <Row gutter={16}>
                {(
                  [
                    ['retentionDays', 7, 3650],
                    ['alertFailedTransfers', 0, 100000],
                    ['alertQuotaRefusals', 0, 100000],
                    ['diskLowMegabytes', 0, 1048576],
                  ] as const
                ).map(([key, min, max]) => (
                  <Col span={12} key={key}>
                    <Form.Item
                      name={key}
                      label={
                        <>
                          {t(`settings.${key}`)} {lock(view?.[key].source)}
                        </>
                      }
                      extra={t(`settings.${key}Hint`)}
                    >
                      <InputNumber
                        min={min}
                        max={max}
                        style={{ width: '100%' }}
                        disabled={locked(view?.[key].source)}
                        data-testid={`settings-${key}`}
                      />
                    </Form.Item>
                  </Col>
                ))}
              </Row>
              <Divider titlePlacement="start">{t('settings.media')}</Divider>
              <Row gutter={16}>
                <Col span={12}>
                  <Form.Item
                    name="uploadMaxMegabytes"
                    label={
                      <>
                        {t('settings.uploadMax')} {lock(view?.uploadMaxMegabytes.source)}
                      </>
                    }
                  >
                    <InputNumber
                      min={1}
                      max={65536}
                      style={{ width: '100%' }}
                      disabled={locked(view?.uploadMaxMegabytes.source)}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="transcodeConcurrency"
                    label={
                      <>
                        {t('settings.transcodeConcurrency')} {lock(view?.transcodeConcurrency.source)}
                      </>
                    }
                  >
                    <InputNumber
                      min={1}
                      max={16}
                      style={{ width: '100%' }}
                      disabled={locked(view?.transcodeConcurrency.source)}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="uploadsPerDayStaff"
                    label={
                      <>
                        {t('settings.uploadsStaff')} {lock(view?.uploadsPerDayStaff.source)}
                      </>
                    }
                  >
                    <InputNumber
                      min={0}
                      max={100000}
                      style={{ width: '100%' }}
                      disabled={locked(view?.uploadsPerDayStaff.source)}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item
                    name="uploadsPerDayAdmin"
                    label={
                      <>
                        {t('settings.uploadsAdmin')} {lock(view?.uploadsPerDayAdmin.source)}
                      </>
                    }
                  >
                    <InputNumber
                      min={0}
                      max={100000}
                      style={{ width: '100%' }}
                      disabled={locked(view?.uploadsPerDayAdmin.source)}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Button type="primary" htmlType="submit" loading={saving} data-testid="settings-save">
                {t('common.save')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('settings.addresses')}>
            {view && (
              <>
                <div style={{ marginBottom: 16 }}>
                  <Typography.Text type="secondary">{t('settings.effective')}</Typography.Text>
                  <div>
                    <CopyText text={view.effectivePublicUrl} testId="effective-public-url" />
                  </div>
                </div>
                {view.lanListening ? (
                  <Alert
                    type="success"
                    showIcon
                    title={`${t('settings.listening')} ${view.lanListening}`}
                    style={{ marginBottom: 16 }}
                  />
                ) : (
                  <Alert
                    type="error"
                    showIcon
                    title={t('settings.notListening')}
                    style={{ marginBottom: 16 }}
                  />
                )}
                {view.lanAddresses.length === 0 ? (
                  <Alert type="warning" showIcon title={t('settings.noAddresses')} />
                ) : (
                  <List
                    size="small"
                    bordered
                    dataSource={view.lanAddresses}
                    renderItem={(a) => (
                      <List.Item>
                        <Typography.Text code>{a.address}</Typography.Text>
                        <Typography.Text type="secondary">
                          {a.interface} · {a.family}
                        </Typography.Text>
                      </List.Item>
                    )}
                  />
                )}
                <div style={{ marginTop: 16 }}>
                  <Typography.Text type="secondary">{t('settings.adminUrl')}</Typography.Text>
                  <div>
                    <CopyText text={view.adminUrl} />
                  </div>
                </div>
              </>
            )}
          </Card>
          <Card title={t('settings.https')} style={{ marginTop: 16 }}>
            {view && (
              <Flex vertical gap={12}>
                {view.tls ? (
                  <Alert
                    type="success"
                    showIcon
                    title={t('settings.httpsOn', {
                      subject: view.tls.subject.replace(/\n/g, ', '),
                      until: view.tls.validTo.slice(0, 10),
                    })}
                  />
                ) : (
                  <Alert type="info" showIcon title={t('settings.httpsOff')} />
                )}
                <Typography.Text>
                  {t('settings.mdns')}:{' '}
                  {view.mdns.announced ? (
                    <Tag color="green">{t('settings.mdnsOn')}</Tag>
                  ) : (
                    <Tag>{t('settings.mdnsOff')}</Tag>
                  )}
                </Typography.Text>
                {view.tagBaseUrls.length > 0 && (
                  <div>
                    <Typography.Text type="secondary">{t('settings.tagUrls')}</Typography.Text>
                    <List
                      size="small"
                      dataSource={view.tagBaseUrls}
                      data-testid="tag-base-urls"
                      renderItem={(b) => (
                        <List.Item>
                          <Typography.Text code>{b.baseUrl}</Typography.Text>
                          <span>
                            {b.tags} ×{' '}
                            {b.reachable ? (
                              <Tag color="green">{t('settings.reachable')}</Tag>
                            ) : (
                              <Tag color="red">{t('settings.unreachable')}</Tag>
                            )}
                          </span>
                        </List.Item>
                      )}
                    />
                  </div>
                )}
              </Flex>
            )}
          </Card>
          <Card title={t('settings.media')} style={{ marginTop: 16 }} data-testid="media-tools">
            {view && (
              <Descriptions column={1} size="small">
                {(['ffmpeg', 'ffprobe'] as const).map((tool) => {
                  const b = view.media[tool]
                  return (
                    <Descriptions.Item key={tool} label={t(`settings.${tool}`)}>
                      {b ? (
                        <Flex vertical>
                          <Typography.Text code style={{ fontSize: 12 }}>
                            {b.path}
                          </Typography.Text>
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {t(`settings.source.${b.source}`)} ·{' '}
                            {b.version?.replace(/ Copyright.*$/, '') ?? '?'}
                          </Typography.Text>
                        </Flex>
                      ) : (
                        <Tag color="red">{t('settings.missing')}</Tag>
                      )}
                    </Descriptions.Item>
                  )
                })}
                <Descriptions.Item label={t('settings.ladder')}>
                  <Typography.Text code>{view.media.ladder}</Typography.Text>
                </Descriptions.Item>
              </Descriptions>
            )}
          </Card>
        </Col>
      </Row>
    </>
  )
}

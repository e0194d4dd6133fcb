import { useEffect, useMemo, useState } from 'react'
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  ColorPicker,
  Divider,
  Flex,
  Form,
  Input,
  Row,
  Segmented,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
  Upload,
} from 'antd'
import { LockOutlined, UploadOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { BrandField, BrandPatch, BrandView } from '../../../shared/contract/brand'
import { errorMessage } from '../api/client'
import {
  BrandImportError,
  useBrandList,
  useBrandPreview,
  useBrandView,
  useImportBrand,
  useResetBrand,
  useSelectBrand,
  useUpdateBrand,
} from '../api/brand'
import { useDebounced } from '../useDebounced'
import { PageHeader } from '../components/PageHeader'

type FormValues = Required<Pick<BrandPatch, 'productName' | 'shortName' | 'phone' | 'support'>> & {
  colors: { primary: string; accent: string }
}

function toForm(b: BrandView): FormValues {
  return {
    productName: b.productName,
    shortName: b.shortName,
    colors: b.colors,
    phone: { ...b.phone, contact: b.phone.contact ?? { 'zh-CN': '', en: '' } },
    // Every field named, so switching profiles clears what the previous one had.
    support: { name: '', phone: '', email: '', url: '', ...b.support },
  }
}

/** Only what the profile leaves open, empty optional texts left out (the hub refuses empty ones). */
function toPatch(v: FormValues, locked: BrandField[]): BrandPatch {
  const contact = v.phone.contact
  const phone = {
    title: v.phone.title,
    welcome: v.phone.welcome,
    footer: v.phone.footer,
    ...(contact?.['zh-CN']?.trim() && contact.en?.trim() ? { contact } : {}),
  }
  const support = Object.fromEntries(
    Object.entries(v.support ?? {}).filter(([, x]) => typeof x === 'string' && x.trim()),
  )
  const all: BrandPatch = {
    productName: v.productName,
    shortName: v.shortName,
    colors: v.colors,
    phone,
    support,
  }
  for (const f of locked) delete all[f]
  return all
}

const hex = (c: unknown): string =>
  typeof c === 'string' ? c : ((c as { toHexString?: () => string })?.toHexString?.() ?? '#000000')

/** Branding (贴牌): the profile in effect, the store's allowed edits, and the phone page as it will look. */
export function BrandPage() {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const brand = useBrandView()
  const list = useBrandList()
  const update = useUpdateBrand()
  const resetBrand = useResetBrand()
  const selectBrand = useSelectBrand()
  const importBrand = useImportBrand()
  const [form] = Form.useForm<FormValues>()
  const values = Form.useWatch([], form) as FormValues | undefined
  // The preview speaks the console's language until someone picks the other one.
  const [picked, setLang] = useState<'zh-CN' | 'en' | null>(null)
  const lang = picked ?? (i18n.language === 'en' ? 'en' : 'zh-CN')
  const [saving, setSaving] = useState(false)
  const b = brand.data
  const locked = useMemo(() => new Set(b?.locked ?? []), [b])

  useEffect(() => {
    if (!b) return
    form.resetFields()
    form.setFieldsValue(toForm(b))
  }, [b, form])

  // The preview follows every keystroke (a quarter second later), rendered by the hub's own phone-page code.
  const edited = useMemo(
    () =>
      b && values?.productName
        ? toPatch(
            { ...values, colors: { primary: hex(values.colors?.primary), accent: hex(values.colors?.accent) } },
            b.locked,
          )
        : null,
    [values, b],
  )
  const preview = useBrandPreview(useDebounced(edited, 250), lang)
  const error = preview.error ? errorMessage(preview.error) : null
  const html = preview.html
  const save = async () => {
    if (!b) return
    setSaving(true)
    try {
      const v = await form.validateFields()
      await update.mutateAsync(
        toPatch({ ...v, colors: { primary: hex(v.colors.primary), accent: hex(v.colors.accent) } }, b.locked),
      )
      message.success(t('brand.saved'))
    } catch (err) {
      if (!(err as { errorFields?: unknown }).errorFields) message.error(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }
  const reset = async () => {
    await resetBrand.mutateAsync({})
    message.success(t('brand.resetDone'))
  }
  const select = async (id: string) => {
    try {
      await selectBrand.mutateAsync({ id })
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  const importArchive = async (file: File) => {
    try {
      const imported = await importBrand.mutateAsync(file)
      message.success(t('brand.importedOk', { name: imported.productName[lang] }))
    } catch (err) {
      message.error(
        err instanceof BrandImportError && err.reasons.length
          ? `${t('brand.importRefused')} ${err.reasons.join('；')}`
          : errorMessage(err),
        8,
      )
    }
  }

  const lock = (f: BrandField) =>
    locked.has(f) ? (
      <Tooltip title={t('brand.lockedHint')}>
        <LockOutlined style={{ color: '#8c8c8c', marginInlineStart: 6 }} data-testid={`locked-${f}`} />
      </Tooltip>
    ) : null
  /** A text in both languages, side by side: the product name and each phone-page text. */
  const textPair = (path: string[], field: BrandField, label: string, max: number, required = true) => (
    <Row gutter={12} key={path.join('.')}>
      {(['zh-CN', 'en'] as const).map((l) => (
        <Col span={12} key={l}>
          <Form.Item
            name={[...path, l]}
            label={
              <>
                {label} · {l === 'en' ? 'English' : '中文'}
                {lock(field)}
              </>
            }
            rules={[{ required, max }]}
          >
            <Input
              disabled={locked.has(field)}
              maxLength={max}
              data-testid={`brand-${path.join('-')}-${l}`}
            />
          </Form.Item>
        </Col>
      ))}
    </Row>
  )
  const phoneText = (k: 'title' | 'welcome' | 'footer' | 'contact', max: number, required = true) =>
    textPair(['phone', k], 'phone', t(`brand.phone.${k}`), max, required)

  return (
    <>
      <PageHeader
        title={t('brand.title')}
        subtitle={t('brand.subtitle')}
        extra={
          <Space>
            <Typography.Text type="secondary">{t('brand.profile')}</Typography.Text>
            <Select
              style={{ width: 220 }}
              value={b?.id}
              onChange={(id) => void select(id)}
              options={(list.data ?? []).map((p) => ({
                value: p.id,
                label: `${p.productName} (${p.id})`,
              }))}
              data-testid="brand-profile"
            />
            <Upload
              accept=".zip,application/zip"
              showUploadList={false}
              beforeUpload={(file) => {
                void importArchive(file)
                return false
              }}
            >
              <Button icon={<UploadOutlined />} data-testid="brand-import">
                {t('brand.import')}
              </Button>
            </Upload>
          </Space>
        }
      />
      {b && b.locked.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('brand.lockedAlert', { fields: b.locked.map((f) => t(`brand.field.${f}`)).join('、') })}
        />
      )}
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card>
            <Form form={form} layout="vertical" requiredMark={false} data-testid="brand-form">
              {textPair(['productName'], 'productName', t('brand.label.productName'), 40)}
              <Row gutter={12}>
                <Col span={8}>
                  <Form.Item
                    name="shortName"
                    label={
                      <>
                        {t('brand.label.shortName')}
                        {lock('shortName')}
                      </>
                    }
                    rules={[{ required: true, max: 20 }]}
                  >
                    <Input disabled={locked.has('shortName')} maxLength={20} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item
                    name={['colors', 'primary']}
                    label={
                      <>
                        {t('brand.primary')}
                        {lock('colors')}
                      </>
                    }
                    getValueFromEvent={hex}
                  >
                    <ColorPicker disabled={locked.has('colors')} showText disabledAlpha format="hex" />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item
                    name={['colors', 'accent']}
                    label={
                      <>
                        {t('brand.accent')}
                        {lock('colors')}
                      </>
                    }
                    getValueFromEvent={hex}
                  >
                    <ColorPicker disabled={locked.has('colors')} showText disabledAlpha format="hex" />
                  </Form.Item>
                </Col>
              </Row>
              <Divider titlePlacement="start">{t('brand.phoneTexts')}</Divider>
              {phoneText('title', 60)}
              {phoneText('welcome', 120)}
              {phoneText('footer', 120)}
              {phoneText('contact', 120, false)}
              <Divider titlePlacement="start">{t('brand.support')}</Divider>
              <Row gutter={12}>
                <Col span={8}>
                  <Form.Item
                    name={['support', 'phone']}
                    label={
                      <>
                        {t('brand.supportPhone')}
                        {lock('support')}
                      </>
                    }
                  >
                    <Input disabled={locked.has('support')} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item
                    name={['support', 'email']}
                    label={
                      <>
                        {t('brand.supportEmail')}
                        {lock('support')}
                      </>
                    }
                  >
                    <Input disabled={locked.has('support')} />
                  </Form.Item>
                </Col>
                <Col span={8}>
                  <Form.Item
                    name={['support', 'url']}
                    label={
                      <>
                        {t('brand.supportUrl')}
                        {lock('support')}
                      </>
                    }
                  >
                    <Input disabled={locked.has('support')} />
                  </Form.Item>
                </Col>
              </Row>
              <Flex gap={8}>
                <Button type="primary" loading={saving} onClick={() => void save()} data-testid="brand-save">
                  {t('common.save')}
                </Button>
                <Button onClick={() => void reset()} data-testid="brand-reset">
                  {t('brand.reset')}
                </Button>
              </Flex>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card
            title={
              <Flex align="center" gap={8}>
                {t('brand.preview')}
                {b?.builtin === false && <Tag>{t('brand.imported')}</Tag>}
              </Flex>
            }
            extra={
              <Segmented
                size="small"
                value={lang}
                onChange={(v) => setLang(v as 'zh-CN' | 'en')}
                options={[
                  { value: 'zh-CN', label: '中文' },
                  { value: 'en', label: 'English' },
                ]}
              />
            }
          >
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
            <Flex justify="center">
              <iframe
                title={t('brand.preview')}
                srcDoc={html}
                sandbox=""
                data-testid="brand-preview"
                style={{
                  width: 375,
                  height: 640,
                  border: '8px solid #1f2328',
                  borderRadius: 28,
                  background: '#fff',
                }}
              />
            </Flex>
          </Card>
        </Col>
      </Row>
    </>
  )
}

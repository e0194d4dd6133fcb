import { useEffect, useMemo, useState } from 'react'
import { Alert, App, Button, Col, Form, Row, Select, Space, Typography, Upload } from 'antd'
import { UploadOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Language } from '../../../../shared/languages'
import { errorMessage } from '../../api/client'
import { BrandImportError, useBrandList, useBrandView, useImportBrand, useSelectBrand } from '../../api/brand'
import { PageHeader } from '../../components/PageHeader'
import { BrandForm } from './BrandForm'
import { BrandPreviewCard } from './BrandPreviewCard'
import { toForm, toPatch, type BrandFormValues } from './patch'
import { languageOf } from '../../i18n'

/** Branding (贴牌): the profile in effect, the store's allowed edits, and the phone page as it will look. */
export function BrandPage() {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const brand = useBrandView()
  const list = useBrandList()
  const selectBrand = useSelectBrand()
  const importBrand = useImportBrand()
  const [form] = Form.useForm<BrandFormValues>()
  const values = Form.useWatch([], form) as BrandFormValues | undefined
  // The preview speaks the console's language until someone picks the other one.
  const [picked, setLang] = useState<Language | null>(null)
  const lang = picked ?? languageOf(i18n.language)
  const b = brand.data

  useEffect(() => {
    if (!b) return
    form.resetFields()
    form.setFieldsValue(toForm(b))
  }, [b, form])

  const edited = useMemo(() => (b && values?.productName ? toPatch(values, b.locked) : null), [values, b])

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
          ? t('brand.importRefused', {
              reasons: err.reasons.join(languageOf(i18n.language) === 'en' ? '; ' : '；'),
            })
          : errorMessage(err),
        8,
      )
    }
  }

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
          <BrandForm form={form} brand={b} />
        </Col>
        <Col xs={24} xl={10}>
          <BrandPreviewCard edited={edited} imported={b?.builtin === false} lang={lang} onLang={setLang} />
        </Col>
      </Row>
    </>
  )
}

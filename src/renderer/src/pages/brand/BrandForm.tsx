import { useMemo, type ReactNode } from 'react'
import {
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
  Tooltip,
  type FormInstance,
} from 'antd'
import { LockOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { BrandField, BrandView } from '../../../../shared/contract/brand'
import { errorMessage } from '../../api/client'
import { useResetBrand, useUpdateBrand } from '../../api/brand'
import { BRAND_FIELDS, BRAND_SECTIONS, SECTION_TITLE, type BrandFormField } from './fields'
import { hex, toPatch, type BrandFormValues } from './patch'

const LANGUAGE_NAME = { 'zh-CN': '中文', en: 'English' } as const

/** The store's edits to the brand, rendered from the field table; what the profile locks is shown and kept. */
export function BrandForm({
  form,
  brand,
}: {
  form: FormInstance<BrandFormValues>
  brand: BrandView | undefined
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const update = useUpdateBrand()
  const reset = useResetBrand()
  const locked = useMemo(() => new Set(brand?.locked ?? []), [brand])

  const save = async () => {
    if (!brand) return
    try {
      const v = await form.validateFields()
      await update.mutateAsync(toPatch(v, brand.locked))
      message.success(t('brand.saved'))
    } catch (err) {
      if (!(err as { errorFields?: unknown }).errorFields) message.error(errorMessage(err))
    }
  }
  const restore = async () => {
    await reset.mutateAsync({})
    message.success(t('brand.resetDone'))
  }

  const lock = (f: BrandField) =>
    locked.has(f) ? (
      <Tooltip title={t('brand.lockedHint')}>
        <LockOutlined style={{ color: '#8c8c8c', marginInlineStart: 6 }} data-testid={`locked-${f}`} />
      </Tooltip>
    ) : null

  /** One cell of a row: a field, or one language of a bilingual field. */
  const cell = (f: BrandFormField, lang?: 'zh-CN' | 'en'): ReactNode => {
    const disabled = locked.has(f.lock)
    const name = lang ? [...f.path, lang] : f.path
    const label = (
      <>
        {t(f.label)}
        {lang ? ` · ${LANGUAGE_NAME[lang]}` : ''}
        {lock(f.lock)}
      </>
    )
    if (f.kind === 'color')
      return (
        <Form.Item name={name} label={label} getValueFromEvent={hex}>
          <ColorPicker disabled={disabled} showText disabledAlpha format="hex" />
        </Form.Item>
      )
    return (
      <Form.Item
        name={name}
        label={label}
        rules={f.required || f.max ? [{ required: f.required, max: f.max }] : undefined}
      >
        <Input
          disabled={disabled}
          maxLength={f.max}
          data-testid={f.testIds ? `brand-${name.join('-')}` : undefined}
        />
      </Form.Item>
    )
  }

  /** A bilingual field is a row of its own; the fields between them share one. */
  const rows = (fields: BrandFormField[]): BrandFormField[][] => {
    const out: BrandFormField[][] = []
    for (const f of fields) {
      const last = out.at(-1)
      if (f.kind !== 'bilingual' && last && last[0]!.kind !== 'bilingual') last.push(f)
      else out.push([f])
    }
    return out
  }

  return (
    <Card>
      <Form form={form} layout="vertical" requiredMark={false} data-testid="brand-form">
        {BRAND_SECTIONS.map((section) => [
          SECTION_TITLE[section] && (
            <Divider key={`${section}-title`} titlePlacement="start">
              {t(SECTION_TITLE[section])}
            </Divider>
          ),
          ...rows(BRAND_FIELDS.filter((f) => f.section === section)).map((row) => (
            <Row gutter={12} key={row[0]!.path.join('.')}>
              {row[0]!.kind === 'bilingual'
                ? (['zh-CN', 'en'] as const).map((l) => (
                    <Col span={12} key={l}>
                      {cell(row[0]!, l)}
                    </Col>
                  ))
                : row.map((f) => (
                    <Col span={f.span} key={f.path.join('.')}>
                      {cell(f)}
                    </Col>
                  ))}
            </Row>
          )),
        ])}
        <Flex gap={8}>
          <Button
            type="primary"
            loading={update.isPending}
            onClick={() => void save()}
            data-testid="brand-save"
          >
            {t('common.save')}
          </Button>
          <Button onClick={() => void restore()} data-testid="brand-reset">
            {t('brand.reset')}
          </Button>
        </Flex>
      </Form>
    </Card>
  )
}

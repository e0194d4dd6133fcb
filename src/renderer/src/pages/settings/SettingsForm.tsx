import { Fragment, useEffect } from 'react'
import {
  App,
  Button,
  Card,
  Col,
  Divider,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Switch,
  Tag,
  Typography,
} from 'antd'
import { useTranslation } from 'react-i18next'
import type { SettingSource, SettingsView } from '../../../../shared/contract/hub'
import { errorMessage, refusedFields } from '../../api/client'
import { useUpdateSettings } from '../../api/hub'
import {
  SECTIONS,
  SETTINGS_FIELDS,
  formValues,
  isPinned,
  settingsPatch,
  type FormValue,
  type SettingField,
  type Text,
} from './fields'

/** Why a field cannot be changed here, beside its label. */
function PinnedTag({ source }: { source: SettingSource | undefined }) {
  const { t } = useTranslation()
  if (source === 'env') return <Tag color="orange">{t('settings.lockedEnv')}</Tag>
  if (source === 'flag') return <Tag color="orange">{t('settings.lockedFlag')}</Tag>
  return null
}

/**
 * One field of the table, as its kind says. Form.Item hands its child the value and change handler (and `checked`
 * for switches): passed on as they come.
 */
function Control({
  field,
  view,
  disabled,
  ...bound
}: {
  field: SettingField
  view: SettingsView | null
  disabled: boolean
}) {
  const { t } = useTranslation()
  const text = (x: Text | undefined) => (x ? t(x.key, x.values) : '')
  const props = { ...bound, disabled, ...(field.testId ? { 'data-testid': field.testId } : {}) }
  switch (field.kind) {
    case 'number':
      // No min/max here: the control would quietly clamp what was typed (a quota of -1 saved as 0, "unlimited");
      // the field's rule says what is allowed instead.
      return <InputNumber style={{ width: '100%' }} {...props} />
    case 'text':
      return (
        <Input
          maxLength={field.maxLength}
          placeholder={view && field.placeholder ? text(field.placeholder(view)) : undefined}
          {...props}
        />
      )
    case 'password':
      return (
        <Input.Password
          maxLength={field.maxLength}
          autoComplete="new-password"
          placeholder={view ? text(field.placeholder(view)) : ''}
          {...props}
        />
      )
    case 'select':
      return <Select options={[...field.options]} {...props} />
    case 'choice':
      return (
        <Radio.Group {...props}>
          {field.options.map((o) => (
            <Radio.Button key={o.value} value={o.value}>
              {t(o.label)}
            </Radio.Button>
          ))}
        </Radio.Group>
      )
    case 'switch':
      return <Switch {...props} />
  }
}

/** The editable settings, rendered from the field table; saves only what changed and is not pinned. */
export function SettingsForm({ view }: { view: SettingsView | null }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const update = useUpdateSettings()
  const [form] = Form.useForm<Record<string, FormValue>>()

  // The form follows what the hub holds (first load, after saving, or after another admin's change).
  useEffect(() => {
    if (view) form.setFieldsValue(formValues(view))
  }, [view, form])

  const save = async (values: Record<string, FormValue>) => {
    if (!view) return
    try {
      await update.mutateAsync(settingsPatch(view, values))
      message.success(t('settings.saved'))
    } catch (err) {
      // Each refused field says why under itself, and the message names it as the form does.
      const field = (key: string) => SETTINGS_FIELDS.find((f) => f.key === key)
      form.setFields(
        refusedFields(err)
          .filter((r) => field(r.path))
          .map((r) => ({ name: r.path, errors: [r.text] })),
      )
      message.error(errorMessage(err, (path) => (field(path) ? t(field(path)!.label) : null)))
    }
  }

  return (
    <Card title={t('settings.network')}>
      <Typography.Paragraph type="secondary">{t('settings.networkHelp')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={save} disabled={!view}>
        {SECTIONS.map((section) => (
          <Fragment key={section}>
            {section !== 'network' && <Divider titlePlacement="start">{t(`settings.${section}`)}</Divider>}
            <Row gutter={16}>
              {SETTINGS_FIELDS.filter((f) => f.section === section).map((f) => {
                const source = view ? f.source?.(view) : undefined
                return (
                  <Col span={f.span} key={f.key}>
                    <Form.Item
                      name={f.key}
                      label={
                        f.source ? (
                          <>
                            {t(f.label)} <PinnedTag source={source} />
                          </>
                        ) : (
                          t(f.label)
                        )
                      }
                      extra={f.help ? t(f.help) : undefined}
                      valuePropName={f.kind === 'switch' ? 'checked' : undefined}
                      rules={[
                        ...(f.required ? [{ required: true }] : []),
                        ...(f.kind === 'number'
                          ? [
                              {
                                // What the hub holds passes as it is (a test hub's port 0); what is typed must be
                                // in the field's range.
                                validator: (_rule: unknown, v: unknown) =>
                                  v === null ||
                                  v === undefined ||
                                  (view && v === formValues(view)[f.key]) ||
                                  (Number.isInteger(v) && (v as number) >= f.min && (v as number) <= f.max)
                                    ? Promise.resolve()
                                    : Promise.reject(
                                        new Error(t('common.between', { min: f.min, max: f.max })),
                                      ),
                              },
                            ]
                          : []),
                      ]}
                    >
                      <Control field={f} view={view} disabled={isPinned(source)} />
                    </Form.Item>
                  </Col>
                )
              })}
            </Row>
          </Fragment>
        ))}
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="settings-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  )
}

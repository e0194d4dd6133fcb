import { useEffect } from 'react'
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Platform } from '../../../../shared/contract/publish'
import { errorMessage } from '../../api/client'
import { usePublishSettings, useUpdatePublishSettings } from '../../api/captions'
import { LIMIT_COLUMNS, PLATFORM_ROWS, limitsPatch, type PublishingForm } from './publishing-fields'

/** The store's name for {门店} and each platform's caption limits (the editor warns against them). */
export function PublishingCard() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const query = usePublishSettings()
  const update = useUpdatePublishSettings()
  const [form] = Form.useForm<PublishingForm>()
  const view = query.data

  useEffect(() => {
    if (view) form.setFieldsValue({ storeName: view.storeName ?? '', limits: view.limits })
  }, [view, form])

  const save = async (v: PublishingForm) => {
    if (!view) return
    try {
      await update.mutateAsync({
        ...(v.storeName.trim() !== (view.storeName ?? '') ? { storeName: v.storeName.trim() || null } : {}),
        limits: limitsPatch(view.limits, v.limits),
      })
      message.success(t('publish.saved'))
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  return (
    <Card title={t('publish.title')} style={{ marginTop: 16 }} data-testid="publishing-card">
      <Typography.Paragraph type="secondary">{t('publish.help')}</Typography.Paragraph>
      {view?.captionsWaitForName && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('publish.captionsWaitForName')}
          data-testid="publish-name-needed"
        />
      )}
      <Form form={form} layout="vertical" onFinish={save} disabled={!view}>
        <Form.Item name="storeName" label={t('publish.storeName')} extra={t('publish.storeNameHelp')}>
          <Input maxLength={40} data-testid="publish-store-name" />
        </Form.Item>
        <Table<Platform>
          rowKey={(p) => p}
          size="small"
          pagination={false}
          dataSource={[...PLATFORM_ROWS]}
          style={{ marginBottom: 16 }}
          columns={[
            {
              title: t('publish.platform'),
              key: 'platform',
              render: (_v, p) => t(`label.platform.${p}`),
            },
            ...LIMIT_COLUMNS.map((c) => ({
              title: c.kind === 'number' ? `${t(c.label)} (${t('publish.noLimit')})` : t(c.label),
              key: c.key,
              render: (_v: unknown, p: Platform) => (
                <Form.Item
                  name={['limits', p, c.key]}
                  style={{ margin: 0 }}
                  rules={
                    c.kind === 'number'
                      ? [
                          {
                            // A rule, not the input's min/max: those turned a typed -5 into 0 (no limit) on blur
                            // and saved it without a word.
                            validator: (_r: unknown, v: unknown) =>
                              Number.isInteger(v) && (v as number) >= c.min && (v as number) <= c.max
                                ? Promise.resolve()
                                : Promise.reject(new Error(t('common.between', { min: c.min, max: c.max }))),
                          },
                        ]
                      : [{ required: true }]
                  }
                >
                  {c.kind === 'number' ? (
                    <InputNumber style={{ width: 110 }} data-testid={`limit-${p}-${c.key}`} />
                  ) : (
                    <Select
                      style={{ width: 130 }}
                      options={c.options.map((o) => ({ value: o, label: t(`publish.form.${o}`) }))}
                      data-testid={`limit-${p}-${c.key}`}
                    />
                  )}
                </Form.Item>
              ),
            })),
          ]}
        />
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="publish-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  )
}

import { App, Button, Card, Form, Input } from 'antd'
import { useTranslation } from 'react-i18next'
import { errorMessage } from '../api/client'
import { useChangePassword } from '../api/auth'
import { PageHeader } from '../components/PageHeader'

export function AccountPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; repeat: string }>()
  const change = useChangePassword()
  return (
    <>
      <PageHeader title={t('account.title')} />
      <Card style={{ maxWidth: 480 }}>
        <Form
          form={form}
          layout="vertical"
          onFinish={async (v) => {
            try {
              await change.mutateAsync({
                currentPassword: v.currentPassword,
                newPassword: v.newPassword,
              })
              message.success(t('account.changed'))
              form.resetFields()
            } catch (err) {
              message.error(errorMessage(err))
            }
          }}
        >
          <Form.Item name="currentPassword" label={t('account.current')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('account.new')}
            rules={[{ required: true }, { min: 8, max: 256 }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="repeat"
            label={t('account.repeat')}
            dependencies={['newPassword']}
            rules={[
              { required: true },
              ({ getFieldValue }) => ({
                validator: (_r, value) =>
                  value === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('account.mismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </>
  )
}

import { useEffect, useState } from 'react'
import { Alert, Button, Form, Input } from 'antd'
import { useTranslation } from 'react-i18next'
import { AuthCard } from '../components/AuthCard'
import { useAuth } from '../auth/AuthContext'
import { errorMessage } from '../api/client'

interface SetupForm {
  token: string
  username: string
  displayName?: string
  password: string
  repeat: string
}

/** First run: the owner account. The token comes from the printed link (#token=…) or, in the desktop app, the preload. */
export function SetupPage() {
  const { t } = useTranslation()
  const { setup } = useAuth()
  const [form] = Form.useForm<SetupForm>()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token') ?? ''

  useEffect(() => {
    if (fromLink) return
    void window.tapdrop?.setupToken().then((token) => token && form.setFieldValue('token', token))
  }, [fromLink, form])

  const submit = async (v: SetupForm) => {
    setBusy(true)
    setError(null)
    try {
      await setup({
        token: v.token.trim(),
        username: v.username,
        password: v.password,
        displayName: v.displayName || undefined,
      })
      history.replaceState(null, '', '/')
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthCard title={t('setup.title')} subtitle={t('setup.subtitle')}>
      <Form<SetupForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ token: fromLink }}
        onFinish={submit}
      >
        <Form.Item
          name="token"
          label={t('setup.token')}
          extra={t('setup.tokenHelp')}
          rules={[{ required: true, message: t('setup.noToken') }]}
          hidden={Boolean(fromLink)}
        >
          <Input autoComplete="off" data-testid="setup-token" />
        </Form.Item>
        <Form.Item
          name="username"
          label={t('login.username')}
          extra={t('users.usernameHelp')}
          rules={[{ required: true }, { min: 2, max: 32 }]}
        >
          <Input autoComplete="username" data-testid="setup-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('users.displayName')}>
          <Input data-testid="setup-display-name" maxLength={64} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          rules={[{ required: true }, { min: 8, max: 256 }]}
        >
          <Input.Password autoComplete="new-password" data-testid="setup-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label={t('account.repeat')}
          dependencies={['password']}
          rules={[
            { required: true },
            ({ getFieldValue }) => ({
              validator: (_r, value) =>
                value === getFieldValue('password')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('account.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="setup-repeat" />
        </Form.Item>
        {error && (
          <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="setup-error" />
        )}
        <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="setup-submit">
          {t('setup.submit')}
        </Button>
      </Form>
    </AuthCard>
  )
}

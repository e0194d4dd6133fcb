import { useState } from 'react'
import { Alert, Button, Form, Input } from 'antd'
import { LockOutlined, UserOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import { AuthCard } from '../components/AuthCard'
import { useAuth } from '../auth/AuthContext'
import { errorMessage } from '../api/client'
import { takeSessionEnded } from '../auth/session-ended'

export function LoginPage() {
  const { t } = useTranslation()
  const { login } = useAuth()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [ended] = useState(takeSessionEnded)

  const submit = async (v: { username: string; password: string }) => {
    setBusy(true)
    setError(null)
    try {
      await login(v.username, v.password)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthCard title={t('login.title')} subtitle={t('login.subtitle')}>
      <Form layout="vertical" requiredMark={false} onFinish={submit} size="large">
        {ended && !error && (
          <Alert
            type="info"
            title={t('login.sessionEnded')}
            showIcon
            style={{ marginBottom: 16 }}
            data-testid="login-session-ended"
          />
        )}
        <Form.Item name="username" rules={[{ required: true, message: t('login.usernameRequired') }]}>
          <Input
            prefix={<UserOutlined />}
            placeholder={t('login.username')}
            autoComplete="username"
            data-testid="login-username"
          />
        </Form.Item>
        <Form.Item name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
          <Input.Password
            prefix={<LockOutlined />}
            placeholder={t('login.password')}
            autoComplete="current-password"
            data-testid="login-password"
          />
        </Form.Item>
        {error && (
          <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="login-error" />
        )}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
          {t('login.submit')}
        </Button>
      </Form>
    </AuthCard>
  )
}

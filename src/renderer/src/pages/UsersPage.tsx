import { useState } from 'react'
import { App, Button, Card, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd'
import { PlusOutlined, KeyOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { User } from '../../../shared/contract/users'
import { ROLES, type Role } from '../../../shared/roles'
import { errorMessage } from '../api/client'
import {
  useCreateUser,
  useResetUserPassword,
  useSetUserDisabled,
  useSetUserRole,
  useUsers,
} from '../api/users'
import { useAuth } from '../auth/AuthContext'
import { PageHeader } from '../components/PageHeader'
import { AuditLog } from '../components/AuditLog'
import { formatTime } from '../format'

interface NewUser {
  username: string
  displayName?: string
  role: Role
  password: string
}

export function UsersPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const { user: me } = useAuth()
  const users = useUsers()
  const create = useCreateUser()
  const setRole = useSetUserRole()
  const setDisabled = useSetUserDisabled()
  const resetPassword = useResetUserPassword()
  const [creating, setCreating] = useState(false)
  const [resetting, setResetting] = useState<User | null>(null)
  const [createForm] = Form.useForm<NewUser>()
  const [resetForm] = Form.useForm<{ password: string }>()

  const act = async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn()
      message.success(ok)
      return true
    } catch (err) {
      message.error(errorMessage(err))
      return false
    }
  }

  return (
    <>
      <PageHeader
        title={t('users.title')}
        subtitle={t('users.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="user-add"
          >
            {t('users.add')}
          </Button>
        }
      />
      <Card styles={{ body: { padding: 0 } }}>
        <Table<User>
          rowKey="id"
          loading={users.isLoading}
          dataSource={users.data ?? []}
          pagination={false}
          data-testid="users-table"
          columns={[
            {
              title: t('users.username'),
              dataIndex: 'username',
              render: (name: string, u) => (
                <Space>
                  <Typography.Text strong>{name}</Typography.Text>
                  {u.id === me?.id && <Tag>{t('users.you')}</Tag>}
                </Space>
              ),
            },
            { title: t('users.displayName'), dataIndex: 'displayName' },
            {
              title: t('users.role'),
              dataIndex: 'role',
              width: 150,
              render: (role: Role, u) => (
                <Select<Role>
                  value={role}
                  size="small"
                  style={{ width: 120 }}
                  disabled={u.id === me?.id}
                  options={ROLES.map((r) => ({ value: r, label: t(`label.role.${r}`) }))}
                  onChange={(next) =>
                    void act(() => setRole.mutateAsync({ userId: u.id, role: next }), t('users.updated'))
                  }
                  data-testid={`role-${u.username}`}
                />
              ),
            },
            {
              title: t('users.status'),
              dataIndex: 'disabled',
              width: 140,
              render: (disabled: boolean, u) => (
                <Space>
                  <Switch
                    size="small"
                    checked={!disabled}
                    disabled={u.id === me?.id}
                    onChange={(on) =>
                      void act(
                        () => setDisabled.mutateAsync({ userId: u.id, disabled: !on }),
                        t('users.updated'),
                      )
                    }
                    data-testid={`enabled-${u.username}`}
                  />
                  <Typography.Text type={disabled ? 'secondary' : undefined}>
                    {disabled ? t('users.disabled') : t('users.active')}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('users.lastLogin'),
              dataIndex: 'lastLoginAt',
              render: (v: string | null) =>
                v ? formatTime(v) : <Typography.Text type="secondary">{t('users.never')}</Typography.Text>,
            },
            { title: t('users.created'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
            {
              title: t('common.actions'),
              width: 140,
              render: (_v, u) => (
                <Button
                  size="small"
                  icon={<KeyOutlined />}
                  onClick={() => setResetting(u)}
                  disabled={u.id === me?.id}
                >
                  {t('users.resetPassword')}
                </Button>
              ),
            },
          ]}
        />
      </Card>

      <AuditLog />

      <Modal
        title={t('users.add')}
        open={creating}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        onCancel={() => setCreating(false)}
        onOk={() => createForm.submit()}
        destroyOnHidden
        okButtonProps={{ 'data-testid': 'user-create-ok' }}
      >
        <Form<NewUser>
          form={createForm}
          layout="vertical"
          preserve={false}
          initialValues={{ role: 'staff' }}
          onFinish={async (v) => {
            if (
              await act(
                () => create.mutateAsync({ ...v, displayName: v.displayName || undefined }),
                t('users.createdOk'),
              )
            )
              setCreating(false)
          }}
        >
          <Form.Item
            name="username"
            label={t('users.username')}
            extra={t('users.usernameHelp')}
            rules={[{ required: true }, { min: 2, max: 32 }]}
          >
            <Input autoComplete="off" data-testid="new-username" />
          </Form.Item>
          <Form.Item name="displayName" label={t('users.displayName')}>
            <Input maxLength={64} data-testid="new-display-name" />
          </Form.Item>
          <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
            <Select<Role>
              options={ROLES.map((r) => ({ value: r, label: t(`label.role.${r}`) }))}
              data-testid="new-role"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('users.password')}
            rules={[{ required: true }, { min: 8, max: 256 }]}
          >
            <Input.Password autoComplete="new-password" data-testid="new-password" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        title={t('users.resetTitle', { name: resetting?.username ?? '' })}
        open={resetting !== null}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onCancel={() => setResetting(null)}
        onOk={() => resetForm.submit()}
        destroyOnHidden
      >
        <Form
          form={resetForm}
          layout="vertical"
          preserve={false}
          onFinish={async (v: { password: string }) => {
            if (
              resetting &&
              (await act(
                () => resetPassword.mutateAsync({ userId: resetting.id, password: v.password }),
                t('users.resetDone'),
              ))
            )
              setResetting(null)
          }}
        >
          <Form.Item
            name="password"
            label={t('account.new')}
            rules={[{ required: true }, { min: 8, max: 256 }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  )
}

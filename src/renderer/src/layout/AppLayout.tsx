import { Avatar, Dropdown, Flex, Layout, Menu, Tag, Typography, theme } from 'antd'
import {
  DashboardOutlined,
  VideoCameraOutlined,
  TagsOutlined,
  ScanOutlined,
  SwapOutlined,
  TeamOutlined,
  SettingOutlined,
  SkinOutlined,
  LogoutOutlined,
  KeyOutlined,
  UserOutlined,
  ScissorOutlined,
  ApartmentOutlined,
} from '@ant-design/icons'
import { Outlet, useLocation, useNavigate } from 'react-router-dom'
import { useTranslation } from 'react-i18next'
import { useAuth } from '../auth/AuthContext'
import { BrandLogo } from '../components/BrandLogo'
import { LanguageSwitch } from '../components/LanguageSwitch'
import { NotificationBell } from '../components/NotificationBell'
import type { Role } from '../../../shared/roles'
import { useChainStatus } from '../api/chain'

interface NavItem {
  key: string
  icon: React.ReactNode
  label: string
  roles?: Role[]
}

export function AppLayout() {
  const { t } = useTranslation()
  const { user, logout } = useAuth()
  const navigate = useNavigate()
  const location = useLocation()
  const { token } = theme.useToken()
  const chain = useChainStatus().data
  // Only a hub that is part of a chain shows it: a single store's console stays as it was.
  const inChain = chain !== undefined && (chain.role === 'hq' || chain.configured)

  const items: NavItem[] = [
    { key: '/', icon: <DashboardOutlined />, label: t('nav.dashboard') },
    { key: '/videos', icon: <VideoCameraOutlined />, label: t('nav.videos') },
    { key: '/tags', icon: <TagsOutlined />, label: t('nav.tags') },
    { key: '/remix', icon: <ScissorOutlined />, label: t('nav.remix') },
    { key: '/nfc', icon: <ScanOutlined />, label: t('nav.nfc') },
    { key: '/transfers', icon: <SwapOutlined />, label: t('nav.transfers') },
    ...(inChain ? [{ key: '/chain', icon: <ApartmentOutlined />, label: t('nav.chain') }] : []),
    { key: '/users', icon: <TeamOutlined />, label: t('nav.users'), roles: ['admin'] },
    { key: '/brand', icon: <SkinOutlined />, label: t('nav.brand'), roles: ['admin'] },
    { key: '/settings', icon: <SettingOutlined />, label: t('nav.settings'), roles: ['admin'] },
  ]
  const visible = items.filter((i) => !i.roles || (user && i.roles.includes(user.role)))
  const selected = visible
    .map((i) => i.key)
    .filter((k) => (k === '/' ? location.pathname === '/' : location.pathname.startsWith(k)))

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={220}
        theme="light"
        style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}
      >
        <Flex align="center" style={{ height: 64, padding: '0 20px' }}>
          <BrandLogo />
        </Flex>
        <Menu
          mode="inline"
          selectedKeys={selected}
          style={{ borderInlineEnd: 'none' }}
          items={visible.map((i) => ({
            key: i.key,
            icon: i.icon,
            label: i.label,
            'data-testid': `nav-${i.key.slice(1) || 'dashboard'}`,
          }))}
          onClick={(e) => navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            padding: '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
          }}
        >
          <Typography.Text type="secondary">{t('app.console')}</Typography.Text>
          <Flex align="center" gap={16}>
            <LanguageSwitch />
            {user && <NotificationBell />}
            {user && (
              <Dropdown
                trigger={['click']}
                menu={{
                  items: [
                    {
                      key: 'password',
                      icon: <KeyOutlined />,
                      label: t('account.menu'),
                      onClick: () => navigate('/account'),
                    },
                    { type: 'divider' },
                    {
                      key: 'logout',
                      icon: <LogoutOutlined />,
                      label: <span data-testid="logout">{t('account.logout')}</span>,
                      onClick: () => void logout().then(() => navigate('/')),
                    },
                  ],
                }}
              >
                <Flex align="center" gap={8} style={{ cursor: 'pointer' }} data-testid="user-menu">
                  <Avatar size="small" icon={<UserOutlined />} style={{ background: token.colorPrimary }} />
                  <Typography.Text>{user.displayName || user.username}</Typography.Text>
                  <Tag
                    color={user.role === 'admin' ? 'gold' : user.role === 'staff' ? 'blue' : 'default'}
                    style={{ marginInlineEnd: 0 }}
                  >
                    {t(`label.role.${user.role}`)}
                  </Tag>
                </Flex>
              </Dropdown>
            )}
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24, background: token.colorBgLayout }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  )
}

import { Card, Flex, Typography } from 'antd'
import type { ReactNode } from 'react'
import { BrandLogo } from './BrandLogo'
import { LanguageSwitch } from './LanguageSwitch'

/** The centred card of the login and first-run pages. */
export function AuthCard({
  title,
  subtitle,
  children,
}: {
  title: ReactNode
  subtitle: ReactNode
  children: ReactNode
}) {
  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{
        minHeight: '100vh',
        boxSizing: 'border-box',
        background: 'linear-gradient(160deg,#eef4ff 0%,#f7f9fc 55%,#fff7e8 100%)',
        padding: 24,
      }}
    >
      <Card
        style={{ width: 420, maxWidth: '100%', boxShadow: '0 12px 40px rgba(31,111,235,.12)' }}
        styles={{ body: { padding: 32 } }}
      >
        <Flex justify="space-between" align="center" style={{ marginBottom: 24 }}>
          <BrandLogo size={36} fontSize={18} />
          <LanguageSwitch />
        </Flex>
        <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>
          {title}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
          {subtitle}
        </Typography.Paragraph>
        {children}
      </Card>
    </Flex>
  )
}

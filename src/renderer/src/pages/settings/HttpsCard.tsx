import { Alert, Card, Flex, List, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { SettingsView } from '../../../../shared/contract/hub'

/** How phones find and reach the hub: HTTPS, the mDNS announcement, and the addresses tags were written with. */
export function HttpsCard({ view }: { view: SettingsView | null }) {
  const { t } = useTranslation()
  return (
    <Card title={t('settings.https')} style={{ marginTop: 16 }}>
      {view && (
        <Flex vertical gap={12}>
          {view.tls ? (
            <Alert
              type="success"
              showIcon
              title={t('settings.httpsOn', {
                subject: view.tls.subject.replace(/\n/g, ', '),
                until: view.tls.validTo.slice(0, 10),
              })}
            />
          ) : (
            <Alert type="info" showIcon title={t('settings.httpsOff')} />
          )}
          <Typography.Text>
            {t('settings.mdns')}:{' '}
            {view.mdns.announced ? (
              <Tag color="green">{t('settings.mdnsOn')}</Tag>
            ) : (
              <Tag>{t('settings.mdnsOff')}</Tag>
            )}
          </Typography.Text>
          {view.tagBaseUrls.length > 0 && (
            <div>
              <Typography.Text type="secondary">{t('settings.tagUrls')}</Typography.Text>
              <List
                size="small"
                dataSource={view.tagBaseUrls}
                data-testid="tag-base-urls"
                renderItem={(b) => (
                  <List.Item>
                    <Typography.Text code>{b.baseUrl}</Typography.Text>
                    <span>
                      {b.tags} ×{' '}
                      {b.reachable ? (
                        <Tag color="green">{t('settings.reachable')}</Tag>
                      ) : (
                        <Tag color="red">{t('settings.unreachable')}</Tag>
                      )}
                    </span>
                  </List.Item>
                )}
              />
            </div>
          )}
        </Flex>
      )}
    </Card>
  )
}

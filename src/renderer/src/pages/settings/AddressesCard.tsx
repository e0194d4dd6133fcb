import { Alert, Card, List, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { SettingsView } from '../../../../shared/contract/hub'
import { CopyText } from '../../components/CopyText'

/** The address new tags get, whether phones can reach the hub, this PC's LAN addresses and the console's own. */
export function AddressesCard({ view }: { view: SettingsView | null }) {
  const { t } = useTranslation()
  return (
    <Card title={t('settings.addresses')}>
      {view && (
        <>
          <div style={{ marginBottom: 16 }}>
            <Typography.Text type="secondary">{t('settings.effective')}</Typography.Text>
            <div>
              <CopyText text={view.effectivePublicUrl} testId="effective-public-url" />
            </div>
          </div>
          {view.lanListening ? (
            <Alert
              type="success"
              showIcon
              title={`${t('settings.listening')} ${view.lanListening}`}
              style={{ marginBottom: 16 }}
            />
          ) : (
            <Alert type="error" showIcon title={t('settings.notListening')} style={{ marginBottom: 16 }} />
          )}
          {view.lanAddresses.length === 0 ? (
            <Alert type="warning" showIcon title={t('settings.noAddresses')} />
          ) : (
            <List
              size="small"
              bordered
              dataSource={view.lanAddresses}
              renderItem={(a) => (
                <List.Item>
                  <Typography.Text code>{a.address}</Typography.Text>
                  <Typography.Text type="secondary">
                    {a.interface} · {a.family}
                  </Typography.Text>
                </List.Item>
              )}
            />
          )}
          <div style={{ marginTop: 16 }}>
            <Typography.Text type="secondary">{t('settings.adminUrl')}</Typography.Text>
            <div>
              <CopyText text={view.adminUrl} />
            </div>
          </div>
        </>
      )}
    </Card>
  )
}

import { Alert, Button, Card, Flex, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { useChainStatus } from '../../api/chain'
import { SETTINGS_FIELDS } from './fields'

/** Whether the chain's object store answers with the saved settings, and why not. */
export function ChainCard() {
  const { t } = useTranslation()
  const query = useChainStatus()
  const s = query.data
  return (
    <Card
      title={t('settings.chainStatus')}
      style={{ marginTop: 16 }}
      data-testid="chain-card"
      extra={
        s?.configured || s?.missing.length ? (
          <Button size="small" onClick={() => query.refetch()} loading={query.isFetching}>
            {t('settings.chainCheck')}
          </Button>
        ) : null
      }
    >
      {s && (
        <Flex vertical gap={12}>
          <Typography.Text>
            {t('settings.chainRole')}:{' '}
            <Tag>{t(s.role === 'hq' ? 'settings.chainRoleHq' : 'settings.chainRoleStore')}</Tag>
            {s.storeId && <Tag>{s.storeName ? `${s.storeName} · ${s.storeId}` : s.storeId}</Tag>}
          </Typography.Text>
          {s.endpoint === null && s.missing.length === 0 ? (
            <Alert type="info" showIcon title={t('settings.chainOff')} />
          ) : s.missing.length > 0 ? (
            <Alert
              type="warning"
              showIcon
              title={t('settings.chainMissing', {
                // Named as the form names them (it said "chainStoreId").
                keys: s.missing
                  .map((k) => {
                    const f = SETTINGS_FIELDS.find((x) => x.key === k)
                    return f ? t(f.label) : k
                  })
                  .join(' · '),
              })}
            />
          ) : null}
          {s.reachable === true && (
            <Alert
              type="success"
              showIcon
              title={t('settings.chainReachable', { bucket: s.bucket, endpoint: s.endpoint })}
            />
          )}
          {s.reachable === false && s.error && (
            <Alert
              type="error"
              showIcon
              data-testid="chain-error"
              title={t('settings.chainUnreachable')}
              description={t(`errors.${s.error.code}`, {
                message: s.error.message,
                defaultValue: s.error.message,
              })}
            />
          )}
        </Flex>
      )}
    </Card>
  )
}

import { Alert, Badge, Card, Flex, Space, Tag as AntTag, Typography } from 'antd'
import { ScanOutlined, UsbOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { NfcStatus } from '../../../../shared/contract/nfc'

/** Where the reader service stands, in one line staff understand, and each reader with what lies on it. */
export function ReaderStatus({ status }: { status: NfcStatus | undefined }) {
  const { t } = useTranslation()
  if (!status) return null
  const ok = status.service === 'ready'
  return (
    <Card
      title={
        <Space>
          <UsbOutlined />
          {t('nfc.readers')}
        </Space>
      }
      extra={
        <Badge
          status={ok ? 'success' : status.service === 'starting' ? 'processing' : 'error'}
          text={t(`label.nfcService.${status.service}`)}
        />
      }
      data-testid="nfc-status"
    >
      {!ok && status.service !== 'starting' && (
        <Alert
          type={status.service === 'off' ? 'info' : 'error'}
          showIcon
          title={t(`label.nfcService.${status.service}`)}
          description={
            <Flex vertical gap={4}>
              <span>
                {t(
                  status.service === 'off'
                    ? 'nfc.offHint'
                    : status.service === 'module-missing'
                      ? 'nfc.moduleHint'
                      : 'nfc.unavailableHint',
                )}
              </span>
              {status.detail && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {status.detail}
                </Typography.Text>
              )}
            </Flex>
          }
          data-testid="nfc-unavailable"
        />
      )}
      {ok && status.readers.length === 0 && (
        <Alert type="warning" showIcon title={t('nfc.noReader')} data-testid="nfc-no-reader" />
      )}
      {ok && status.readers.length > 0 && (
        <Flex vertical gap={10}>
          {status.readers.map((r) => (
            <Flex key={r.name} justify="space-between" align="center" gap={12}>
              <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                {r.name}
              </Typography.Text>
              {r.tag ? (
                <AntTag color="green" icon={<ScanOutlined />}>
                  {t('nfc.tagOn', { uid: r.tag.uid ?? '' })}
                </AntTag>
              ) : (
                <AntTag>{t('nfc.empty')}</AntTag>
              )}
            </Flex>
          ))}
        </Flex>
      )}
    </Card>
  )
}

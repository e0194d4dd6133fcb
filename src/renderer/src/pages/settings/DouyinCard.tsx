import { useEffect } from 'react'
import { Alert, Button, Card, Flex, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { SettingsView } from '../../../../shared/contract/hub'
import { errorMessage } from '../../api/client'
import { useApiMutation } from '../../api/queries'
import { formatTime } from '../../format'

/**
 * Whether Douyin accepts the saved credentials: a check asked on demand (one client_token and one ticket from
 * Douyin), so an owner knows before a customer finds the 发布到抖音 button falling back to the offline path.
 */
export function DouyinCard({ view }: { view: SettingsView | null }) {
  const { t } = useTranslation()
  const check = useApiMutation('douyin-check')
  const enabled = view?.douyinEnabled.value ?? false
  const configured = Boolean(view?.douyinClientKey.value && view?.douyinClientSecret.set)
  const r = check.data
  // A result is of the settings it was asked with: saved settings (a new view) clear it.
  const { reset } = check
  useEffect(() => reset(), [view, reset])
  return (
    <Card
      title={t('settings.douyinStatus')}
      style={{ marginTop: 16 }}
      data-testid="douyin-card"
      extra={
        enabled && configured ? (
          <Button
            size="small"
            onClick={() => check.mutate({})}
            loading={check.isPending}
            data-testid="douyin-check"
          >
            {t('settings.douyinCheck')}
          </Button>
        ) : null
      }
    >
      <Flex vertical gap={12}>
        {!enabled ? (
          <Alert type="info" showIcon title={t('settings.douyinOff')} />
        ) : !configured ? (
          <Alert type="warning" showIcon title={t('settings.douyinIncomplete')} />
        ) : !r ? (
          <Typography.Text type="secondary">{t('settings.douyinCheckHint')}</Typography.Text>
        ) : r.ok ? (
          <Alert
            type="success"
            showIcon
            data-testid="douyin-ok"
            title={t('settings.douyinOk')}
            description={t('settings.douyinCheckedAt', { at: formatTime(r.checkedAt) })}
          />
        ) : r.error ? (
          <Alert
            type="error"
            showIcon
            data-testid="douyin-error"
            title={t(`settings.douyinFailed.${r.error.kind}`)}
            description={
              <>
                <div>{r.error.message}</div>
                <div>{t('settings.douyinCheckedAt', { at: formatTime(r.checkedAt) })}</div>
              </>
            }
          />
        ) : null}
        {check.error ? <Alert type="error" showIcon title={errorMessage(check.error)} /> : null}
      </Flex>
    </Card>
  )
}

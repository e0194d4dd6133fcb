import { useEffect } from 'react'
import { App, Col, Row } from 'antd'
import { useTranslation } from 'react-i18next'
import { errorMessage } from '../../api/client'
import { useSettings } from '../../api/hub'
import { PageHeader } from '../../components/PageHeader'
import { SettingsForm } from './SettingsForm'
import { AddressesCard } from './AddressesCard'
import { HttpsCard } from './HttpsCard'
import { MediaToolsCard } from './MediaToolsCard'
import { ChainCard } from './ChainCard'
import { DouyinCard } from './DouyinCard'
import { PublishingCard } from './PublishingCard'
import { StoreActionsCard } from './StoreActionsCard'

/** Settings: the editable ones on the left, what the hub found (addresses, HTTPS, media tools, the chain) on the right. */
export function SettingsPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const query = useSettings()
  const view = query.data ?? null
  useEffect(() => {
    if (query.error) message.error(errorMessage(query.error))
  }, [query.error, message])

  return (
    <>
      <PageHeader title={t('settings.title')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <SettingsForm view={view} />
          <PublishingCard />
          <StoreActionsCard />
        </Col>
        <Col xs={24} xl={10}>
          <AddressesCard view={view} />
          <HttpsCard view={view} />
          <MediaToolsCard view={view} />
          <ChainCard />
          <DouyinCard view={view} />
        </Col>
      </Row>
    </>
  )
}

import { Alert, Card } from 'antd'
import { useTranslation } from 'react-i18next'
import { useChainStatus } from '../../api/chain'
import { PageHeader } from '../../components/PageHeader'
import { HqView } from './HqView'
import { StoreSyncView } from './StoreSyncView'

/** The chain of stores: headquarters sees its stores and catalog, a store its sync. */
export function ChainPage() {
  const { t } = useTranslation()
  const status = useChainStatus()
  const s = status.data
  return (
    <>
      <PageHeader
        title={t('chain.title')}
        subtitle={s && (s.role === 'hq' ? t('chain.hqSubtitle') : t('chain.storeSubtitle'))}
      />
      {!s ? (
        <Card loading />
      ) : !s.configured ? (
        <Alert type="info" showIcon title={t('settings.chainOff')} />
      ) : s.role === 'hq' ? (
        <HqView />
      ) : (
        <StoreSyncView />
      )}
    </>
  )
}

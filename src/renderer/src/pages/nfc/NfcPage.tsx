import { Col, Form, Row } from 'antd'
import { useTranslation } from 'react-i18next'
import { useNfcBatch, useNfcStatus } from '../../api/nfc'
import { useAuth } from '../../auth/AuthContext'
import { PageHeader } from '../../components/PageHeader'
import { ReaderStatus } from './ReaderStatus'
import { BatchSummary } from './BatchSummary'
import { BatchSetupForm, type BatchForm } from './BatchSetupForm'
import { BatchProgress } from './BatchProgress'
import { BatchItemsTable } from './BatchItemsTable'

/** Programming tags at the counter: readers on the left with the batch's set-up, its tags on the right. */
export function NfcPage() {
  const { t } = useTranslation()
  const { user } = useAuth()
  const status = useNfcStatus()
  const batch = useNfcBatch()
  const [form] = Form.useForm<BatchForm>()
  const canWrite = user?.role === 'admin' || user?.role === 'staff'
  const b = batch.data ?? null
  const running = b?.active ?? false

  return (
    <>
      <PageHeader title={t('nfc.title')} subtitle={t('nfc.subtitle')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <ReaderStatus status={status.data} />
          {running && b && <BatchSummary batch={b} />}
          {!running && canWrite && <BatchSetupForm form={form} status={status.data} />}
        </Col>
        <Col xs={24} lg={16}>
          {b && <BatchProgress batch={b} status={status.data} />}
          <BatchItemsTable batch={b} canWrite={canWrite} />
        </Col>
      </Row>
    </>
  )
}

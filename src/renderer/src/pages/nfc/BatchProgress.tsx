import { Alert, App, Button, Card, Flex, Progress, Space, Tag as AntTag, Typography } from 'antd'
import {
  CheckCircleFilled,
  DisconnectOutlined,
  FilePdfOutlined,
  LoadingOutlined,
  PoweroffOutlined,
  ScanOutlined,
} from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Batch, NfcStatus } from '../../../../shared/contract/nfc'
import { errorMessage } from '../../api/client'
import { useStopBatch } from '../../api/nfc'
import { labelsUrl } from './batchState'

/** What a running batch says while the reader service cannot read a tag (texts `nfc.<key>` and `nfc.<key>Hint`). */
const SERVICE_WAIT: Partial<Record<NfcStatus['service'], string>> = {
  off: 'waitOff',
  'module-missing': 'waitModule',
  unavailable: 'waitService',
}

/**
 * The batch at the counter: while it runs, "place a tag", how many are done, the label sheet and the stop button;
 * once it has ended, how many were written and the label sheet. While the reader service is down or no reader is
 * plugged in it says so instead of asking for a tag it cannot read (the batch waits: it goes on when they are back).
 */
export function BatchProgress({ batch, status }: { batch: Batch; status: NfcStatus | undefined }) {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const stop = useStopBatch()
  const ok = batch.items.filter((i) => i.state === 'ok').length
  const working = batch.items.some((i) => i.state === 'working')
  const labels = labelsUrl(batch, i18n.language)
  // The batch's own reader if it was given one, else any.
  const readerThere =
    status !== undefined &&
    (batch.reader ? status.readers.some((r) => r.name === batch.reader) : status.readers.length > 0)
  const blocked = !status
    ? null
    : (SERVICE_WAIT[status.service] ?? (status.service === 'ready' && !readerThere ? 'waitReader' : null))

  if (!batch.active)
    return (
      <Alert
        style={{ marginBottom: 16 }}
        type="success"
        showIcon
        title={`${t('nfc.finished')} · ${t('nfc.done', { ok })}`}
        action={
          labels && (
            <Button size="small" icon={<FilePdfOutlined />} href={labels} download="tapdrop-labels.pdf">
              {t('nfc.labels')}
            </Button>
          )
        }
      />
    )
  return (
    <Card style={{ marginBottom: 16 }} data-testid="batch-running">
      <Flex align="center" gap={20} wrap>
        <Progress
          type="circle"
          size={84}
          percent={working ? 60 : 100}
          status={working ? 'active' : 'normal'}
          strokeColor={blocked ? '#d48806' : undefined}
          format={() =>
            working ? (
              <LoadingOutlined />
            ) : blocked ? (
              <DisconnectOutlined style={{ fontSize: 28, color: '#d48806' }} />
            ) : (
              <ScanOutlined style={{ fontSize: 28 }} />
            )
          }
        />
        <Flex vertical style={{ flex: 1, minWidth: 220 }}>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="batch-prompt">
            {t(blocked ? `nfc.${blocked}` : 'nfc.place')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t(blocked ? `nfc.${blocked}Hint` : 'nfc.placeHint')}
          </Typography.Text>
          <Space style={{ marginTop: 8 }} wrap>
            <AntTag color="blue">{t('nfc.running')}</AntTag>
            <Typography.Text strong data-testid="batch-count">
              <CheckCircleFilled style={{ color: '#16a34a', marginRight: 6 }} />
              {t('nfc.done', { ok })}
            </Typography.Text>
            {batch.lock && <AntTag color="red">{t('nfc.lock')}</AntTag>}
          </Space>
        </Flex>
        <Space>
          {labels && (
            <Button
              icon={<FilePdfOutlined />}
              href={labels}
              download="tapdrop-labels.pdf"
              data-testid="batch-labels"
            >
              {t('nfc.labels')}
            </Button>
          )}
          <Button
            danger
            icon={<PoweroffOutlined />}
            onClick={() => void stop.mutateAsync({}).catch((err) => message.error(errorMessage(err)))}
            data-testid="batch-stop"
          >
            {t('nfc.stop')}
          </Button>
        </Space>
      </Flex>
    </Card>
  )
}

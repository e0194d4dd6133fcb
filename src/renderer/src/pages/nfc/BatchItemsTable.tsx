import { App, Button, Card, Empty, Flex, Table, Tag as AntTag, Typography } from 'antd'
import { LoadingOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Batch, BatchItem } from '../../../../shared/contract/nfc'
import { errorMessage } from '../../api/client'
import { useResolveBatchItem } from '../../api/nfc'
import { formatTimeOfDay } from '../../format'
import { STATE_COLOR } from './batchState'

/**
 * Every tag placed in the batch, newest first: which tag it became, its UID and chip, the result, how long it took,
 * and — while the batch runs — the decision a tag with other content or one of ours needs.
 */
export function BatchItemsTable({ batch, canWrite }: { batch: Batch | null; canWrite: boolean }) {
  const { t } = useTranslation()
  const { message, modal } = App.useApp()
  const resolveItem = useResolveBatchItem()
  const running = batch?.active ?? false

  const resolve = (item: BatchItem, action: 'overwrite' | 'rebind') => {
    const go = () =>
      resolveItem.mutateAsync({ itemId: item.id, action }).catch((err) => message.error(errorMessage(err)))
    if (action === 'overwrite')
      modal.confirm({
        title: t('nfc.overwriteConfirm', { found: item.found ?? '' }),
        okButtonProps: { danger: true },
        onOk: go,
      })
    else void go()
  }

  return (
    <Card styles={{ body: { padding: 0 } }}>
      <Table<BatchItem>
        rowKey="id"
        dataSource={batch ? [...batch.items].reverse() : []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('nfc.noItems')} /> }}
        data-testid="batch-items"
        columns={[
          {
            title: '#',
            key: 'n',
            width: 48,
            render: (_v, _i, index) => (batch ? batch.items.length - index : ''),
          },
          {
            title: t('nfc.col.time'),
            dataIndex: 'at',
            width: 96,
            render: (v: string) => formatTimeOfDay(v),
          },
          {
            title: t('nfc.col.tag'),
            key: 'tag',
            ellipsis: true,
            render: (_v, i) =>
              i.tag ? (
                <Flex vertical>
                  <Typography.Text strong>{i.tag.label || i.tag.code}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
                    {i.tag.code} · {i.tag.videos.map((v) => v.title).join(' · ')}
                  </Typography.Text>
                </Flex>
              ) : (
                <Typography.Text type="secondary">—</Typography.Text>
              ),
          },
          {
            title: `${t('nfc.col.uid')} / ${t('nfc.col.chip')}`,
            key: 'uid',
            width: 150,
            render: (_v, i) => (
              <Flex vertical>
                <Typography.Text style={{ fontFamily: 'monospace', fontSize: 12, whiteSpace: 'nowrap' }}>
                  {i.uid ?? '—'}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {i.chip ?? ''}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            title: t('nfc.col.result'),
            key: 'state',
            width: 170,
            render: (_v, i) => (
              <Flex vertical gap={2}>
                <span>
                  <AntTag
                    color={STATE_COLOR[i.state]}
                    icon={i.state === 'working' ? <LoadingOutlined /> : undefined}
                    data-testid={`item-state-${i.id}`}
                  >
                    {t(`label.batchItemState.${i.state}`)}
                  </AntTag>
                </span>
                {i.error && (
                  <Typography.Text type="danger" style={{ fontSize: 12 }}>
                    {t(`errors.${i.error.code}`, { message: i.error.message, defaultValue: i.error.message })}
                  </Typography.Text>
                )}
                {i.found && i.state === 'needs-confirmation' && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
                    {t('nfc.found', { found: i.found })}
                  </Typography.Text>
                )}
              </Flex>
            ),
          },
          {
            title: t('nfc.col.time2'),
            dataIndex: 'ms',
            width: 76,
            align: 'right',
            render: (v: number | null) => (v === null ? '' : `${(v / 1000).toFixed(1)} s`),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 120,
            hidden: !running || !canWrite,
            render: (_v, i) =>
              running && canWrite ? (
                i.state === 'needs-confirmation' ? (
                  <Button
                    size="small"
                    danger
                    onClick={() => resolve(i, 'overwrite')}
                    data-testid={`overwrite-${i.id}`}
                  >
                    {t('nfc.overwrite')}
                  </Button>
                ) : i.state === 'known' ? (
                  <Button size="small" onClick={() => resolve(i, 'rebind')} data-testid={`rebind-${i.id}`}>
                    {t('nfc.rebind')}
                  </Button>
                ) : null
              ) : null,
          },
        ]}
      />
    </Card>
  )
}

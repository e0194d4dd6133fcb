import { useMemo, useState } from 'react'
import {
  Button,
  Card,
  Col,
  DatePicker,
  Flex,
  Progress,
  Row,
  Select,
  Statistic,
  Table,
  Typography,
} from 'antd'
import { CloudDownloadOutlined, DownloadOutlined, HourglassOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Dayjs } from 'dayjs'
import { TransferStatusSchema, type Transfer, type TransferStatus } from '../../../shared/contract/transfers'
import type { HistoryQuery } from '../../../shared/contract/monitoring'
import { useDeliveryStatus, useTransferHistory } from '../api/monitoring'
import { useTags } from '../api/tags'
import { useVideos } from '../api/videos'
import { PageHeader } from '../components/PageHeader'
import { TransferStatusTag } from '../components/TransferStatusTag'
import { TransferDrawer } from '../components/TransferDrawer'
import { formatBytes, formatTime } from '../format'
import { languageOf } from '../i18n'

export { TransferStatusTag }

const STATUSES = TransferStatusSchema.options

interface Filters {
  range: [Dayjs | null, Dayjs | null] | null
  tagId?: number
  videoId?: number
  status: TransferStatus[]
}

/** The filters as the API and the CSV link take them. */
function toQuery(f: Filters): Omit<HistoryQuery, 'page' | 'pageSize' | 'sort' | 'order'> {
  return {
    ...(f.range?.[0] ? { from: f.range[0].startOf('day').toISOString() } : {}),
    ...(f.range?.[1] ? { to: f.range[1].add(1, 'day').startOf('day').toISOString() } : {}),
    ...(f.tagId ? { tagId: f.tagId } : {}),
    ...(f.videoId ? { videoId: f.videoId } : {}),
    ...(f.status.length ? { status: f.status } : {}),
  }
}

export function TransfersPage() {
  const { t, i18n } = useTranslation()
  const [filters, setFilters] = useState<Filters>({ range: null, status: [] })
  const [page, setPage] = useState(1)
  const [pageSize, setPageSize] = useState(25)
  const [sort, setSort] = useState<{ sort: 'createdAt' | 'bytesTotal'; order: 'asc' | 'desc' }>({
    sort: 'createdAt',
    order: 'desc',
  })
  const [open, setOpen] = useState<number | null>(null)
  const filterQuery = useMemo(() => toQuery(filters), [filters])
  const args = { ...filterQuery, page, pageSize, ...sort }
  const list = useTransferHistory(args)
  const status = useDeliveryStatus()
  const tags = useTags()
  const videos = useVideos()

  const csvHref = useMemo(() => {
    const p = new URLSearchParams()
    for (const [k, v] of Object.entries(filterQuery)) p.set(k, Array.isArray(v) ? v.join(',') : String(v))
    p.set('lang', languageOf(i18n.language))
    return `/transfers.csv?${p.toString()}`
  }, [filterQuery, i18n.language])

  const update = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }))
    setPage(1)
  }

  return (
    <>
      <PageHeader
        title={t('transfers.title')}
        subtitle={t('transfers.subtitle')}
        extra={
          <Button icon={<DownloadOutlined />} href={csvHref} download data-testid="export-csv">
            {t('history.export')}
          </Button>
        }
      />
      <Row gutter={12} style={{ marginBottom: 12 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('transfers.streaming')}
              value={status.data?.active ?? 0}
              prefix={<CloudDownloadOutlined />}
              suffix={
                <Typography.Text type="secondary" style={{ fontSize: 14 }}>
                  {status.data
                    ? t('transfers.slots', { active: status.data.active, max: status.data.maxStreams })
                    : ''}
                </Typography.Text>
              }
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title={t('transfers.waiting')}
              value={status.data?.waitingTotal ?? 0}
              prefix={<HourglassOutlined />}
            />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic
              title={t('history.matching')}
              value={list.data?.total ?? 0}
              data-testid="history-total"
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex gap={12} wrap align="center">
          <DatePicker.RangePicker
            value={filters.range}
            onChange={(v) => update({ range: v as Filters['range'] })}
            allowEmpty={[true, true]}
            data-testid="filter-range"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('history.anyTag')}
            style={{ width: 180 }}
            value={filters.tagId}
            onChange={(v) => update({ tagId: v })}
            options={(tags.data ?? []).map((x) => ({ value: x.id, label: x.label || x.code }))}
            data-testid="filter-tag"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('history.anyVideo')}
            style={{ width: 200 }}
            value={filters.videoId}
            onChange={(v) => update({ videoId: v })}
            options={(videos.data ?? []).map((x) => ({ value: x.id, label: x.title }))}
            data-testid="filter-video"
          />
          <Select
            mode="multiple"
            allowClear
            placeholder={t('history.anyStatus')}
            style={{ minWidth: 220 }}
            value={filters.status}
            onChange={(v) => update({ status: v })}
            options={STATUSES.map((s) => ({ value: s, label: t(`label.transferStatus.${s}`) }))}
            data-testid="filter-status"
          />
        </Flex>
      </Card>
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Transfer>
          rowKey="id"
          size="middle"
          loading={list.isLoading}
          dataSource={list.data?.rows ?? []}
          locale={{ emptyText: t('transfers.empty') }}
          data-testid="transfers-table"
          onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [25, 50, 100, 200],
            showTotal: (n) => t('history.total', { n }),
          }}
          onChange={(p, _f, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter
            setPage(p.current ?? 1)
            setPageSize(p.pageSize ?? 25)
            setSort(
              s?.order
                ? {
                    sort: s.columnKey === 'size' ? 'bytesTotal' : 'createdAt',
                    order: s.order === 'ascend' ? 'asc' : 'desc',
                  }
                : { sort: 'createdAt', order: 'desc' },
            )
          }}
          columns={[
            {
              title: t('label.transferField.time'),
              key: 'time',
              dataIndex: 'createdAt',
              width: 150,
              sorter: true,
              sortOrder: sort.sort === 'createdAt' ? (sort.order === 'asc' ? 'ascend' : 'descend') : null,
              render: (v: string) => formatTime(v),
            },
            {
              title: t('label.transferField.tag'),
              key: 'tag',
              render: (_v, x) => x.tagLabel || <Typography.Text code>{x.tagCode}</Typography.Text>,
            },
            {
              title: t('label.transferField.video'),
              key: 'video',
              render: (_v, x) => (
                <Flex vertical>
                  <Typography.Text ellipsis style={{ maxWidth: 220 }}>
                    {x.videoTitle ?? '—'}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {x.rendition}
                    {x.tier === 'vip' ? ' · VIP' : ''}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              title: t('transfers.col.device'),
              key: 'device',
              render: (_v, x) => (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {x.device.os}
                  <br />
                  {x.device.browser}
                </Typography.Text>
              ),
            },
            {
              title: t('label.transferField.status'),
              key: 'status',
              width: 140,
              render: (_v, x) => <TransferStatusTag t={x} />,
            },
            {
              title: t('transfers.col.progress'),
              key: 'progress',
              width: 200,
              render: (_v, x) => (
                <Progress
                  size="small"
                  percent={x.bytesTotal ? Math.floor((x.bytesSent / x.bytesTotal) * 100) : 0}
                  status={
                    x.status === 'failed' || x.status === 'expired'
                      ? 'exception'
                      : x.status === 'completed'
                        ? 'success'
                        : x.status === 'active'
                          ? 'active'
                          : 'normal'
                  }
                />
              ),
            },
            {
              title: t('transfers.col.size'),
              key: 'size',
              dataIndex: 'bytesTotal',
              width: 110,
              sorter: true,
              sortOrder: sort.sort === 'bytesTotal' ? (sort.order === 'asc' ? 'ascend' : 'descend') : null,
              render: (n: number) => formatBytes(n),
            },
          ]}
        />
      </Card>
      <TransferDrawer id={open} onClose={() => setOpen(null)} />
    </>
  )
}

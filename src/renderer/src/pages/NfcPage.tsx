import { useState } from 'react'
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Col,
  Collapse,
  Empty,
  Flex,
  Form,
  Input,
  Progress,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag as AntTag,
  Typography,
} from 'antd'
import {
  CheckCircleFilled,
  FilePdfOutlined,
  LoadingOutlined,
  PoweroffOutlined,
  ScanOutlined,
  UsbOutlined,
} from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Batch, BatchItem, BatchItemState, NfcStatus } from '../../../shared/contract/nfc'
import type { Strategy, Tier } from '../../../shared/contract/tags'
import { api, errorMessage } from '../api/client'
import { useApiQuery } from '../api/queries'
import { useAuth } from '../auth/AuthContext'
import { PageHeader } from '../components/PageHeader'
import { formatTimeOfDay } from '../format'

interface BatchForm {
  videoIds: number[]
  strategy: Strategy
  tier: Tier
  labelPrefix: string
  reader: string
  password: string
  currentPassword: string
  lock: boolean
  confirmLock: string
}

const STATE_COLOR: Record<BatchItemState, string> = {
  working: 'processing',
  ok: 'success',
  known: 'blue',
  rebound: 'cyan',
  'needs-confirmation': 'warning',
  failed: 'error',
}

const ANY = '__any__'

/** Where the reader service stands, in one line staff understand, and each reader with what lies on it. */
function ReaderStatus({ status }: { status: NfcStatus | undefined }) {
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
          text={t(`nfc.service.${status.service}`)}
        />
      }
      data-testid="nfc-status"
    >
      {!ok && status.service !== 'starting' && (
        <Alert
          type={status.service === 'off' ? 'info' : 'error'}
          showIcon
          title={t(`nfc.service.${status.service}`)}
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

/** What the running batch writes, so staff at the counter can check before placing the next tag. */
function BatchSummary({ batch }: { batch: Batch }) {
  const { t } = useTranslation()
  const videos = useApiQuery('video-list', {})
  const titles = batch.videoIds.map((id) => videos.data?.find((v) => v.id === id)?.title ?? `#${id}`)
  const counts = (['ok', 'known', 'needs-confirmation', 'failed'] as const).map((s) => ({
    s,
    n: batch.items.filter((i) => i.state === s || (s === 'known' && i.state === 'rebound')).length,
  }))
  return (
    <Card title={t('nfc.running')} style={{ marginTop: 16 }} size="small">
      <Flex vertical gap={8}>
        <Typography.Text>
          <Typography.Text type="secondary">{t('tags.videos')}: </Typography.Text>
          {titles.join(' · ')}
        </Typography.Text>
        {batch.labelPrefix && (
          <Typography.Text>
            <Typography.Text type="secondary">{t('nfc.prefix')}: </Typography.Text>
            {batch.labelPrefix}01, {batch.labelPrefix}02 …
          </Typography.Text>
        )}
        <Space wrap>
          {batch.tier === 'vip' && <AntTag color="gold">VIP</AntTag>}
          {batch.password && <AntTag color="purple">{t('nfc.password')}</AntTag>}
          {batch.lock && <AntTag color="red">{t('nfc.lock')}</AntTag>}
        </Space>
        <Flex gap={8} wrap>
          {counts.map(({ s, n }) => (
            <AntTag key={s} color={STATE_COLOR[s]} style={{ fontSize: 13, padding: '2px 10px' }}>
              {t(`nfc.state.${s}`)} {n}
            </AntTag>
          ))}
        </Flex>
      </Flex>
    </Card>
  )
}

function labelsUrl(batch: Batch): string | null {
  const ids = batch.items.filter((i) => i.state === 'ok' || i.state === 'rebound').map((i) => i.tag!.id)
  return ids.length ? `/labels.pdf?tags=${[...new Set(ids)].join(',')}` : null
}

export function NfcPage() {
  const { t, i18n } = useTranslation()
  const { message, modal } = App.useApp()
  const { user } = useAuth()
  const status = useApiQuery('nfc-status', {})
  const batch = useApiQuery('nfc-batch-get', {})
  const videos = useApiQuery('video-list', {})
  const [form] = Form.useForm<BatchForm>()
  const [busy, setBusy] = useState(false)
  const chosen = Form.useWatch('videoIds', form) ?? []
  const lock = Form.useWatch('lock', form) ?? false
  const canWrite = user?.role === 'admin' || user?.role === 'staff'
  const b = batch.data ?? null
  const running = b?.active ?? false

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true)
    try {
      await fn()
      await batch.refetch()
    } catch (err) {
      message.error(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }

  const start = (v: BatchForm) =>
    act(() =>
      api.invoke('nfc-batch-start', {
        videoIds: v.videoIds,
        strategy: v.videoIds.length > 1 ? v.strategy : undefined,
        tier: v.tier,
        labelPrefix: v.labelPrefix ?? '',
        reader: v.reader && v.reader !== ANY ? v.reader : undefined,
        password: v.password || undefined,
        currentPassword: v.currentPassword || undefined,
        lock: v.lock ?? false,
        confirmLock: v.lock ? v.confirmLock : undefined,
      }),
    )

  const resolve = (item: BatchItem, action: 'overwrite' | 'rebind') => {
    const go = () => act(() => api.invoke('nfc-batch-resolve', { itemId: item.id, action }))
    if (action === 'overwrite')
      modal.confirm({
        title: t('nfc.overwriteConfirm', { found: item.found ?? '' }),
        okButtonProps: { danger: true },
        onOk: go,
      })
    else void go()
  }

  const ok = b ? b.items.filter((i) => i.state === 'ok').length : 0
  const working = b?.items.some((i) => i.state === 'working') ?? false
  const labels = b ? labelsUrl(b) : null

  return (
    <>
      <PageHeader title={t('nfc.title')} subtitle={t('nfc.subtitle')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <ReaderStatus status={status.data} />
          {running && b && <BatchSummary batch={b} />}
          {!running && canWrite && (
            <Card title={t('nfc.setup')} style={{ marginTop: 16 }} data-testid="batch-setup">
              <Typography.Paragraph type="secondary">{t('nfc.setupHint')}</Typography.Paragraph>
              <Form<BatchForm>
                form={form}
                layout="vertical"
                onFinish={start}
                initialValues={{
                  strategy: 'rotate',
                  tier: 'normal',
                  labelPrefix: '',
                  reader: ANY,
                  lock: false,
                }}
              >
                <Form.Item
                  name="videoIds"
                  label={t('tags.videos')}
                  rules={[{ required: true, type: 'array', min: 1, message: t('tags.videosHint') }]}
                >
                  <Select
                    mode="multiple"
                    optionFilterProp="label"
                    options={(videos.data ?? [])
                      .filter((v) => v.status === 'ready')
                      .map((v) => ({ value: v.id, label: v.title }))}
                    data-testid="batch-videos"
                  />
                </Form.Item>
                {chosen.length > 1 && (
                  <Form.Item name="strategy" label={t('tags.strategy')}>
                    <Select
                      options={(['rotate', 'random', 'least-delivered', 'fixed'] satisfies Strategy[]).map(
                        (s) => ({
                          value: s,
                          label: t(`tags.strategies.${s}`),
                        }),
                      )}
                    />
                  </Form.Item>
                )}
                <Flex gap={16} wrap>
                  <Form.Item
                    name="labelPrefix"
                    label={t('nfc.prefix')}
                    extra={t('nfc.prefixHint')}
                    style={{ flex: 1 }}
                  >
                    <Input maxLength={30} data-testid="batch-prefix" />
                  </Form.Item>
                  <Form.Item name="tier" label={t('tags.tier')}>
                    <Radio.Group>
                      <Radio.Button value="normal">{t('tags.normal')}</Radio.Button>
                      <Radio.Button value="vip">{t('tags.vip')}</Radio.Button>
                    </Radio.Group>
                  </Form.Item>
                </Flex>
                <Form.Item name="reader" label={t('nfc.reader')}>
                  <Select
                    options={[
                      { value: ANY, label: t('nfc.anyReader') },
                      ...(status.data?.readers ?? []).map((r) => ({ value: r.name, label: r.name })),
                    ]}
                  />
                </Form.Item>
                <Collapse
                  size="small"
                  style={{ marginBottom: 16 }}
                  items={[
                    {
                      key: 'p',
                      label: t('nfc.protection'),
                      forceRender: true,
                      children: (
                        <>
                          <Form.Item
                            name="password"
                            label={t('nfc.password')}
                            extra={t('nfc.passwordHint')}
                            rules={[{ pattern: /^[0-9a-fA-F]{8}$/, message: t('nfc.passwordHint') }]}
                          >
                            <Input.Password autoComplete="off" maxLength={8} />
                          </Form.Item>
                          <Form.Item
                            name="currentPassword"
                            label={t('nfc.currentPassword')}
                            extra={t('nfc.currentPasswordHint')}
                            rules={[{ pattern: /^[0-9a-fA-F]{8}$/, message: t('nfc.passwordHint') }]}
                          >
                            <Input.Password autoComplete="off" maxLength={8} />
                          </Form.Item>
                          <Form.Item
                            name="lock"
                            label={t('nfc.lock')}
                            valuePropName="checked"
                            extra={t('nfc.lockHint')}
                          >
                            <Switch />
                          </Form.Item>
                          {lock && (
                            <Form.Item
                              name="confirmLock"
                              label={t('nfc.lockConfirm')}
                              rules={[{ required: true, pattern: /^LOCK$/, message: t('nfc.lockConfirm') }]}
                            >
                              <Input placeholder="LOCK" />
                            </Form.Item>
                          )}
                        </>
                      ),
                    },
                  ]}
                />
                <Button
                  type="primary"
                  htmlType="submit"
                  icon={<ScanOutlined />}
                  loading={busy}
                  block
                  size="large"
                  data-testid="batch-start"
                >
                  {t('nfc.start')}
                </Button>
              </Form>
            </Card>
          )}
        </Col>
        <Col xs={24} lg={16}>
          {running && b && (
            <Card style={{ marginBottom: 16 }} data-testid="batch-running">
              <Flex align="center" gap={20} wrap>
                <Progress
                  type="circle"
                  size={84}
                  percent={working ? 60 : 100}
                  status={working ? 'active' : 'normal'}
                  format={() => (working ? <LoadingOutlined /> : <ScanOutlined style={{ fontSize: 28 }} />)}
                />
                <Flex vertical style={{ flex: 1, minWidth: 220 }}>
                  <Typography.Title level={4} style={{ margin: 0 }}>
                    {t('nfc.place')}
                  </Typography.Title>
                  <Typography.Text type="secondary">{t('nfc.placeHint')}</Typography.Text>
                  <Space style={{ marginTop: 8 }} wrap>
                    <AntTag color="blue">{t('nfc.running')}</AntTag>
                    <Typography.Text strong data-testid="batch-count">
                      <CheckCircleFilled style={{ color: '#16a34a', marginRight: 6 }} />
                      {t('nfc.done', { ok })}
                    </Typography.Text>
                    {b.lock && <AntTag color="red">{t('nfc.lock')}</AntTag>}
                  </Space>
                </Flex>
                <Space>
                  {labels && (
                    <Button
                      icon={<FilePdfOutlined />}
                      href={`${labels}&lang=${i18n.language}`}
                      download="tapdrop-labels.pdf"
                      data-testid="batch-labels"
                    >
                      {t('nfc.labels')}
                    </Button>
                  )}
                  <Button
                    danger
                    icon={<PoweroffOutlined />}
                    onClick={() => void act(() => api.invoke('nfc-batch-stop', {}))}
                    data-testid="batch-stop"
                  >
                    {t('nfc.stop')}
                  </Button>
                </Space>
              </Flex>
            </Card>
          )}
          {!running && b && (
            <Alert
              style={{ marginBottom: 16 }}
              type="success"
              showIcon
              title={`${t('nfc.finished')} · ${t('nfc.done', { ok })}`}
              action={
                labels && (
                  <Button
                    size="small"
                    icon={<FilePdfOutlined />}
                    href={`${labels}&lang=${i18n.language}`}
                    download="tapdrop-labels.pdf"
                  >
                    {t('nfc.labels')}
                  </Button>
                )
              }
            />
          )}
          <Card styles={{ body: { padding: 0 } }}>
            <Table<BatchItem>
              rowKey="id"
              dataSource={b ? [...b.items].reverse() : []}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description={t('nfc.noItems')} /> }}
              data-testid="batch-items"
              columns={[
                {
                  title: '#',
                  key: 'n',
                  width: 48,
                  render: (_v, _i, index) => (b ? b.items.length - index : ''),
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
                      <Typography.Text
                        style={{ fontFamily: 'monospace', fontSize: 12, whiteSpace: 'nowrap' }}
                      >
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
                          {t(`nfc.state.${i.state}`)}
                        </AntTag>
                      </span>
                      {i.error && (
                        <Typography.Text type="danger" style={{ fontSize: 12 }}>
                          {t(`errors.${i.error.code}`, {
                            message: i.error.message,
                            defaultValue: i.error.message,
                          })}
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
                        <Button
                          size="small"
                          onClick={() => resolve(i, 'rebind')}
                          data-testid={`rebind-${i.id}`}
                        >
                          {t('nfc.rebind')}
                        </Button>
                      ) : null
                    ) : null,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  )
}

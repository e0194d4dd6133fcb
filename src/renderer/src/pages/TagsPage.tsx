import { useState } from 'react'
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Popover,
  QRCode,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag as AntTag,
  Typography,
} from 'antd'
import {
  DeleteOutlined,
  EditOutlined,
  FilePdfOutlined,
  PlusOutlined,
  QrcodeOutlined,
} from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import { useQueryClient } from '@tanstack/react-query'
import { StrategySchema, type Strategy, type Tag, type Tier } from '../../../shared/contract/tags'
import { api, errorMessage } from '../api/client'
import { useApiQuery } from '../api/queries'
import { useAuth } from '../auth/AuthContext'
import { PageHeader } from '../components/PageHeader'
import { CopyText } from '../components/CopyText'
import { formatTime } from '../format'

interface TagForm {
  label: string
  videoIds: number[]
  strategy: Strategy
  tier: Tier
  dailyCap: number | null
}

const STRATEGIES = StrategySchema.options

export function TagsPage() {
  const { t, i18n } = useTranslation()
  const { message, modal } = App.useApp()
  const { user } = useAuth()
  const client = useQueryClient()
  const tags = useApiQuery('tag-list', {})
  const videos = useApiQuery('video-list', {})
  const [editing, setEditing] = useState<Tag | 'new' | null>(null)
  const [selected, setSelected] = useState<number[]>([])
  const [form] = Form.useForm<TagForm>()
  const canEdit = user?.role === 'admin' || user?.role === 'staff'
  const refresh = () => client.invalidateQueries({ queryKey: ['tag-list'] })
  const chosen = Form.useWatch('videoIds', form) ?? []

  const open = (tag: Tag | 'new') => {
    setEditing(tag)
    form.setFieldsValue(
      tag === 'new'
        ? { label: '', videoIds: [], strategy: 'fixed', tier: 'normal', dailyCap: null }
        : {
            label: tag.label,
            videoIds: tag.videos.map((v) => v.id),
            strategy: tag.strategy,
            tier: tag.tier,
            dailyCap: tag.dailyCap,
          },
    )
  }
  const save = async (v: TagForm) => {
    try {
      const strategy = v.videoIds.length > 1 ? v.strategy : 'fixed'
      if (editing === 'new') await api.invoke('tag-create', { ...v, strategy, dailyCap: v.dailyCap ?? null })
      else if (editing)
        await api.invoke('tag-update', { id: editing.id, ...v, strategy, dailyCap: v.dailyCap ?? null })
      message.success(editing === 'new' ? t('tags.created') : t('tags.saved'))
      setEditing(null)
      await refresh()
    } catch (err) {
      message.error(errorMessage(err))
    }
  }
  const run = async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn()
      message.success(ok)
      await refresh()
    } catch (err) {
      message.error(errorMessage(err))
    }
  }
  const stale = (tags.data ?? []).filter((x) => !x.baseUrlReachable)

  return (
    <>
      <PageHeader
        title={t('tags.title')}
        subtitle={t('tags.subtitle')}
        extra={
          <Space>
            <Button
              icon={<FilePdfOutlined />}
              disabled={selected.length === 0}
              href={`/labels.pdf?tags=${selected.join(',')}&lang=${i18n.language}`}
              // A download, not a new window: the desktop app allows no new windows.
              download="tapdrop-labels.pdf"
              data-testid="tag-labels"
            >
              {t('tags.labels')}
              {selected.length > 0 ? ` (${selected.length})` : ''}
            </Button>
            {canEdit && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => open('new')}
                data-testid="tag-add"
              >
                {t('tags.add')}
              </Button>
            )}
          </Space>
        }
      />
      {stale.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('tags.staleTitle', { n: stale.length })}
          description={t('tags.staleText', { urls: [...new Set(stale.map((x) => x.baseUrl))].join(', ') })}
          data-testid="stale-tags"
        />
      )}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Tag>
          rowKey="id"
          loading={tags.isLoading}
          dataSource={tags.data ?? []}
          pagination={{ pageSize: 25, hideOnSinglePage: true }}
          locale={{ emptyText: t('tags.empty') }}
          rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) }}
          data-testid="tags-table"
          columns={[
            {
              title: t('tags.label'),
              key: 'label',
              render: (_v, tag) => (
                <Flex vertical>
                  <Space size={6}>
                    <Typography.Text strong>{tag.label || '—'}</Typography.Text>
                    {tag.tier === 'vip' && <AntTag color="gold">VIP</AntTag>}
                  </Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} code>
                    {tag.code}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              title: t('tags.url'),
              key: 'url',
              render: (_v, tag) => (
                <Space>
                  <CopyText text={tag.url} />
                  <Popover
                    trigger="click"
                    content={
                      <Flex vertical align="center" gap={8}>
                        <QRCode value={tag.url} size={180} />
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('tags.qrHint')}
                        </Typography.Text>
                      </Flex>
                    }
                  >
                    <Button
                      size="small"
                      icon={<QrcodeOutlined />}
                      aria-label={t('tags.qr')}
                      data-testid={`qr-${tag.id}`}
                    />
                  </Popover>
                  {!tag.baseUrlReachable && <AntTag color="red">!</AntTag>}
                </Space>
              ),
            },
            {
              title: t('tags.videos'),
              key: 'videos',
              render: (_v, tag) => (
                <Flex vertical>
                  <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                    {tag.videos.map((v) => v.title).join(' · ')}
                  </Typography.Text>
                  {tag.videos.length > 1 && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t(`tags.strategies.${tag.strategy}`)}
                    </Typography.Text>
                  )}
                </Flex>
              ),
            },
            {
              title: t('tags.programmed'),
              key: 'chip',
              width: 150,
              render: (_v, tag) =>
                tag.chip ? (
                  <Flex vertical>
                    <AntTag color="green" style={{ width: 'fit-content' }}>
                      {tag.chip}
                    </AntTag>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {tag.programmedAt ? formatTime(tag.programmedAt) : ''}
                    </Typography.Text>
                  </Flex>
                ) : (
                  <Typography.Text type="secondary">{t('tags.notProgrammed')}</Typography.Text>
                ),
            },
            { title: t('tags.tapsToday'), dataIndex: 'tapsToday', width: 100, align: 'right' },
            {
              title: t('tags.lastTap'),
              dataIndex: 'lastTapAt',
              width: 150,
              render: (v: string | null) => (v ? formatTime(v) : '—'),
            },
            {
              title: t('tags.enabled'),
              key: 'enabled',
              width: 80,
              render: (_v, tag) => (
                <Switch
                  size="small"
                  checked={tag.enabled}
                  disabled={!canEdit}
                  onChange={(on) =>
                    void run(() => api.invoke('tag-update', { id: tag.id, enabled: on }), t('tags.saved'))
                  }
                  data-testid={`tag-enabled-${tag.id}`}
                />
              ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 110,
              render: (_v, tag) => (
                <Space size={4}>
                  {canEdit && (
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      onClick={() => open(tag)}
                      aria-label={t('tags.edit')}
                    />
                  )}
                  {user?.role === 'admin' && (
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() =>
                        modal.confirm({
                          title: t('tags.deleteConfirm', { label: tag.label || tag.code }),
                          okButtonProps: { danger: true },
                          onOk: () => run(() => api.invoke('tag-delete', { id: tag.id }), t('tags.deleted')),
                        })
                      }
                    />
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Modal
        title={editing === 'new' ? t('tags.add') : t('tags.edit')}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'tag-save' }}
        destroyOnHidden
      >
        <Form<TagForm>
          form={form}
          layout="vertical"
          onFinish={save}
          onValuesChange={(changed: Partial<TagForm>) => {
            // Choosing a second video means a pool: "always the first" would make the others pointless. (The
            // strategy field mounts only with a pool, so its value is read from the store, not from `all`.)
            if (
              changed.videoIds &&
              changed.videoIds.length > 1 &&
              (form.getFieldValue('strategy') ?? 'fixed') === 'fixed'
            )
              form.setFieldValue('strategy', 'rotate')
          }}
        >
          <Form.Item name="label" label={t('tags.label')} rules={[{ max: 40 }]}>
            <Input placeholder={t('tags.labelHint')} data-testid="tag-label" />
          </Form.Item>
          <Form.Item
            name="videoIds"
            label={t('tags.videos')}
            extra={t('tags.videosHint')}
            rules={[{ required: true, type: 'array', min: 1 }]}
          >
            <Select
              mode="multiple"
              optionFilterProp="label"
              options={(videos.data ?? []).map((v) => ({ value: v.id, label: v.title }))}
              data-testid="tag-videos"
            />
          </Form.Item>
          {chosen.length > 1 && (
            <Form.Item name="strategy" label={t('tags.strategy')}>
              <Select options={STRATEGIES.map((s) => ({ value: s, label: t(`tags.strategies.${s}`) }))} />
            </Form.Item>
          )}
          <Flex gap={16}>
            <Form.Item name="tier" label={t('tags.tier')}>
              <Radio.Group>
                <Radio.Button value="normal">{t('tags.normal')}</Radio.Button>
                <Radio.Button value="vip">{t('tags.vip')}</Radio.Button>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="dailyCap" label={t('tags.dailyCap')} extra={t('tags.dailyCapHint')}>
              <InputNumber min={1} style={{ width: 140 }} />
            </Form.Item>
          </Flex>
        </Form>
      </Modal>
    </>
  )
}

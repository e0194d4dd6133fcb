import { useState } from 'react'
import { App, Button, Card, Flex, Popconfirm, Space, Table, Tag as AntTag, Typography } from 'antd'
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Caption } from '../../../../shared/contract/captions'
import { errorMessage } from '../../api/client'
import { useCaptions, useDeleteCaption } from '../../api/captions'
import { useAuth } from '../../auth/AuthContext'
import { formatTime } from '../../format'
import { CaptionFormModal, type CaptionOwner } from './CaptionFormModal'

/** The captions of a video or a tag: each with its hashtags, mentions, location and uses; staff add and edit. */
export function CaptionsCard({
  owner,
  placement,
  bordered = true,
}: {
  owner: CaptionOwner
  /** What {标签位置} becomes in the preview. */
  placement: string
  bordered?: boolean
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const { user } = useAuth()
  const query = useCaptions('tagId' in owner ? { tagId: owner.tagId } : { videoId: owner.videoId })
  const remove = useDeleteCaption()
  const [editing, setEditing] = useState<Caption | 'new' | null>(null)
  const canEdit = user?.role === 'admin' || user?.role === 'staff'
  const titles = new Map('tagId' in owner ? owner.videos.map((v) => [v.id, v.title]) : [])

  return (
    <Card
      // In a drawer the drawer's title says what this is.
      title={bordered ? t('captions.title') : undefined}
      variant={bordered ? 'outlined' : 'borderless'}
      extra={
        canEdit && (
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="caption-add">
            {t('captions.add')}
          </Button>
        )
      }
      styles={{ body: { padding: 0 } }}
      data-testid="captions-card"
    >
      <Typography.Paragraph type="secondary" style={{ padding: '12px 16px 0' }}>
        {'tagId' in owner ? t('captions.tagHelp') : t('captions.videoHelp')}
      </Typography.Paragraph>
      <Table<Caption>
        rowKey="id"
        size="small"
        loading={query.isLoading}
        dataSource={query.data ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t('captions.empty') }}
        data-testid="captions-table"
        columns={[
          {
            title: t('captions.text'),
            key: 'text',
            render: (_v, c) => (
              <Flex vertical gap={2}>
                <Typography.Text style={{ whiteSpace: 'pre-wrap' }} data-testid={`caption-${c.id}`}>
                  {c.text}
                </Typography.Text>
                {(c.hashtags.length > 0 || c.mentions.length > 0) && (
                  <Space size={2} wrap>
                    {c.hashtags.map((h) => (
                      <AntTag key={`#${h}`} color="blue">
                        #{h}
                      </AntTag>
                    ))}
                    {c.mentions.map((m) => (
                      <AntTag key={`@${m}`}>@{m}</AntTag>
                    ))}
                  </Space>
                )}
                {c.poi && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('captions.location', { poi: c.poi })}
                  </Typography.Text>
                )}
                {'tagId' in owner && c.videoId !== null && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('captions.forVideoOne', { title: titles.get(c.videoId) ?? `#${c.videoId}` })}
                  </Typography.Text>
                )}
              </Flex>
            ),
          },
          { title: t('captions.uses'), dataIndex: 'uses', width: 80, align: 'right' },
          {
            title: t('captions.lastUsed'),
            dataIndex: 'lastUsedAt',
            width: 160,
            render: (v: string | null) => (v ? formatTime(v) : '—'),
          },
          ...(canEdit
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 100,
                  render: (_v: unknown, c: Caption) => (
                    <Space>
                      <Button
                        size="small"
                        icon={<EditOutlined />}
                        onClick={() => setEditing(c)}
                        aria-label={t('captions.edit')}
                        data-testid={`caption-edit-${c.id}`}
                      />
                      <Popconfirm
                        title={t('captions.deleteConfirm')}
                        okText={t('common.confirm')}
                        cancelText={t('common.cancel')}
                        onConfirm={async () => {
                          try {
                            await remove.mutateAsync({ id: c.id })
                            message.success(t('captions.deleted'))
                          } catch (err) {
                            message.error(errorMessage(err))
                          }
                        }}
                      >
                        <Button
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t('common.confirm')}
                          data-testid={`caption-delete-${c.id}`}
                        />
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <CaptionFormModal
        owner={owner}
        editing={editing}
        placement={placement}
        onClose={() => setEditing(null)}
      />
    </Card>
  )
}

import { PlusOutlined, PlayCircleOutlined } from '@ant-design/icons'
import { App, Button, Card, Flex, Popconfirm, Space, Table, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Template } from '../../../../shared/contract/remix'
import { errorMessage } from '../../api/client'
import { previewUrl, useDeleteTemplate, usePreviewTemplate, useTemplates } from '../../api/remix'
import { useAuth } from '../../auth/AuthContext'
import { PageHeader } from '../../components/PageHeader'
import { PoolsCard } from './PoolsCard'
import { TemplateFormModal } from './TemplateFormModal'

/** 一碰一个新视频: the remix templates (editor, preview) and each remix tag's pool. */
export function RemixPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const templates = useTemplates()
  const remove = useDeleteTemplate()
  const preview = usePreviewTemplate()
  const [editing, setEditing] = useState(false)
  const [shown, setShown] = useState<{ templateId: number; seed: number; url: string } | null>(null)
  const [rendering, setRendering] = useState<number | null>(null)
  // Making, previewing (it renders) and deleting templates is staff's work; a viewer sees the templates and pools.
  const { user } = useAuth()
  const canEdit = user?.role === 'admin' || user?.role === 'staff'

  const render = async (id: number) => {
    setRendering(id)
    try {
      const p = await preview.mutateAsync({ id })
      setShown({ templateId: id, seed: p.seed, url: previewUrl(p.path) })
    } catch (err) {
      message.error(errorMessage(err))
    } finally {
      setRendering(null)
    }
  }

  return (
    <>
      <PageHeader
        title={t('remix.title')}
        subtitle={t('remix.subtitle')}
        extra={
          canEdit && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing(true)}
              data-testid="new-template"
            >
              {t('remix.newTemplate')}
            </Button>
          )
        }
      />
      <Flex vertical gap={16}>
        <Card title={t('remix.templates')}>
          <Flex gap={16} align="flex-start" wrap>
            <Table
              style={{ flex: '1 1 520px' }}
              rowKey="id"
              size="middle"
              pagination={false}
              loading={templates.isLoading}
              dataSource={templates.data ?? []}
              columns={[
                { title: t('remix.name'), dataIndex: 'name' },
                {
                  title: t('remix.clips'),
                  key: 'clips',
                  render: (_: unknown, x: Template) => `${x.rules.clips} / ${x.clips.length}`,
                },
                { title: t('remix.seconds'), key: 's', render: (_: unknown, x: Template) => x.rules.seconds },
                { title: t('remix.tags'), key: 'tags', render: (_: unknown, x: Template) => x.tagIds.length },
                ...(canEdit
                  ? [
                      {
                        title: t('common.actions'),
                        key: 'actions',
                        render: (_: unknown, x: Template) => (
                          <Space>
                            <Button
                              size="small"
                              icon={<PlayCircleOutlined />}
                              loading={rendering === x.id}
                              onClick={() => render(x.id)}
                              data-testid={`preview-${x.id}`}
                            >
                              {rendering === x.id ? t('remix.previewing') : t('remix.preview')}
                            </Button>
                            <Popconfirm
                              title={t('remix.delete')}
                              onConfirm={() =>
                                remove
                                  .mutateAsync({ id: x.id })
                                  .catch((err) => message.error(errorMessage(err)))
                              }
                            >
                              <Button size="small" danger disabled={x.tagIds.length > 0}>
                                {t('remix.delete')}
                              </Button>
                            </Popconfirm>
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            {shown && (
              <div style={{ flex: '0 0 300px' }} data-testid="remix-preview">
                <Typography.Text type="secondary">
                  {t('remix.previewOf', { seed: shown.seed })}
                </Typography.Text>
                <video
                  key={shown.url}
                  src={shown.url}
                  controls
                  style={{ width: '100%', borderRadius: 8, marginTop: 6, background: '#000' }}
                />
              </div>
            )}
          </Flex>
        </Card>
        <PoolsCard />
      </Flex>
      <TemplateFormModal open={editing} onClose={() => setEditing(false)} />
    </>
  )
}

import { useState } from 'react'
import { Alert, Button, Drawer, Space, Typography } from 'antd'
import { FilePdfOutlined, PlusOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Tag } from '../../../../shared/contract/tags'
import { useTags } from '../../api/tags'
import { useAuth } from '../../auth/AuthContext'
import { PageHeader } from '../../components/PageHeader'
import { TagsTable } from './TagsTable'
import { TagFormModal } from './TagFormModal'
import { CaptionsCard } from '../captions/CaptionsCard'
import { CouponsPanel } from './CouponsPanel'

/**
 * The store's tags: print labels for a selection, add and edit tags, their captions and coupon codes, and a warning
 * for unreachable ones.
 */
export function TagsPage() {
  const { t, i18n } = useTranslation()
  const { user } = useAuth()
  const tags = useTags()
  const [editing, setEditing] = useState<Tag | 'new' | null>(null)
  const [selected, setSelected] = useState<number[]>([])
  // The tag whose captions are open, kept current as the list refreshes.
  const [captionsOf, setCaptionsOf] = useState<number | null>(null)
  const captionsTag = (tags.data ?? []).find((x) => x.id === captionsOf) ?? null
  const [couponsOf, setCouponsOf] = useState<number | null>(null)
  const couponsTag = (tags.data ?? []).find((x) => x.id === couponsOf) ?? null
  const canEdit = user?.role === 'admin' || user?.role === 'staff'
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
                onClick={() => setEditing('new')}
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
      <TagsTable
        selected={selected}
        onSelect={setSelected}
        onEdit={setEditing}
        onCaptions={(tag) => setCaptionsOf(tag.id)}
        onCoupons={(tag) => setCouponsOf(tag.id)}
      />
      <TagFormModal editing={editing} onClose={() => setEditing(null)} />
      <Drawer
        open={captionsTag !== null}
        onClose={() => setCaptionsOf(null)}
        size="large"
        title={
          captionsTag && (
            <Space>
              {t('tags.captions')}
              <Typography.Text type="secondary">{captionsTag.label || captionsTag.code}</Typography.Text>
            </Space>
          )
        }
        styles={{ body: { padding: 0 } }}
        destroyOnHidden
      >
        {captionsTag && (
          <CaptionsCard
            bordered={false}
            placement={captionsTag.label}
            owner={{
              tagId: captionsTag.id,
              videos: captionsTag.videos,
              platforms: captionsTag.platforms,
            }}
          />
        )}
      </Drawer>
      <Drawer
        open={couponsTag !== null}
        onClose={() => setCouponsOf(null)}
        size="large"
        title={
          couponsTag && (
            <Space>
              {t('store.coupons.title')}
              <Typography.Text type="secondary">{couponsTag.label || couponsTag.code}</Typography.Text>
            </Space>
          )
        }
        destroyOnHidden
        data-testid="coupons-drawer"
      >
        {couponsTag && <CouponsPanel tag={couponsTag} canEdit={canEdit} />}
      </Drawer>
    </>
  )
}

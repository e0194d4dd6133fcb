import {
  App,
  Button,
  Card,
  Flex,
  Popover,
  QRCode,
  Space,
  Switch,
  Table,
  Tag as AntTag,
  Tooltip,
  Typography,
} from 'antd'
import {
  DeleteOutlined,
  EditOutlined,
  GiftOutlined,
  MessageOutlined,
  QrcodeOutlined,
} from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Tag } from '../../../../shared/contract/tags'
import type { FunnelCounts } from '../../../../shared/contract/funnel'
import { formatShare, publishRate } from '../../../../shared/funnel/stages'
import { errorMessage } from '../../api/client'
import { useFunnelBreakdown } from '../../api/funnel'
import { useTemplates } from '../../api/remix'
import { useCouponSummary } from '../../api/store-actions'
import { useDeleteTag, useTags, useUpdateTag } from '../../api/tags'
import { useAuth } from '../../auth/AuthContext'
import { CopyText } from '../../components/CopyText'
import { formatTime } from '../../format'

/** The period of the tags list's publish rate: the last 7 days with today (the hub's local days). */
export const PUBLISH_RATE_DAYS = 7

/**
 * Every tag: where it sits, its URL and QR code, what it delivers, whether it was programmed, its taps, and how
 * many of the customers it gave a video chose to post it.
 */
export function TagsTable({
  selected,
  onSelect,
  onEdit,
  onCaptions,
  onCoupons,
}: {
  selected: number[]
  onSelect: (ids: number[]) => void
  onEdit: (tag: Tag) => void
  /** Opens the tag's captions. */
  onCaptions: (tag: Tag) => void
  /** Opens the tag's coupon codes. */
  onCoupons: (tag: Tag) => void
}) {
  const { t } = useTranslation()
  const { message, modal } = App.useApp()
  const { user } = useAuth()
  const tags = useTags()
  const templates = useTemplates()
  const templateName = (id: number) => templates.data?.find((x) => x.id === id)?.name || `#${id}`
  const update = useUpdateTag()
  const remove = useDeleteTag()
  const canEdit = user?.role === 'admin' || user?.role === 'staff'
  const funnel = useFunnelBreakdown('tag', { days: PUBLISH_RATE_DAYS })
  const byTag = new Map((funnel.data?.rows ?? []).map((r) => [r.id, r.counts]))
  const rateOf = (tag: Tag) => {
    const c = byTag.get(tag.id)
    return c ? publishRate(c) : null
  }

  const run = async (fn: () => Promise<unknown>, ok: string) => {
    try {
      await fn()
      message.success(ok)
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  return (
    <Card styles={{ body: { padding: 0 } }}>
      <Table<Tag>
        rowKey="id"
        loading={tags.isLoading}
        dataSource={tags.data ?? []}
        pagination={{ pageSize: 25, hideOnSinglePage: true }}
        locale={{ emptyText: t('tags.empty') }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => onSelect(keys as number[]) }}
        data-testid="tags-table"
        // Narrower than its columns (a small window): it scrolls sideways rather than squeezing them.
        scroll={{ x: 1146 }}
        // Columns as wide as their content (a tag's address is one unbroken line), the actions column fixed.
        tableLayout="auto"
        columns={[
          {
            // The placement, its code and the address it opens: one column, so the table fits a laptop's
            // console without wrapping the address a character a line.
            title: `${t('tags.label')} · ${t('tags.url')}`,
            key: 'label',
            width: 270,
            render: (_v, tag) => (
              <Flex vertical gap={2}>
                <Space size={6}>
                  <Typography.Text strong>{tag.label || '—'}</Typography.Text>
                  {tag.tier === 'vip' && <AntTag color="gold">VIP</AntTag>}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} code>
                    {tag.code}
                  </Typography.Text>
                </Space>
                <Space size={4} style={{ whiteSpace: 'nowrap', fontSize: 12 }}>
                  <CopyText text={tag.url} small />
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
              </Flex>
            ),
          },
          {
            title: t('tags.videos'),
            key: 'videos',
            width: 190,
            render: (_v, tag) => (
              <Flex vertical>
                {tag.templateId !== null && (
                  // A remix tag: each tap gets a new variant of its template; the video below is the fallback.
                  <AntTag
                    color="purple"
                    style={{ width: 'fit-content', marginBottom: 2 }}
                    data-testid={`tag-template-${tag.id}`}
                  >
                    {t('tags.remixOf', { name: templateName(tag.templateId) })}
                  </AntTag>
                )}
                {tag.chainCampaign && (
                  // At a chain store: HQ's campaign plays on this tag today; its own videos come back after.
                  <AntTag
                    color="geekblue"
                    style={{ width: 'fit-content', marginBottom: 2, whiteSpace: 'normal' }}
                    data-testid={`tag-campaign-${tag.id}`}
                  >
                    {t('tags.chainCampaign', {
                      titles: tag.chainCampaign.videos.map((v) => v.title).join(' · '),
                    })}
                  </AntTag>
                )}
                <Typography.Text
                  ellipsis
                  type={tag.chainCampaign ? 'secondary' : undefined}
                  style={{ maxWidth: 260 }}
                >
                  {tag.chainCampaign ? `${t('tags.ownVideos')}: ` : ''}
                  {tag.videos.map((v) => v.title).join(' · ')}
                </Typography.Text>
                {tag.videos.length > 1 && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`label.strategy.${tag.strategy}`)}
                  </Typography.Text>
                )}
                <Typography.Text
                  type="secondary"
                  style={{ fontSize: 12 }}
                  data-testid={`tag-platforms-${tag.id}`}
                >
                  {tag.platforms.map((p) => t(`label.platform.${p}`)).join(' · ') || '—'}
                </Typography.Text>
              </Flex>
            ),
          },
          {
            title: <span style={{ whiteSpace: 'nowrap' }}>{t('tags.programmed')}</span>,
            key: 'chip',
            width: 110,
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
                <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
                  {t('tags.notProgrammed')}
                </Typography.Text>
              ),
          },
          {
            title: t('tags.tapsToday'),
            key: 'tapsToday',
            width: 90,
            align: 'right',
            // A capped tag says so under its taps: one that runs out of videos is then no surprise.
            render: (_v, tag) => (
              <Flex vertical align="end">
                {tag.tapsToday}
                {tag.dailyCap !== null && (
                  <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                    {t('tags.capPerDay', { n: tag.dailyCap })}
                  </Typography.Text>
                )}
              </Flex>
            ),
          },
          {
            // The help is the header's own tooltip (antd's "click to sort" would cover it).
            title: (
              <Tooltip title={t('tags.publishRateHelp', { n: PUBLISH_RATE_DAYS })}>
                <span style={{ whiteSpace: 'nowrap' }}>
                  {t('tags.publishRate', { n: PUBLISH_RATE_DAYS })}
                </span>
              </Tooltip>
            ),
            showSorterTooltip: false,
            key: 'publishRate',
            width: 110,
            align: 'right',
            // Tags without taps in the period go last either way.
            sorter: (a, b) => (rateOf(a) ?? -1) - (rateOf(b) ?? -1),
            render: (_v, tag) => <PublishRate counts={byTag.get(tag.id)} id={tag.id} />,
          },
          {
            title: <span style={{ whiteSpace: 'nowrap' }}>{t('tags.lastTap')}</span>,
            dataIndex: 'lastTapAt',
            width: 120,
            render: (v: string | null) => (v ? formatTime(v) : '—'),
          },
          {
            title: t('tags.enabled'),
            key: 'enabled',
            width: 64,
            render: (_v, tag) => (
              <Switch
                size="small"
                checked={tag.enabled}
                disabled={!canEdit}
                onChange={(on) =>
                  void run(() => update.mutateAsync({ id: tag.id, enabled: on }), t('tags.saved'))
                }
                data-testid={`tag-enabled-${tag.id}`}
              />
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 160,
            // Kept in view while the table scrolls sideways (at 1366 px the edit and delete buttons were past the
            // card's right edge).
            fixed: 'right',
            render: (_v, tag) => (
              <Space size={4}>
                <Button
                  size="small"
                  icon={<MessageOutlined />}
                  onClick={() => onCaptions(tag)}
                  aria-label={t('tags.captions')}
                  title={t('tags.captions')}
                  data-testid={`tag-captions-${tag.id}`}
                >
                  {tag.captionCount}
                </Button>
                <CouponsButton tag={tag} onClick={() => onCoupons(tag)} />
                {canEdit && (
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    onClick={() => onEdit(tag)}
                    aria-label={t('tags.edit')}
                  />
                )}
                {user?.role === 'admin' && (
                  <Button
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('videos.delete')}
                    data-testid={`tag-delete-${tag.id}`}
                    onClick={() =>
                      modal.confirm({
                        title: t('tags.deleteConfirm', { label: tag.label || tag.code }),
                        okButtonProps: { danger: true },
                        onOk: () => run(() => remove.mutateAsync({ id: tag.id }), t('tags.deleted')),
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
  )
}

/** Opens a tag's coupon codes; shows how many were given of how many imported. */
function CouponsButton({ tag, onClick }: { tag: Tag; onClick: () => void }) {
  const { t } = useTranslation()
  const summary = useCouponSummary(tag.id).data
  return (
    <Button
      size="small"
      icon={<GiftOutlined />}
      onClick={onClick}
      aria-label={t('store.coupons.title')}
      title={t('store.coupons.buttonHelp')}
      data-testid={`tag-coupons-${tag.id}`}
    >
      {summary && summary.total > 0 ? `${summary.claimed}/${summary.total}` : null}
    </Button>
  )
}

/** A tag's publish rate, with the counts it comes from. */
function PublishRate({ counts, id }: { counts: FunnelCounts | undefined; id: number }) {
  const rate = counts ? publishRate(counts) : null
  return (
    <Flex vertical align="flex-end" data-testid={`tag-publish-rate-${id}`} data-rate={rate ?? ''}>
      <Typography.Text strong={rate !== null}>{formatShare(rate)}</Typography.Text>
      {counts && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {counts.publishedAny} / {counts.taps}
        </Typography.Text>
      )}
    </Flex>
  )
}

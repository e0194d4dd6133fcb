import { useState } from 'react'
import { Badge, Button, Checkbox, Divider, Empty, Flex, List, Popover, Typography } from 'antd'
import { BellOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import {
  NotificationKindSchema,
  type Notification,
  type NotificationKind,
} from '../../../shared/contract/monitoring'
import { useMarkNotificationsSeen, useMuteNotifications, useNotifications } from '../api/monitoring'
import { formatTime } from '../format'

const KINDS = NotificationKindSchema.options

/** The translated title and text of a notification (also used for toasts and system notifications). */
export function useNotificationText() {
  const { t } = useTranslation()
  return (n: Notification) => ({
    title: t(`notify.${n.kind}.title`),
    body: t(
      `notify.${n.kind}.body${n.kind === 'reader-lost' && n.params.service ? 'Service' : ''}`,
      n.params,
    ),
  })
}

/** The header's notification centre: unread count, the latest notifications, mark as read, mute per kind. */
export function NotificationBell() {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const q = useNotifications()
  const seen = useMarkNotificationsSeen()
  const mute = useMuteNotifications()
  const text = useNotificationText()
  const items = q.data?.items ?? []

  const markRead = () => seen.mutateAsync({ upTo: items[0]?.id ?? 0 })
  const setMuted = (muted: NotificationKind[]) => mute.mutateAsync({ muted })

  const content = (
    <div style={{ width: 380 }} data-testid="notification-centre">
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t('notify.title')}</Typography.Text>
        <Button size="small" type="link" onClick={() => void markRead()} disabled={!q.data?.unread}>
          {t('notify.markRead')}
        </Button>
      </Flex>
      <List
        size="small"
        style={{ maxHeight: 320, overflow: 'auto' }}
        dataSource={items}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notify.empty')} /> }}
        renderItem={(n) => {
          const x = text(n)
          return (
            <List.Item data-testid="notification-item" data-kind={n.kind}>
              <Flex vertical style={{ width: '100%' }}>
                <Flex justify="space-between">
                  <Typography.Text strong>{x.title}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatTime(n.at)}
                  </Typography.Text>
                </Flex>
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {x.body}
                </Typography.Text>
              </Flex>
            </List.Item>
          )
        }}
      />
      <Divider style={{ margin: '8px 0' }} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('notify.showMe')}
      </Typography.Text>
      <Checkbox.Group
        style={{ display: 'flex', flexDirection: 'column', marginTop: 4 }}
        value={KINDS.filter((k) => !q.data?.muted.includes(k))}
        onChange={(on) => void setMuted(KINDS.filter((k) => !on.includes(k)))}
        options={KINDS.map((k) => ({ value: k, label: t(`notify.${k}.title`) }))}
        data-testid="notification-kinds"
      />
    </div>
  )
  return (
    <Popover content={content} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Badge count={q.data?.unread ?? 0} size="small" overflowCount={99}>
        <Button type="text" shape="circle" icon={<BellOutlined />} data-testid="notification-bell" />
      </Badge>
    </Popover>
  )
}

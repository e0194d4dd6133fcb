import { App, Button, Space } from 'antd'
import { DeleteOutlined, RedoOutlined, RiseOutlined, StopOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Video } from '../../../shared/contract/videos'
import { errorMessage } from '../api/client'
import { useCancelVideo, useDeleteVideo, useRaiseVideo, useRetryVideo } from '../api/videos'
import { useAuth } from '../auth/AuthContext'

/** Retry, raise, stop and delete, shown only when they apply and the person may use them. */
export function VideoActions({
  video,
  onDeleted,
  size = 'small',
}: {
  video: Video
  onDeleted?: () => void
  size?: 'small' | 'middle'
}) {
  const { t } = useTranslation()
  const { message, modal } = App.useApp()
  const { user } = useAuth()
  const retry = useRetryVideo()
  const raise = useRaiseVideo()
  const cancel = useCancelVideo()
  const del = useDeleteVideo()
  if (!user || user.role === 'viewer') return null
  // A video headquarters published is read-only at a store: the hub refuses deleting it (chain-read-only).
  const mine = video.origin !== 'chain' && (user.role === 'admin' || video.uploaderId === user.id)
  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn()
    } catch (err) {
      message.error(errorMessage(err))
    }
  }
  const remove = () =>
    modal.confirm({
      title: t('videos.deleteConfirm', { title: video.title }),
      content: video.tagsUsing > 0 ? t('videos.deleteInUse', { n: video.tagsUsing }) : undefined,
      okText: t('videos.delete'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' },
      cancelText: t('common.cancel'),
      onOk: () =>
        run(async () => {
          await del.mutateAsync({ id: video.id, force: video.tagsUsing > 0 })
          message.success(t('videos.deleted'))
          onDeleted?.()
        }),
    })
  return (
    <Space size={4} wrap>
      {video.status === 'failed' && mine && (
        <Button
          size={size}
          icon={<RedoOutlined />}
          onClick={() => void run(() => retry.mutateAsync({ id: video.id }))}
          data-testid={`retry-${video.id}`}
        >
          {t('videos.retry')}
        </Button>
      )}
      {video.status === 'queued' && !video.job?.raised && (
        <Button
          size={size}
          icon={<RiseOutlined />}
          onClick={() => void run(() => raise.mutateAsync({ id: video.id }))}
        >
          {t('videos.raise')}
        </Button>
      )}
      {(video.status === 'queued' || video.status === 'processing') && mine && (
        <Button
          size={size}
          icon={<StopOutlined />}
          onClick={() => void run(() => cancel.mutateAsync({ id: video.id }))}
        >
          {t('videos.stop')}
        </Button>
      )}
      {mine && (
        <Button
          size={size}
          danger
          icon={<DeleteOutlined />}
          onClick={remove}
          data-testid={`delete-${video.id}`}
        >
          {t('videos.delete')}
        </Button>
      )}
    </Space>
  )
}

import { useRef, useState } from 'react'
import { Button, Card, Flex, List, Progress, Typography, Upload } from 'antd'
import { CloseOutlined, InboxOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { ImportResult, VideoStatus } from '../../../shared/contract/videos'
import { errorMessage } from '../api/client'
import { useUploadVideo, useVideoLimits, useVideos } from '../api/videos'
import { formatBytes } from '../format'

interface Item {
  key: string
  name: string
  size: number
  sent: number
  state: 'uploading' | 'done' | 'refused' | 'error' | 'cancelled'
  /** Why it failed or was cancelled; a stored file's line comes from its video instead. */
  message: string | null
  /** The stored video: the line follows its status in the library (kept current by the hub's events). */
  stored: { id: number; duplicate: boolean; status: VideoStatus } | null
  controller: AbortController
}

/** Drag and drop, several files at once, a progress bar and a cancel button per file. */
export function UploadPanel() {
  const { t } = useTranslation()
  const limits = useVideoLimits()
  const library = useVideos()
  const uploadVideo = useUploadVideo()
  const [items, setItems] = useState<Item[]>([])
  const seq = useRef(0)
  const patch = (key: string, p: Partial<Item>) =>
    setItems((all) => all.map((i) => (i.key === key ? { ...i, ...p } : i)))

  const start = (file: File) => {
    const key = `${++seq.current}`
    const controller = new AbortController()
    setItems((all) => [
      {
        key,
        name: file.name,
        size: file.size,
        sent: 0,
        state: 'uploading',
        message: null,
        stored: null,
        controller,
      },
      ...all,
    ])
    uploadVideo(file, { signal: controller.signal, onProgress: (sent) => patch(key, { sent }) }).then(
      (r: ImportResult) => {
        patch(key, {
          state: 'done',
          sent: file.size,
          // A stored file's status is queued, processing, ready or failed: refusals were rejected above.
          stored:
            r.id === null ? null : { id: r.id, duplicate: r.duplicate, status: r.status as VideoStatus },
        })
      },
      (err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError')
          patch(key, { state: 'cancelled', message: t('videos.cancelled') })
        else if ((err as { code?: string }).code === 'video-refused')
          patch(key, { state: 'refused', sent: file.size, message: errorMessage(err) })
        else patch(key, { state: 'error', message: errorMessage(err) })
      },
    )
  }

  /** What a finished upload says: a duplicate is one already there; otherwise, where its video stands now. */
  const line = (i: Item): { text: string | null; failed: boolean } => {
    if (!i.stored) return { text: i.message, failed: i.state !== 'done' }
    if (i.stored.duplicate) return { text: t('videos.duplicate'), failed: false }
    const status = library.data?.find((v) => v.id === i.stored!.id)?.status ?? i.stored.status
    return { text: t(`videos.stored.${status}`), failed: status === 'failed' }
  }

  const canUpload = limits.data?.canUpload ?? false
  const max = limits.data ? formatBytes(limits.data.maxBytes) : '…'
  return (
    <Card styles={{ body: { padding: 16 } }}>
      <Upload.Dragger
        multiple
        accept="video/*,.mkv,.ts,.mts,.m2ts,.flv,.3gp,.avi,.wmv,.mpg,.mpeg,.vob,.m4v,.webm"
        showUploadList={false}
        disabled={!canUpload}
        beforeUpload={(file) => {
          start(file)
          return false
        }}
        data-testid="upload-dragger"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{canUpload ? t('videos.drop') : t('videos.dropViewer')}</p>
        <p className="ant-upload-hint">
          {t('videos.dropHint', { max })}
          {limits.data?.uploadsLeftToday != null &&
            ` · ${t('videos.quotaLeft', { n: limits.data.uploadsLeftToday })}`}
        </p>
      </Upload.Dragger>
      {items.length > 0 && (
        <List
          size="small"
          style={{ marginTop: 12 }}
          header={<Typography.Text strong>{t('videos.uploads')}</Typography.Text>}
          dataSource={items}
          data-testid="upload-list"
          renderItem={(i) => {
            const said = line(i)
            return (
              <List.Item
                data-testid="upload-item"
                data-state={i.state}
                actions={
                  i.state === 'uploading'
                    ? [
                        <Button
                          key="x"
                          size="small"
                          icon={<CloseOutlined />}
                          onClick={() => i.controller.abort()}
                        >
                          {t('videos.cancel')}
                        </Button>,
                      ]
                    : []
                }
              >
                <Flex vertical style={{ width: '100%' }} gap={2}>
                  <Flex justify="space-between">
                    <Typography.Text ellipsis style={{ maxWidth: 420 }}>
                      {i.name}
                    </Typography.Text>
                    <Typography.Text type="secondary">{formatBytes(i.size)}</Typography.Text>
                  </Flex>
                  <Progress
                    size="small"
                    percent={i.size ? Math.floor((i.sent / i.size) * 100) : 100}
                    status={
                      i.state === 'uploading'
                        ? 'active'
                        : i.state === 'done'
                          ? 'success'
                          : i.state === 'cancelled'
                            ? 'normal'
                            : 'exception'
                    }
                  />
                  {said.text && (
                    <Typography.Text
                      type={said.failed ? 'danger' : 'secondary'}
                      style={{ fontSize: 12 }}
                      data-testid="upload-message"
                    >
                      {said.text}
                    </Typography.Text>
                  )}
                </Flex>
              </List.Item>
            )
          }}
        />
      )}
    </Card>
  )
}

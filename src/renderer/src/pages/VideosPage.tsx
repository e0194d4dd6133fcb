import { Card, Flex, Image, Table, Typography } from 'antd'
import { VideoCameraOutlined } from '@ant-design/icons'
import { Link } from 'react-router-dom'
import { useTranslation } from 'react-i18next'
import type { Video } from '../../../shared/contract/videos'
import { useVideos } from '../api/videos'
import { PageHeader } from '../components/PageHeader'
import { UploadPanel } from '../components/UploadPanel'
import { VideoStatus } from '../components/VideoStatus'
import { VideoActions } from '../components/VideoActions'
import { actorLabel } from '../actor'
import { formatBytes, formatClock, formatTime } from '../format'

export function Thumb({ video, width = 96 }: { video: Video; width?: number }) {
  const height = Math.round((width * 9) / 16)
  // flex: none keeps the table from squeezing the picture.
  return video.thumbUrl ? (
    <div style={{ flex: 'none', width, height, borderRadius: 6, overflow: 'hidden', background: '#000' }}>
      <Image
        src={video.thumbUrl}
        width={width}
        height={height}
        preview={false}
        style={{ objectFit: 'contain' }}
      />
    </div>
  ) : (
    <Flex
      align="center"
      justify="center"
      style={{
        flex: 'none',
        width,
        height,
        borderRadius: 6,
        background: '#f0f2f5',
        color: '#bfbfbf',
        fontSize: 22,
      }}
    >
      <VideoCameraOutlined />
    </Flex>
  )
}

export function VideosPage() {
  const { t } = useTranslation()
  const videos = useVideos()
  return (
    <>
      <PageHeader title={t('videos.title')} subtitle={t('videos.subtitle')} />
      <UploadPanel />
      <Card title={t('videos.library')} style={{ marginTop: 16 }} styles={{ body: { padding: 0 } }}>
        <Table<Video>
          rowKey="id"
          loading={videos.isLoading}
          dataSource={videos.data ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('videos.empty') }}
          data-testid="videos-table"
          columns={[
            {
              title: t('videos.col.video'),
              key: 'video',
              render: (_v, video) => (
                <Flex gap={12} align="center" style={{ minWidth: 260 }}>
                  <Thumb video={video} />
                  <Flex vertical style={{ minWidth: 0 }}>
                    <Link to={`/videos/${video.id}`} data-testid={`video-link-${video.id}`}>
                      <Typography.Text strong ellipsis={{ tooltip: video.title }} style={{ maxWidth: 240 }}>
                        {video.title}
                      </Typography.Text>
                    </Link>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
                      {video.renditions.map((r) => r.label).join(' · ') || video.originalName}
                    </Typography.Text>
                  </Flex>
                </Flex>
              ),
            },
            {
              title: t('videos.col.status'),
              key: 'status',
              width: 210,
              render: (_v, video) => <VideoStatus video={video} />,
            },
            {
              title: t('videos.col.length'),
              dataIndex: 'durationMs',
              width: 80,
              render: (ms: number) => formatClock(ms),
            },
            {
              title: t('videos.col.size'),
              dataIndex: 'sizeBytes',
              width: 100,
              render: (n: number) => formatBytes(n),
            },
            {
              title: t('videos.col.source'),
              key: 'source',
              width: 130,
              render: (_v, video) => (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {video.width}×{video.height}
                  <br />
                  {video.videoCodec}
                  {video.audioCodec ? ` + ${video.audioCodec}` : ''}
                </Typography.Text>
              ),
            },
            {
              title: t('videos.col.uploader'),
              key: 'uploaded',
              width: 140,
              render: (_v, video) => (
                <Flex vertical>
                  <Typography.Text>{actorLabel(t, video.uploader)}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatTime(video.createdAt)}
                  </Typography.Text>
                </Flex>
              ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 200,
              render: (_v, video) => <VideoActions video={video} />,
            },
          ]}
        />
      </Card>
    </>
  )
}
